import Foundation

/// Keeps an imported tree and the registry consistent without a commit
/// hook. Importing writes the tree at once (a script may build it right
/// away) with a marker holding an import id, and stages the registry entry
/// with the same id. Later, `reconcile` decides: the committed entry has
/// the id → the import is committed, the marker goes; only the staged
/// (working) entry has it → still in progress; neither → the script failed
/// or was rolled back (or killed), so the tree and its built files go.
public enum ImportMarker {
  public static let registryKey = "import id"

  static func write(_ paths: ImagePaths, id: String) throws {
    try Data((id + "\n").utf8).write(to: URL(fileURLWithPath: paths.uncommittedMarker))
  }

  static func read(_ paths: ImagePaths) -> String? {
    guard let data = FileManager.default.contents(atPath: paths.uncommittedMarker) else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Applies the rule above given the ids in the committed and working entries.
  public static func reconcile(_ paths: ImagePaths, committedID: String?, workingID: String?) {
    guard let id = read(paths) else { return }
    if committedID == id {
      unlink(paths.uncommittedMarker)
    } else if workingID != id {
      try? FileManager.default.removeItem(atPath: paths.imageDirectory)
      for file in [paths.image, paths.buildRecord] + ImageCompression.allCases.map(paths.compressedImage) { unlink(file) }
    }
  }

  /// Names of image directories that carry a marker.
  static func markedNames(stateDirectory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/images")) ?? []
    return names.filter { FileManager.default.fileExists(atPath: ImagePaths(name: $0, stateDirectory: stateDirectory).uncommittedMarker) }
  }
}
