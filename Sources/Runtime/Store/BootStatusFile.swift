import Foundation

/// Each node's last boot request as `howl serve` records it in
/// `<state directory>/boot-status.json` (and serves at `/status`): what
/// stage, which file or refusal, from where, when. The `nodes` table and
/// `howl status` read it; nothing but `howl serve` writes it.
public enum BootStatusFile {
  /// One node's entry, keyed as Warewulf's status document keys it.
  public struct Entry: Codable, Sendable, Equatable {
    public var nodeName: String
    public var stage: String
    public var sent: String
    public var ipaddr: String
    /// Seconds since 1970.
    public var lastSeen: Int
    /// When the node's agent last reported applying its runtime overlay
    /// (seconds since 1970), that overlay's SHA-256 and how many files it
    /// wrote; the boot stage above is left as it was.
    public var runtimeRefresh: Int?
    public var runtimeDigest: String?
    public var runtimeChanged: Int?
    /// The token of the last `refresh()` an agent's report answered.
    public var runtimeAfter: Int?

    public init(nodeName: String, stage: String, sent: String, ipaddr: String, lastSeen: Int) {
      self.nodeName = nodeName
      self.stage = stage
      self.sent = sent
      self.ipaddr = ipaddr
      self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
      case nodeName = "node name", stage, sent, ipaddr, lastSeen = "last seen"
      case runtimeRefresh = "runtime refresh", runtimeDigest = "runtime digest", runtimeChanged = "runtime changed", runtimeAfter = "runtime refresh token"
    }

    /// "runtime, 40s ago": the stage and how long since.
    public func summary(now: Int = Int(Date().timeIntervalSince1970)) -> String {
      "\(stage), \(BootStatusFile.age(now - lastSeen)) ago"
    }

    /// "12s ago", or "-" when no agent reported.
    public func refreshSummary(now: Int = Int(Date().timeIntervalSince1970)) -> String {
      runtimeRefresh.map { "\(BootStatusFile.age(now - $0)) ago" } ?? "-"
    }
  }

  /// The whole document.
  public struct Document: Codable, Sendable {
    public var nodes: [String: Entry]
    public init(nodes: [String: Entry]) { self.nodes = nodes }
  }

  public static func path(stateDirectory: String) -> String { stateDirectory + "/boot-status.json" }

  /// The entries in a state file; nil when there is none or it is unreadable.
  public static func load(from path: String) -> [String: Entry]? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return (try? JSONDecoder().decode(Document.self, from: data))?.nodes
  }

  /// 42s, 5m, 3h, 2d.
  static func age(_ seconds: Int) -> String {
    let s = max(0, seconds)
    switch s {
    case ..<120: return "\(s)s"
    case ..<7200: return "\(s / 60)m"
    case ..<172_800: return "\(s / 3600)h"
    default: return "\(s / 86400)d"
    }
  }
}
