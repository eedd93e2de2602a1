import Foundation

/// What the last build of an image recorded next to its files
/// (`<name>.img.json`), written after both files are in place: the tree's
/// fingerprint (to skip an unchanged rebuild), the sizes, the kernel, when.
public struct BuildRecord: Codable, Equatable, Sendable {
  public var fingerprint: String
  public var size: Int
  public var compressedSize: Int
  public var kernelPath: String?
  public var kernelVersion: String?
  /// Seconds since 1970.
  public var builtAt: Int
  public var entries: Int

  public static func read(_ path: String) -> BuildRecord? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return try? JSONDecoder().decode(BuildRecord.self, from: data)
  }

  func write(_ path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let temporary = path + ".tmp-\(getpid())"
    do {
      try encoder.encode(self).write(to: URL(fileURLWithPath: temporary))
      guard rename(temporary, path) == 0 else { throw ImageError("cannot rename \(temporary): \(String(cString: strerror(errno)))") }
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// Whether the files it describes are still there, as built.
  func filesIntact(_ paths: ImagePaths) -> Bool {
    var a = stat(), b = stat()
    return stat(paths.image, &a) == 0 && stat(paths.compressedImage, &b) == 0
      && Int(a.st_size) == size && Int(b.st_size) == compressedSize
  }
}
