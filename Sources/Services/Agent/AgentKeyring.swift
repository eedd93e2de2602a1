import Foundation
import NIOConcurrencyHelpers
import Runtime

/// The node agents' secrets and what proves a request came from one.
///
/// A node gets a fresh secret once per boot: only from the address its
/// DHCP lease gives that MAC, only within `bootWindow` seconds of the iPXE
/// request that began the boot (itself from that address), and only once —
/// a second request before the node boots again is refused and logged as a
/// conflict. Secrets are files under `<state>/agent/keys/` (directory 0700,
/// files 0600), never printed or logged. A signed request must carry a
/// time within `maxSkew` seconds of now and not before this server
/// started, a sequence number above the last one accepted for the node,
/// and the right HMAC (`AgentSignature`).
public final class AgentKeyring: Sendable {
  /// What a hand-out request gets.
  public enum HandOut: Equatable, Sendable {
    case key(String)
    case refused(String)
    /// A second request in the same boot.
    case conflict(String)
  }

  /// What a request's signature says.
  public enum Verdict: Equatable, Sendable {
    case signed
    case unsigned
    case refused(String)
  }

  /// The signature headers of one request.
  public struct Signature: Sendable, Equatable {
    public var time: String?
    public var sequence: String?
    public var hmac: String?
    public init(time: String?, sequence: String?, hmac: String?) {
      self.time = time
      self.sequence = sequence
      self.hmac = hmac
    }
    var isEmpty: Bool { time == nil && sequence == nil && hmac == nil }
  }

  private struct NodeState {
    var bootStarted: Int?
    var handedOutFor: Int?
    var handedTo = ""
    var lastSequence = 0
  }

  public let directory: String
  public let bootWindow: Int
  public let maxSkew: Int
  private let started: Int
  private let nodes = NIOLockedValueBox<[String: NodeState]>([:])
  private let clock: @Sendable () -> Int

  public init(stateDirectory: String, bootWindow: Int = 600, maxSkew: Int = 60,
              clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
    directory = stateDirectory + "/agent/keys"
    self.bootWindow = bootWindow
    self.maxSkew = maxSkew
    self.clock = clock
    started = clock()
  }

  /// A boot of `node` began (its iPXE script was asked for from `address`,
  /// which is its lease's): a new hand-out may follow.
  public func bootStarted(node: String) {
    let now = clock()
    nodes.withLockedValue { $0[node, default: NodeState()].bootStarted = now }
  }

  /// Hands `node` this boot's secret if `clientIP` is `leaseAddress` and
  /// the boot window is open and no secret went out for this boot yet.
  public func handOut(node: String, clientIP: String, leaseAddress: String?) -> HandOut {
    guard let leaseAddress, clientIP == leaseAddress else {
      return .refused("asked from \(clientIP), but its lease gives \(leaseAddress ?? "no address")")
    }
    let now = clock()
    let decision = nodes.withLockedValue { all -> HandOut in
      var state = all[node, default: NodeState()]
      guard let boot = state.bootStarted, now - boot <= bootWindow else {
        return .refused("outside its boot window (\(bootWindow) s after its iPXE request)")
      }
      if state.handedOutFor == boot {
        return .conflict("this boot's key already went to \(state.handedTo); refused until the node boots again")
      }
      state.handedOutFor = boot
      state.handedTo = clientIP
      state.lastSequence = 0
      all[node] = state
      return .key("")
    }
    guard case .key = decision else { return decision }
    let key = AgentSignature.newKey()
    do {
      try store(key, for: node)
    } catch {
      nodes.withLockedValue { $0[node]?.handedOutFor = nil }
      return .refused("cannot store its key: \(error)")
    }
    return .key(key)
  }

  /// Checks a request of `node` for `target`.
  public func verify(node: String, target: String, signature: Signature) -> Verdict {
    if signature.isEmpty { return .unsigned }
    guard let timeText = signature.time, let time = Int(timeText), let seqText = signature.sequence,
          let sequence = Int(seqText), let hmac = signature.hmac else {
      return .refused("incomplete signature headers")
    }
    guard let key = key(for: node), let expected = AgentSignature.hmac(keyHex: key, message: AgentSignature.message(target: target, time: time, sequence: sequence)) else {
      return .refused("no key was handed out to it")
    }
    guard AgentSignature.matches(hmac, expected) else { return .refused("wrong signature") }
    let now = clock()
    guard abs(now - time) <= maxSkew, time >= started else { return .refused("stale time stamp (\(time), now \(now))") }
    return nodes.withLockedValue { all -> Verdict in
      guard sequence > all[node, default: NodeState()].lastSequence else { return .refused("replayed (sequence \(sequence))") }
      all[node, default: NodeState()].lastSequence = sequence
      return .signed
    }
  }

  private func path(for node: String) -> String { directory + "/" + node }

  private func key(for node: String) -> String? {
    guard !node.contains("/"), let data = FileManager.default.contents(atPath: path(for: node)) else { return nil }
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }

  /// Written with mode 0600 from the start (never readable by others, not
  /// even for a moment), then renamed over the old key.
  private func store(_ key: String, for node: String) throws {
    let files = FileManager.default
    try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
    let temporary = path(for: ".\(node).new")
    unlink(temporary)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    let bytes = Array((key + "\n").utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    let synced = fsync(fd) == 0
    close(fd)
    guard written == bytes.count, synced, rename(temporary, path(for: node)) == 0 else {
      unlink(temporary)
      throw POSIXError(.EIO)
    }
  }
}
