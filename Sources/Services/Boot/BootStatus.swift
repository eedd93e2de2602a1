import Foundation
import NIOConcurrencyHelpers

/// A node's boot stage, named after the HTTP route that served it.
public enum BootStage: String, Sendable, Codable, CaseIterable {
  case dhcp, tftp, ipxe, kernel, image, system, runtime
}

/// Each node's last request: what stage, which file (or the refusal), from
/// where, when (Warewulf's status DB, `GET /status`). Shared by the
/// services; written to `boot-status.json` for `howl status`.
public final class BootStatusBoard: Sendable {
  /// One node's entry, as `/status` and the state file show it.
  public struct Entry: Codable, Sendable, Equatable {
    public var nodeName: String
    public var stage: String
    public var sent: String
    public var ipaddr: String
    public var lastSeen: Int

    enum CodingKeys: String, CodingKey {
      case nodeName = "node name", stage, sent, ipaddr, lastSeen = "last seen"
    }
  }

  /// The document `/status` returns.
  public struct Document: Codable, Sendable {
    public var nodes: [String: Entry]
  }

  private let entries = NIOLockedValueBox<(nodes: [String: Entry], dirty: Bool)>(([:], false))

  public init() {}

  public func record(node: String, stage: String, sent: String, ipaddr: String) {
    let entry = Entry(nodeName: node, stage: stage, sent: sent, ipaddr: ipaddr, lastSeen: Int(Date().timeIntervalSince1970))
    entries.withLockedValue {
      $0.nodes[node] = entry
      $0.dirty = true
    }
  }

  public var snapshot: [String: Entry] { entries.withLockedValue { $0.nodes } }

  public func json() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    return (try? encoder.encode(Document(nodes: snapshot))) ?? Data("{\"nodes\":{}}".utf8)
  }

  /// Writes the state file if anything changed since the last write.
  public func flush(to path: String) {
    let changed = entries.withLockedValue { value -> Bool in
      defer { value.dirty = false }
      return value.dirty
    }
    guard changed else { return }
    let url = URL(fileURLWithPath: path)
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? json().write(to: url, options: .atomic)
  }

  /// Reads a state file `howl serve` wrote.
  public static func load(from path: String) -> [String: Entry]? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return (try? JSONDecoder().decode(Document.self, from: data))?.nodes
  }
}
