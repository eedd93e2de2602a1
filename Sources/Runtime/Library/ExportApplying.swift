/// What makes the NFS server serve the committed exports. Runtime knows no
/// processes or servers: the `howl` executable installs the Services
/// implementation into `ClusterContext.exportApplier`, and `howl serve`
/// uses the same one.
public protocol ExportApplying: AnyObject {
  /// Configures the NFS server for `server.exports` and makes it serve them
  /// (starting or reloading it). Throws, changing nothing, if an export
  /// cannot be served.
  func apply(_ server: ServerConfig) throws -> ExportApplyReport

  /// The exports the NFS server was last given, name → path (empty before
  /// any apply): what the readiness check compares mounts with.
  func servedExports(_ server: ServerConfig) -> [String: String]
}

/// What applying the exports did.
public struct ExportApplyReport: Equatable, Sendable {
  /// `ganesha`, `kernel` or `none`.
  public var backend: String
  public var added: [String] = []
  public var removed: [String] = []
  /// Exports whose options changed.
  public var changed: [String] = []
  /// What happened to the server: `started (pid 4242)`, `reloaded (pid 4242)`, `unchanged`, …
  public var action: String

  public init(backend: String, added: [String] = [], removed: [String] = [], changed: [String] = [], action: String) {
    self.backend = backend
    self.added = added
    self.removed = removed
    self.changed = changed
    self.action = action
  }

  /// One line: `nfs (ganesha): added rocky-8-opt; removed home; reloaded (pid 4242)`.
  public var summary: String {
    var parts: [String] = []
    if !added.isEmpty { parts.append("added " + added.joined(separator: ", ")) }
    if !removed.isEmpty { parts.append("removed " + removed.joined(separator: ", ")) }
    if !changed.isEmpty { parts.append("changed " + changed.joined(separator: ", ")) }
    parts.append(action)
    return "nfs (\(backend)): " + parts.joined(separator: "; ")
  }
}
