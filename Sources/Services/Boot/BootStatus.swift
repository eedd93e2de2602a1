import Foundation
import NIOConcurrencyHelpers
import Runtime

/// A node's boot stage, named after the HTTP route that served it.
public enum BootStage: String, Sendable, Codable, CaseIterable {
  case dhcp, tftp, ipxe, kernel, image, system, runtime
  /// GRUB's configuration (arm64 nodes), in place of the iPXE script.
  case grub
}

/// Each node's last request: what stage, which file (or the refusal), from
/// where, when (Warewulf's status DB, `GET /status`). Shared by the
/// services; written to `boot-status.json` for `howl status`.
public final class BootStatusBoard: Sendable {
  public typealias Entry = BootStatusFile.Entry
  public typealias Document = BootStatusFile.Document

  private let entries = NIOLockedValueBox<(nodes: [String: Entry], dirty: Bool)>(([:], false))

  /// Starts from the entries a previous `howl serve` left in `stateFile`,
  /// so a restart does not forget where nodes got to.
  public init(stateFile: String? = nil) {
    if let stateFile, let nodes = BootStatusFile.load(from: stateFile) {
      entries.withLockedValue { $0.nodes = nodes }
    }
  }

  public func record(node: String, stage: String, sent: String, ipaddr: String) {
    var entry = Entry(nodeName: node, stage: stage, sent: sent, ipaddr: ipaddr, lastSeen: Int(Date().timeIntervalSince1970))
    entries.withLockedValue {
      entry.runtimeRefresh = $0.nodes[node]?.runtimeRefresh
      entry.runtimeDigest = $0.nodes[node]?.runtimeDigest
      entry.runtimeChanged = $0.nodes[node]?.runtimeChanged
      entry.runtimeAfter = $0.nodes[node]?.runtimeAfter
      $0.nodes[node] = entry
      $0.dirty = true
    }
  }

  /// Notes that the node's agent applied the runtime overlay with this
  /// digest, for the refresh with token `after` if it names one; the boot
  /// stage stays as it is.
  public func recordRefresh(node: String, digest: String, changed: Int, after: Int?, ipaddr: String) {
    let now = Int(Date().timeIntervalSince1970)
    entries.withLockedValue {
      var entry = $0.nodes[node] ?? Entry(nodeName: node, stage: "-", sent: "-", ipaddr: ipaddr, lastSeen: now)
      entry.runtimeRefresh = now
      entry.runtimeDigest = digest
      entry.runtimeChanged = changed
      if let after, after > 0 { entry.runtimeAfter = after }
      $0.nodes[node] = entry
      $0.dirty = true
    }
  }

  public var snapshot: [String: Entry] { entries.withLockedValue { $0.nodes } }

  public func json() -> Data { BootStatusFile.json(snapshot) }

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
}
