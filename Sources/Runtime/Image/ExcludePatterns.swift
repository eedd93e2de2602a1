import Foundation

/// Paths left out of a built image, matched as Warewulf matches them: each
/// pattern is trimmed of leading and trailing `/` and compared with the
/// path relative to the root as a shell glob in which `*` does not cross
/// `/` (Go's `filepath.Match`, here `fnmatch` with `FNM_PATHNAME`). A
/// matching directory is left out with its whole subtree, so `/opt/*`
/// keeps `/opt` itself and drops everything in it.
public struct ExcludePatterns: Sendable {
  public let patterns: [String]

  public init(_ patterns: [String]) {
    self.patterns = patterns.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }.filter { !$0.isEmpty }
  }

  /// The patterns of the image's own `/etc/warewulf/excludes` (one per line).
  public static func fromImage(rootfs: String) -> [String] {
    guard let text = try? String(contentsOfFile: rootfs + "/etc/warewulf/excludes", encoding: .utf8) else { return [] }
    return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// Whether `relativePath` (`opt/x`, no leading `/`) is left out.
  public func excludes(_ relativePath: String) -> Bool {
    patterns.contains { fnmatch($0, relativePath, FNM_PATHNAME) == 0 }
  }
}
