import Lang
import OrderedCollections

/// `images.rename("rocky-8", "rocky-8-split")` and `image.name = "…"`:
/// the tree and built files move at once (`ImageRename`, undone if the
/// script does not commit), and the staged change renames the registry
/// entry, points the nodes and profiles that use the image at the new
/// name, and moves its exports: their paths, their default names
/// (`rocky-8-opt` → `rocky-8-split-opt`) and the mounts that name them.
enum ImageRenaming {
  static func rename(_ old: String, to new: String, cluster: ClusterContext) throws {
    try Names.check(new, what: "image")
    let session = try cluster.session()
    let stateDirectory = cluster.store.stateDirectory
    var preview = session.working
    try edit(&preview, old: old, new: new, stateDirectory: stateDirectory)
    let from = ImagePaths(name: old, stateDirectory: stateDirectory), to = ImagePaths(name: new, stateDirectory: stateDirectory)
    try wrapped { try ImageRename.move(from: from, to: to) }
    do {
      try session.stage { state, _ in try edit(&state, old: old, new: new, stateDirectory: stateDirectory) }
    } catch {
      ImageRename.reconcile(to, committed: false, working: false)
      throw error
    }
  }

  /// The staged change; it checks before it mutates.
  static func edit(_ state: inout ClusterState, old: String, new: String, stateDirectory: String) throws {
    guard state.server.images[old] != nil else {
      throw LangError("no image named '\(old)'", suggestion: Suggestions.didYouMean(old, among: state.server.images.keys))
    }
    if state.server.images[new] != nil { throw LangError("image '\(new)' already exists") }
    let imagesRoot = stateDirectory + "/images/"
    let oldTree = imagesRoot + old + "/", newTree = imagesRoot + new + "/"
    var exports = OrderedDictionary<String, ServerConfig.ExportEntry>()
    var renamedExports: [(String, String)] = []
    for (name, export) in state.server.exports {
      guard export.image == old, export.path.hasPrefix(oldTree) else {
        exports[name] = export
        continue
      }
      var moved = export
      moved.path = newTree + export.path.dropFirst(oldTree.count)
      moved.image = new
      var newName = name
      if name == ExportCollection.defaultName(path: export.path, image: old, imagesRoot: imagesRoot) {
        newName = ExportCollection.defaultName(path: moved.path, image: new, imagesRoot: imagesRoot)
        if newName != name, state.server.exports[newName] != nil {
          throw LangError("renaming the export '\(name)' to '\(newName)' would clash with the export of that name")
        }
        renamedExports.append((name, newName))
      }
      exports[newName] = moved
    }
    state.server.images = OrderedDictionary(uniqueKeysWithValues: state.server.images.map { ($0.key == old ? new : $0.key, $0.value) })
    state.server.exports = exports
    state.cluster.replaceImage(old, with: new)
    for (from, to) in renamedExports where from != to { state.cluster.replaceMountSource(from, with: to) }
  }
}
