import Foundation

/// One entry of a node's overlay image, after later overlays replaced earlier ones.
struct ImageItem {
  enum Content {
    case directory
    /// A plain file copied from the overlay.
    case copy(source: String)
    case bytes([UInt8])
    case symlink(target: String)
  }

  var path: String
  var content: Content
  var mode: UInt32
  var uid: UInt32
  var gid: UInt32
  /// False when every node gets exactly this item (static files, node-independent renders).
  var nodeDependent: Bool
  /// What identifies the item's content for sharing (source fingerprint or content hash).
  var identity: String
}

/// Writes overlay images as gzip'd newc cpio in two parts. What is the same
/// for every node (static files, templates that read nothing of the node)
/// goes into a shared part, compressed once and stored by content
/// (`provision/overlay-parts/<digest>.gz`); the rest goes into the node's own
/// part. Each part is a gzip member; the shared one holds cpio entries
/// without the trailer, so shared + own, concatenated, decompress to one cpio
/// archive, which both the kernel and `gzip -d | cpio -i` (dracut's two-stage
/// boot) unpack whole.
final class OverlayImageWriter {
  private let scratch: String
  private let sharedDirectory: String
  /// Shared parts known to exist on disk.
  private var known = Set<String>()
  private var emptyTail: [UInt8]?

  init(scratch: String, sharedDirectory: String) throws {
    self.scratch = scratch
    self.sharedDirectory = sharedDirectory
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: sharedDirectory, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: scratch) }

  /// Writes the node's own part of `items` to `ownPath`, makes sure their shared
  /// part exists, and returns the shared part's path.
  func write(_ items: [ImageItem], own ownPath: String) throws -> String {
    var sharedItems: [ImageItem] = []
    var ownItems: [ImageItem] = []
    var sharedKey = Fingerprint()
    for item in items {
      if item.nodeDependent {
        ownItems.append(item)
      } else {
        sharedItems.append(item)
        sharedKey.add(item.path)
        sharedKey.add(item.identity)
        sharedKey.add(Int(item.mode))
        sharedKey.add(Int(item.uid))
        sharedKey.add(Int(item.gid))
      }
    }
    let sharedPath = sharedDirectory + "/" + sharedKey.hex + ".gz"
    if !known.contains(sharedKey.hex) {
      if !FileManager.default.fileExists(atPath: sharedPath) {
        try ArtifactFile.write([try compressed(sharedItems, trailer: false)], to: sharedPath, replace: false)
      }
      known.insert(sharedKey.hex)
    }
    let tail: [UInt8]
    if ownItems.isEmpty {
      if emptyTail == nil { emptyTail = try compressed([], trailer: true) }
      tail = emptyTail!
    } else {
      tail = try compressed(withParents(ownItems, of: items), trailer: true)
    }
    try ArtifactFile.write([tail], to: ownPath)
    return sharedPath
  }

  /// Concatenates `parts` into the complete image at `destination`.
  static func assemble(_ parts: [String], to destination: String) throws {
    let chunks = try parts.map { part -> [UInt8] in
      guard let data = FileManager.default.contents(atPath: part) else { throw OverlayError("missing image part \(part)") }
      return [UInt8](data)
    }
    try ArtifactFile.write(chunks, to: destination)
  }

  /// The directories above `own` items, from `all`, so the node's archive unpacks on its own too.
  private func withParents(_ own: [ImageItem], of all: [ImageItem]) -> [ImageItem] {
    var directories: [String: ImageItem] = [:]
    for item in all { if case .directory = item.content { directories[item.path] = item } }
    var added = Set<String>()
    var out: [ImageItem] = []
    for item in own {
      var parents: [String] = []
      var path = (item.path as NSString).deletingLastPathComponent
      while !path.isEmpty && !added.contains(path) {
        parents.append(path)
        path = (path as NSString).deletingLastPathComponent
      }
      for parent in parents.reversed() {
        added.insert(parent)
        out.append(directories[parent] ?? ImageItem(path: parent, content: .directory, mode: 0o755, uid: 0, gid: 0,
                                                   nodeDependent: true, identity: ""))
      }
      out.append(item)
    }
    return out
  }

  /// `items` as one gzip'd cpio archive, without its trailer record unless `trailer`.
  /// The scratch files are reused (truncated), not created anew: creating and
  /// deleting 40,000 files costs ext4 more than the compression.
  private func compressed(_ items: [ImageItem], trailer: Bool) throws -> [UInt8] {
    let cpio = scratch + "/part.cpio", gz = scratch + "/part.cpio.gz"
    let writer = try CpioWriter(path: cpio)
    for item in items {
      let meta = CpioWriter.Metadata(mode: item.mode, uid: item.uid, gid: item.gid)
      switch item.content {
      case .directory: try writer.add(item.path, .directory, meta)
      case .symlink(let target): try writer.add(item.path, .symlink(target: target), meta)
      case .bytes(let bytes): try writer.add(item.path, .file(contents: bytes), meta)
      case .copy(let source):
        guard let data = FileManager.default.contents(atPath: source) else { throw OverlayError("cannot read \(source)") }
        try writer.add(item.path, .file(contents: [UInt8](data)), meta)
      }
    }
    try writer.finish()
    if !trailer { try OverlayImageWriter.removeTrailer(cpio) }
    try Gzip.compress(cpio, to: gz)
    guard let data = FileManager.default.contents(atPath: gz) else { throw OverlayError("cannot read \(gz)") }
    return [UInt8](data)
  }

  /// Cuts the newc trailer record (`TRAILER!!!`, 124 bytes with padding) off the end of a finished archive.
  static func removeTrailer(_ path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else { throw OverlayError("cannot read \(path)") }
    let bytes = [UInt8](data)
    let marker = Array("TRAILER!!!".utf8)
    var end = bytes.count
    while end > 0 && bytes[end - 1] == 0 { end -= 1 }
    guard end >= 110 + marker.count, Array(bytes[(end - marker.count)..<end]) == marker else {
      throw OverlayError("\(path) does not end with a cpio trailer")
    }
    let start = end - marker.count - 110
    guard Array(bytes[start..<(start + 6)]) == Array("070701".utf8) else { throw OverlayError("\(path): unexpected cpio trailer") }
    guard truncate(path, off_t(start)) == 0 else { throw OverlayError("cannot truncate \(path)") }
  }
}
