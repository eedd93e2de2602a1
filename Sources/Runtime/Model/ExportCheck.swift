import Foundation

/// What makes an export servable: an absolute, normalized path other than
/// `/`, that exists as a directory, is exported once, and has options an
/// NFS server understands. `exports.add` checks one export before staging
/// it; applying checks them all again (a directory may have gone since).
public enum ExportCheck {
  public typealias Problem = ExportOptions.Problem

  /// `/opt//x/` → `/opt/x`. Throws for a relative path, `..`, `/` itself,
  /// and characters no NFS configuration file can hold (quotes, backslashes,
  /// control characters).
  public static func normalize(_ path: String) throws -> String {
    guard path.hasPrefix("/") else { throw Problem(description: "an export needs an absolute path, not \"\(path)\"") }
    let parts = path.split(separator: "/").filter { $0 != "." }
    if parts.contains("..") { throw Problem(description: "an export path may not contain '..': \"\(path)\"") }
    if parts.isEmpty { throw Problem(description: "exporting / (the head node's whole file system) is refused") }
    if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\"" || $0 == "\\" || $0.value == 0x7f }) {
      throw Problem(description: "an export path may not contain quotes, backslashes or control characters")
    }
    return "/" + parts.joined(separator: "/")
  }

  /// Fails unless `path` is an existing directory.
  public static func requireDirectory(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw Problem(description: "the export path \(path) does not exist")
    }
    guard isDirectory.boolValue else { throw Problem(description: "the export path \(path) is not a directory") }
  }

  /// The export, other than `name`, that already exports `path`.
  public static func owner(of path: String, in exports: some Sequence<(key: String, value: ServerConfig.ExportEntry)>,
                           except name: String? = nil) -> String? {
    exports.first { $0.key != name && $0.value.path == path }?.key
  }

  /// Checks every export as a server would serve them (paths normalized:
  /// a `warewulf.conf` may write `/home/`); each problem names its export.
  public static func all(_ exports: [(key: String, value: ServerConfig.ExportEntry)]) throws {
    var owners: [String: String] = [:]
    for (name, entry) in exports {
      do {
        let path = try normalize(entry.path)
        try requireDirectory(path)
        _ = try ExportOptions(entry.options)
        if let other = owners[path] { throw Problem(description: "\(path) is also exported as '\(other)'") }
        owners[path] = name
      } catch let problem as Problem {
        throw Problem(description: "export '\(name)': \(problem.description)")
      }
    }
  }
}
