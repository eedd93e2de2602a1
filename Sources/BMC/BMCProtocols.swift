import Remote
import Runtime

/// The controller `howl` installs: each node's requests go to the protocol
/// its `ipmi.tags.protocol` names — `ipmi` (or none) through ipmitool,
/// `redfish` through Howl's HTTPS client. A tag keeps `nodes.conf` as
/// Warewulf reads it.
public final class BMCProtocols: BMCController {
  private let ipmi: BMCController
  private let redfish: BMCController

  public init(ipmi: BMCController, redfish: BMCController) {
    self.ipmi = ipmi
    self.redfish = redfish
  }

  private func controller(_ target: BMCTarget) throws -> BMCController {
    switch target.tags["protocol"]?.lowercased() ?? "" {
    case "", "ipmi": return ipmi
    case "redfish": return redfish
    case let other: throw BMCError("ipmi.tags.protocol is \"ipmi\" or \"redfish\", not \"\(other)\"")
    }
  }

  public func commandLine(_ action: BMCAction, for target: BMCTarget) throws -> String {
    try controller(target).commandLine(action, for: target)
  }

  /// Each protocol's nodes in one fanout of their own, the two side by side.
  public func perform(_ action: BMCAction, on targets: [BMCTarget], fanout: Int, timeout: Double) -> [BMCReply] {
    var replies = [BMCReply?](repeating: nil, count: targets.count)
    var groups: [ObjectIdentifier: (controller: BMCController, indexes: [Int])] = [:]
    for (i, target) in targets.enumerated() {
      do {
        let chosen = try controller(target)
        groups[ObjectIdentifier(chosen), default: (chosen, [])].indexes.append(i)
      } catch {
        replies[i] = .failed("\(error)")
      }
    }
    let batches = Array(groups.values)
    let answers = Fanout.map(batches.count, width: batches.count) { b in
      batches[b].controller.perform(action, on: batches[b].indexes.map { targets[$0] }, fanout: fanout, timeout: timeout)
    }
    for (batch, answer) in zip(batches, answers) {
      for (i, reply) in zip(batch.indexes, answer) { replies[i] = reply }
    }
    return replies.map { $0! }
  }

  public func sensors(_ target: BMCTarget, timeout: Double) throws -> [BMCSensor] {
    try controller(target).sensors(target, timeout: timeout)
  }

  public func attachConsole(_ target: BMCTarget) throws {
    try controller(target).attachConsole(target)
  }
}
