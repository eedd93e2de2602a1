/// The embedded store: $HOWL_ROOT/etc/howl/nodes.conf and
/// $HOWL_ROOT/etc/howl/howl.conf (YAML), artefacts under $HOWL_ROOT/var/lib/howl/.
///
/// Readers never lock: files are only ever replaced whole (rename), so a
/// read sees one committed version. Writers serialize on an `flock` of
/// `etc/howl/.lock`, across processes.
public final class Store {
  public let root: String
  public var nodesConfPath: String
  public var serverConfPath: String
  public var stateDirectory: String
  var lockPath: String

  /// The last text read or written for each file and what it parsed to, so
  /// that a commit need not parse again a file nobody changed.
  private var cache: [String: (text: String, cluster: ClusterConfig?, server: ServerConfig?)] = [:]

  /// A commit that could not be applied.
  public struct ConflictError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  public init(root: String) {
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    self.root = root
    self.nodesConfPath = base + "/etc/howl/nodes.conf"
    self.serverConfPath = base + "/etc/howl/howl.conf"
    self.stateDirectory = base + "/var/lib/howl"
    self.lockPath = base + "/etc/howl/.lock"
  }

  /// The committed state. Missing files give a fresh state
  /// (`ClusterConfig.fresh`, default server settings); nothing is written.
  /// An existing nodes.conf is taken as it is, however sparse its profiles.
  /// - Throws: `ConfigError` if a file does not parse.
  public func load() throws -> ClusterState {
    ClusterState(cluster: try loadCluster(), server: try loadServer())
  }

  func loadCluster() throws -> ClusterConfig {
    guard let text = try AtomicFile.read(nodesConfPath) else { return .fresh }
    if let cached = cache[nodesConfPath], cached.text == text, let cluster = cached.cluster { return cluster }
    let cluster = try NodesConf.parse(text, file: nodesConfPath)
    cache[nodesConfPath] = (text, cluster, nil)
    return cluster
  }

  func loadServer() throws -> ServerConfig {
    guard let text = try AtomicFile.read(serverConfPath) else { return ServerConfig() }
    if let cached = cache[serverConfPath], cached.text == text, let server = cached.server { return server }
    let server = try ServerConfig.parse(text, file: serverConfPath)
    cache[serverConfPath] = (text, nil, server)
    return server
  }

  /// Commits `state`, computed from `base`: under an exclusive lock (flock on a lock file), re-reads the files;
  /// if they still equal `base`, writes `state`; if someone else committed meanwhile, calls `reapply(fresh)` to
  /// compute the new state on the fresh one (or throws a clear conflict error, writing nothing). Writes are
  /// atomic: temp file in the same dir, fsync, rename, fsync dir. Unchanged files are not rewritten.
  ///
  /// A file that does not parse is never overwritten: the commit throws its `ConfigError`.
  /// A state nodes.conf could not hold (`ClusterConfig.validate`) is not written either.
  /// nodes.conf is written before howl.conf; each is atomic on its own.
  /// - Returns: the state now committed.
  public func commit(base: ClusterState, state: ClusterState,
                     reapply: (ClusterState) throws -> ClusterState) throws -> ClusterState {
    try AtomicFile.makeDirectories(AtomicFile.parent(of: nodesConfPath))
    try AtomicFile.makeDirectories(AtomicFile.parent(of: serverConfPath))
    return try AtomicFile.withLock(lockPath) {
      AtomicFile.removeStaleTemporaries(for: nodesConfPath)
      AtomicFile.removeStaleTemporaries(for: serverConfPath)
      let current = try load()
      var target = current == base ? state : try reapply(current)
      try target.cluster.validate()
      target.cluster = target.cluster.canonicalized()
      if target.cluster != current.cluster {
        let layout = (try AtomicFile.read(nodesConfPath)).map(YAMLLayout.detect(in:)) ?? YAMLLayout()
        let text = NodesConf.serialize(target.cluster, layout: layout)
        // Readable by its owner only once it holds a BMC password.
        try AtomicFile.write(text, to: nodesConfPath, mode: Secrets.present(in: target.cluster) ? 0o600 : 0o644)
        cache[nodesConfPath] = (text, target.cluster, nil)
      }
      if target.server != current.server {
        let text = target.server.serialize()
        try AtomicFile.write(text, to: serverConfPath)
        cache[serverConfPath] = (text, nil, target.server)
      }
      return target
    }
  }

  /// `commit` that refuses to merge: if someone else committed since `base`,
  /// throws `ConflictError` and writes nothing.
  public func commit(base: ClusterState, state: ClusterState) throws -> ClusterState {
    try commit(base: base, state: state) { _ in
      throw ConflictError(message: "the cluster changed since it was loaded (another commit); load again and redo the change")
    }
  }
}
