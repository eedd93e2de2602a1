import Foundation

/// The few file operations the language needs.
public enum FileSystem {
  public static func read(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
        throw LangError(isDir.boolValue ? "\(path) is a directory" : "cannot read \(path): permission denied")
      }
      throw LangError("no such file: \(path)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  public static func write(_ path: String, _ text: String) throws {
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }
    catch { throw LangError("cannot write \(path): \(error.localizedDescription)") }
  }

  public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  public static func list(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
  }

  public static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// Removes `.` and `..` components.
  public static func normalize(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
      parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
  }
}
