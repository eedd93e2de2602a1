#if canImport(Glibc)
import Glibc
#endif

/// A directory that requested names cannot leave: a leading `/` is
/// relative to the root, `..` and NUL are refused, and the resolved path
/// (symlinks followed) must still lie inside the resolved root.
public struct SafeRoot: Sendable {
  public let root: String

  public init(_ root: String) { self.root = root }

  /// Why a name was refused.
  public enum Refusal: Error, Equatable {
    case traversal, notFound, notAFile
  }

  /// The real path of the regular file `name` names inside the root.
  public func resolve(_ name: String) -> Result<String, Refusal> {
    let components = name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
    if name.utf8.contains(0) || components.contains(where: { $0 == ".." }) { return .failure(.traversal) }
    guard let realRoot = SafeRoot.realPath(root) else { return .failure(.notFound) }
    let joined = realRoot + "/" + components.filter { $0 != "." }.joined(separator: "/")
    guard let real = SafeRoot.realPath(joined) else { return .failure(.notFound) }
    guard real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else { return .failure(.traversal) }
    var info = stat()
    guard stat(real, &info) == 0 else { return .failure(.notFound) }
    guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.notAFile) }
    return .success(real)
  }

  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
