import Remote
import Runtime

/// The IPMI nodes' requests. Power and `boot_once` on a node rendered by
/// Howl's stock template go through Howl's own IPMI client: RMCP+ (lanplus,
/// cipher suites 1–3) or IPMI 1.5 (lan) over UDP, every node of a fanout in
/// flight at once from one thread (`IPMIDatagramLoop`). A site's own
/// template, another interface or cipher suite, the sensors and the console
/// run ipmitool as the template says, unchanged.
public final class IPMIController: BMCController {
  private let ipmitool: IPMIToolController
  private let stockDirectories: Set<String>

  /// `siteDirectory`: the site's templates, looked up first; `stockDirectories`: Howl's own.
  public init(siteDirectory: String, stockDirectories: [String]) {
    ipmitool = IPMIToolController(templateDirectories: [siteDirectory] + stockDirectories)
    self.stockDirectories = Set(stockDirectories)
  }

  public func commandLine(_ action: BMCAction, for target: BMCTarget) throws -> String {
    let line = try ipmitool.commandLine(action, for: target)
    guard let session = session(action, target) else { return line }
    return "Howl's IPMI client (\(session)), the same request as: \(line)"
  }

  public func perform(_ action: BMCAction, on targets: [BMCTarget], fanout: Int, timeout: Double) -> [BMCReply] {
    var replies = [BMCReply?](repeating: nil, count: targets.count)
    var native: [(index: Int, job: IPMIDatagramLoop.Job)] = []
    var others: [Int] = []
    for (i, target) in targets.enumerated() {
      if let job = job(action, target) { native.append((i, job)) } else { others.append(i) }
    }
    // ipmitool's nodes on their threads, Howl's client's in one loop: the two side by side.
    let answers = Fanout.map(2, width: 2) { side -> [BMCReply] in
      if side == 0 { return others.isEmpty ? [] : self.ipmitool.perform(action, on: others.map { targets[$0] }, fanout: fanout, timeout: timeout) }
      let outcomes = IPMIDatagramLoop.run(native.map(\.job), width: fanout, timeout: timeout)
      return zip(native, outcomes).map { self.reply($1, action, targets[$0.index], $0.job, timeout: timeout) }
    }
    for (i, reply) in zip(others, answers[0]) { replies[i] = reply }
    for ((i, _), reply) in zip(native, answers[1]) { replies[i] = reply }
    return replies.map { $0! }
  }

  public func sensors(_ target: BMCTarget, timeout: Double) throws -> [BMCSensor] {
    try ipmitool.sensors(target, timeout: timeout)
  }

  public func attachConsole(_ target: BMCTarget) throws {
    try ipmitool.attachConsole(target)
  }

  /// How Howl's client talks to `target` for `action` (`lanplus, cipher suite 3`),
  /// or nil when ipmitool runs the request.
  private func session(_ action: BMCAction, _ target: BMCTarget) -> String? {
    switch action {
    case .power, .bootOnce: break
    case .sensors, .console: return nil
    }
    guard let file = ipmitool.templates.file(for: target),
          stockDirectories.contains(String(file.dropLast(BMCTemplates.defaultName.count + 1))),
          file.hasSuffix("/" + BMCTemplates.defaultName) else { return nil }
    switch target.interface {
    case "", "lan": return "lan, IPMI 1.5"
    case "lanplus": return Self.cipherSuite(target).map { "lanplus, cipher suite \($0)" }
    default: return nil
    }
  }

  private func job(_ action: BMCAction, _ target: BMCTarget) -> IPMIDatagramLoop.Job? {
    guard session(action, target) != nil else { return nil }
    let link: IPMISessionLink = target.interface == "lanplus"
      ? RMCPPlusLink(cipherSuite: Self.cipherSuite(target)!, user: target.username, password: target.password)
      : LAN15Link(user: target.username, password: target.password)
    let requests: [IPMIRequest]
    switch action {
    case .power(.status): requests = [.chassisStatus]
    case .power(let p):
      let control: [PowerAction: UInt8] = [.off: 0, .on: 1, .cycle: 2, .reset: 3, .soft: 5]
      requests = [.setSessionPrivilege(administrator), .chassisControl(control[p]!)]
    case .bootOnce(let device, let persistent):
      guard let selector = Self.bootDevices[device] else { return nil }
      requests = [.setSessionPrivilege(administrator), .bootFlags(device: selector, persistent: persistent)]
    case .sensors, .console: return nil
    }
    return IPMIDatagramLoop.Job(host: target.ipaddr, port: target.port.isEmpty ? "623" : target.port,
                                conversation: IPMIConversation(link: link, requests: requests))
  }

  /// The node's lanplus cipher suite (its `cipher` tag, 3 when unset) if Howl's client speaks it.
  private static func cipherSuite(_ target: BMCTarget) -> Int? {
    let tag = target.tags["cipher"] ?? ""
    let suite = tag.isEmpty ? 3 : Int(tag) ?? 0
    return RMCPPlusLink.cipherSuites.contains(suite) ? suite : nil
  }

  /// Boot device selectors (IPMI 2.0 table 28-14, bits 5:2 of data 2).
  static let bootDevices: [String: UInt8] = ["pxe": 1, "disk": 2, "cdrom": 5, "bios": 6]

  private func reply(_ outcome: IPMIDatagramLoop.Outcome, _ action: BMCAction, _ target: BMCTarget, _ job: IPMIDatagramLoop.Job,
                     timeout: Double) -> BMCReply {
    let interface = target.interface.isEmpty ? "lan" : target.interface
    let refused = "BMC \(target.address) refused the session (wrong user name or password, or interface \(interface) not offered)"
    switch outcome {
    case .unreachable(let message):
      return .failed("BMC \(target.address): \(message)")
    case .refused(let reason):
      return .failed("\(refused): \(reason)")
    case .silent(let awaiting, let heard):
      if !heard { return .failed("BMC \(target.address) did not answer in \(TimedCommand.seconds(timeout))") }
      if job.conversation.isEstablished {
        return .failed("BMC \(target.address) stopped answering: no \(awaiting) in \(TimedCommand.seconds(timeout))")
      }
      return .failed("\(refused): no answer to \(awaiting) in \(TimedCommand.seconds(timeout))")
    case .answered(let responses):
      let last = responses[responses.count - 1]
      if let failure = last.failure {
        return .failed("BMC \(target.address): \(job.conversation.requests[responses.count - 1].name): \(failure)")
      }
      switch action {
      case .power(.status):
        guard let state = last.data.first else { return .failed("BMC \(target.address): Get Chassis Status: a short answer") }
        return .ok(state & 1 == 1 ? "on" : "off")
      default:
        return IPMIToolReplies.outcome(action, "")
      }
    }
  }
}
