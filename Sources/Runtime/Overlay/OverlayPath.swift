/// Checks and normalizes a path inside an overlay: `etc/hosts`,
/// `/etc/hosts` and `./etc//hosts` all name `etc/hosts`; anything that
/// climbs out (`../../etc/shadow`) or is empty is refused.
public enum OverlayPath {
  /// The overlay-relative path without leading slash, or an error.
  public static func normalize(_ path: String) throws -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." { throw OverlayError("\(quoted(path)) climbs out of the overlay") }
      parts.append(part)
    }
    guard !parts.isEmpty else { throw OverlayError("\(quoted(path)) names no file in the overlay") }
    guard !path.utf8.contains(0) else { throw OverlayError("a path cannot contain NUL") }
    return parts.joined(separator: "/")
  }

  /// `name` is a valid overlay name (Warewulf's `^[a-zA-Z0-9\-._:]+$`, not `.` or `..`).
  public static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 255 && name.unicodeScalars.allSatisfy {
      $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._:".unicodeScalars.contains($0))
    }
  }

  static func quoted(_ text: String) -> String { "\"\(text)\"" }
}

/// A failure in overlay handling: a bad path or name, a missing overlay, an I/O error.
public struct OverlayError: Error, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
