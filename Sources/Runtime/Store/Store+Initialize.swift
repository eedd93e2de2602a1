extension Store {
  /// Writes the fresh state (`ClusterConfig.fresh`, default server settings)
  /// for the files that do not exist yet, and makes the state directory, so
  /// an installed head node starts with files a sysadmin can read and edit.
  /// Never overwrites: an existing file is the site's, parsed or not.
  /// - Returns: the paths written (empty when the state was already there).
  public func initialize() throws -> [String] {
    try AtomicFile.makeDirectories(AtomicFile.parent(of: nodesConfPath))
    try AtomicFile.makeDirectories(stateDirectory)
    return try AtomicFile.withLock(lockPath) {
      var written: [String] = []
      if try AtomicFile.read(nodesConfPath) == nil {
        try AtomicFile.write(NodesConf.serialize(ClusterConfig.fresh.canonicalized(), layout: YAMLLayout()), to: nodesConfPath, mode: 0o644)
        written.append(nodesConfPath)
      }
      if try AtomicFile.read(serverConfPath) == nil {
        try AtomicFile.write(ServerConfig().serialize(), to: serverConfPath)
        written.append(serverConfPath)
      }
      return written
    }
  }
}
