import Foundation

/// Moves an image's files to a new name and keeps them consistent with the
/// registry, as `ImportMarker` does for imports. The tree and the built
/// files move at once (the script goes on with the new name), and a marker
/// in the moved image directory names the old name and the process that
/// moved them. `reconcile` then decides: the committed registry has the new
/// name → done, the marker goes; the renaming process still runs and has
/// it staged → in progress; otherwise (the script failed, was rolled back
/// or killed) the files move back.
public enum ImageRename {
  static func markerPath(_ paths: ImagePaths) -> String { paths.imageDirectory + "/renamed" }

  /// The built files of an image: `NAME.img` and `NAME.img.*` (compressed, record).
  static func builtFiles(_ paths: ImagePaths) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: paths.provisionDirectory)) ?? []
    let base = paths.name + ".img"
    return names.filter { $0 == base || $0.hasPrefix(base + ".") }.sorted()
  }

  /// Moves the tree (if any) and built files of `from` to `to`, leaving the marker.
  /// - Throws: `ImageError` if `to` already has a tree or built files; nothing is moved then.
  static func move(from: ImagePaths, to: ImagePaths) throws {
    let files = FileManager.default
    if files.fileExists(atPath: to.imageDirectory) || !builtFiles(to).isEmpty {
      throw ImageError("files of an image named '\(to.name)' are already in \(to.stateDirectory); remove them first")
    }
    if files.fileExists(atPath: from.imageDirectory) {
      try files.createDirectory(atPath: AtomicFile.parent(of: to.imageDirectory), withIntermediateDirectories: true)
      try files.moveItem(atPath: from.imageDirectory, toPath: to.imageDirectory)
    } else {
      try files.createDirectory(atPath: to.imageDirectory, withIntermediateDirectories: true)
    }
    for name in builtFiles(from) {
      let suffix = name.dropFirst(from.name.count)
      try files.moveItem(atPath: from.provisionDirectory + "/" + name, toPath: to.provisionDirectory + "/" + to.name + suffix)
    }
    try Data("\(from.name)\n\(getpid())\n".utf8).write(to: URL(fileURLWithPath: markerPath(to)))
  }

  /// Applies the rule above to the image directory `paths`, given whether
  /// the committed and this process's working registry hold its name.
  public static func reconcile(_ paths: ImagePaths, committed: Bool, working: Bool) {
    guard let text = try? String(contentsOfFile: markerPath(paths), encoding: .utf8) else { return }
    let lines = text.split(separator: "\n").map(String.init)
    guard lines.count == 2, let pid = Int32(lines[1]) else { return }
    let old = ImagePaths(name: lines[0], stateDirectory: paths.stateDirectory)
    if committed {
      unlink(markerPath(paths))
      return
    }
    if pid == getpid() ? working : isAlive(pid) { return }
    unlink(markerPath(paths))
    if old.name != paths.name { try? move(from: paths, to: old) }
    unlink(markerPath(old))
  }

  /// Names of image directories that carry a marker.
  public static func markedNames(stateDirectory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/images")) ?? []
    return names.filter { FileManager.default.fileExists(atPath: markerPath(ImagePaths(name: $0, stateDirectory: stateDirectory))) }
  }

  private static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }
}
