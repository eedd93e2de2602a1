import Foundation

/// What the last build of an image recorded next to its files
/// (`<name>.img.json`), written after both files are in place: the tree's
/// fingerprint (to skip an unchanged rebuild), the compression, the sizes,
/// the kernel, the architecture, when. A record without a compression (written before zstd
/// was offered) is a gzip build.
public struct BuildRecord: Codable, Equatable, Sendable {
  public var fingerprint: String
  public var compression: ImageCompression
  public var size: Int
  /// The size of the compressed file: `.img.gz` or `.img.zst`.
  public var compressedSize: Int
  public var kernelPath: String?
  public var kernelVersion: String?
  /// Seconds since 1970.
  public var builtAt: Int
  public var entries: Int
  /// The tree's architecture (`x86_64`, `aarch64`) from its `/bin/sh`; nil if it did not tell.
  public var arch: String?

  public init(fingerprint: String, compression: ImageCompression, size: Int, compressedSize: Int,
              kernelPath: String?, kernelVersion: String?, builtAt: Int, entries: Int, arch: String? = nil) {
    self.fingerprint = fingerprint
    self.compression = compression
    self.size = size
    self.compressedSize = compressedSize
    self.kernelPath = kernelPath
    self.kernelVersion = kernelVersion
    self.builtAt = builtAt
    self.entries = entries
    self.arch = arch
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    fingerprint = try c.decode(String.self, forKey: .fingerprint)
    compression = try c.decodeIfPresent(ImageCompression.self, forKey: .compression) ?? .gzip
    size = try c.decode(Int.self, forKey: .size)
    compressedSize = try c.decode(Int.self, forKey: .compressedSize)
    kernelPath = try c.decodeIfPresent(String.self, forKey: .kernelPath)
    kernelVersion = try c.decodeIfPresent(String.self, forKey: .kernelVersion)
    builtAt = try c.decode(Int.self, forKey: .builtAt)
    entries = try c.decode(Int.self, forKey: .entries)
    arch = try c.decodeIfPresent(String.self, forKey: .arch)
  }

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
    return stat(paths.image, &a) == 0 && stat(paths.compressedImage(compression), &b) == 0
      && Int(a.st_size) == size && Int(b.st_size) == compressedSize
  }
}
