import Foundation

/// A small gzip'd newc cpio (an initrd) written whole: entries go into a
/// temporary cpio beside `path`, each file's parent directories added
/// first (mode 0755), then it is gzip'd and renamed into place, so a
/// reader never sees half an archive.
final class GzippedCpio {
  let path: String
  private let plain: String
  private let cpio: CpioWriter
  private var made: Set<String> = []

  init(path: String) throws {
    self.path = path
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    plain = path + ".plain.tmp\(UInt32.random(in: 0 ... .max))"
    cpio = try CpioWriter(path: plain)
  }

  deinit { unlink(plain) }

  /// A directory and its parents.
  func directory(_ relative: String) throws {
    var prefix = ""
    for part in relative.split(separator: "/") {
      prefix += prefix.isEmpty ? String(part) : "/" + part
      if made.insert(prefix).inserted { try cpio.add(prefix, .directory, CpioWriter.Metadata(mode: 0o755)) }
    }
  }

  func file(_ relative: String, contents: [UInt8], mode: UInt32) throws {
    try directory((relative as NSString).deletingLastPathComponent)
    try cpio.add(relative, .file(contents: contents), CpioWriter.Metadata(mode: mode))
  }

  /// The contents of `source` as `relative`.
  func copy(_ source: String, as relative: String, mode: UInt32) throws {
    guard let data = FileManager.default.contents(atPath: source) else { throw ArchiveError("cannot read \(source)") }
    try file(relative, contents: Array(data), mode: mode)
  }

  func symlink(_ relative: String, to target: String) throws {
    try directory((relative as NSString).deletingLastPathComponent)
    try cpio.add(relative, .symlink(target: target), CpioWriter.Metadata(mode: 0o777))
  }

  /// A character device node (`dev/console` is 5, 1).
  func characterDevice(_ relative: String, major: UInt32, minor: UInt32, mode: UInt32) throws {
    try directory((relative as NSString).deletingLastPathComponent)
    var node = stat()
    node.st_mode = S_IFCHR | mode
    node.st_rdev = dev_t(major << 8 | minor)  // glibc's makedev is a macro Swift cannot see; fine below 256
    node.st_nlink = 1
    try cpio.addFromDisk(relative, source: relative, status: node)
  }

  func finish(level: Int32 = 6) throws {
    try cpio.finish()
    let compressed = path + ".tmp\(UInt32.random(in: 0 ... .max))"
    try Gzip.compress(plain, to: compressed, level: level)
    guard rename(compressed, path) == 0 else {
      unlink(compressed)
      throw ArchiveError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }
}
