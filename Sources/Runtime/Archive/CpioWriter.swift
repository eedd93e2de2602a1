import CArchive
import Foundation

/// Writes a cpio archive in the "newc" format (what the Linux kernel and
/// iPXE unpack as an initramfs), entry by entry, through libarchive.
/// Uncompressed: compress the finished file with `Gzip`.
public final class CpioWriter {
  /// What an archive entry is.
  public enum Kind {
    case directory
    case file(contents: [UInt8])
    case symlink(target: String)
  }

  /// Ownership, mode and time of an entry.
  public struct Metadata {
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var mtime: Int

    public init(mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, mtime: Int = 0) {
      self.mode = mode
      self.uid = uid
      self.gid = gid
      self.mtime = mtime
    }
  }

  let archive: OpaquePointer
  private let entry: OpaquePointer
  private var finished = false
  /// Where the archive goes: a file name, or a description of the sink.
  public let path: String
  /// Receives the archive bytes when writing to a sink.
  private var sink: ((UnsafeRawBufferPointer) throws -> Void)?
  /// The first error the sink threw (libarchive only sees "-1").
  var sinkError: Error?
  /// Pairs hard links so that, as newc wants, the last link carries the data.
  var linkResolver: OpaquePointer?
  /// Small inode numbers for newc's 32-bit field, one per (device, inode) on disk.
  var inodeNumbers: [DiskInode: Int64] = [:]
  var nextInode: Int64 = 1
  /// A reusable read buffer for file contents.
  var readBuffer = [UInt8](repeating: 0, count: 1 << 20)

  /// Creates (truncates) the archive at `path`.
  public init(path: String) throws {
    self.path = path
    (archive, entry) = try CpioWriter.newArchive()
    try check(archive_write_set_bytes_in_last_block(archive, 1), "set the block size")
    try check(archive_write_open_filename(archive, path), "open \(path)")
  }

  /// Streams the archive to `sink` in chunks (for writing the `.img` and
  /// compressing it in one pass); `label` names it in errors.
  public init(label: String, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
    self.path = label
    self.sink = sink
    (archive, entry) = try CpioWriter.newArchive()
    // No blocking: libarchive hands each write straight to the sink.
    try check(archive_write_set_bytes_per_block(archive, 0), "set the block size")
    let status = archive_write_open(archive, Unmanaged.passUnretained(self).toOpaque(), nil, { _, client, buffer, length in
      guard let client, let buffer else { return -1 }
      let writer = Unmanaged<CpioWriter>.fromOpaque(client).takeUnretainedValue()
      guard let sink = writer.sink else { return -1 }
      do {
        try sink(UnsafeRawBufferPointer(start: buffer, count: length))
        return length
      } catch {
        if writer.sinkError == nil { writer.sinkError = error }
        return -1
      }
    }, nil)
    try check(status, "open \(label)")
  }

  /// A libarchive writer set to cpio newc, and the one entry it reuses.
  private static func newArchive() throws -> (OpaquePointer, OpaquePointer) {
    guard let a = archive_write_new() else { throw ArchiveError("cannot create an archive writer") }
    guard let e = archive_entry_new() else {
      archive_write_free(a)
      throw ArchiveError("cannot create an archive entry")
    }
    guard archive_write_set_format_cpio_newc(a) >= ARCHIVE_WARN else {
      let message = archive_error_string(a).map { String(cString: $0) } ?? "unknown error"
      archive_entry_free(e)
      archive_write_free(a)
      throw ArchiveError("cannot set the cpio newc format: \(message)")
    }
    return (a, e)
  }

  deinit {
    if !finished { archive_write_close(archive) }
    archive_entry_free(entry)
    if let linkResolver { archive_entry_linkresolver_free(linkResolver) }
    archive_write_free(archive)
  }

  func check(_ status: Int32, _ what: String) throws {
    guard status >= ARCHIVE_WARN else {
      if let sinkError { throw sinkError }
      let message = archive_error_string(archive).map { String(cString: $0) } ?? "error \(status)"
      throw ArchiveError("cannot \(what): \(message)")
    }
  }

  /// The writer's own entry, cleared, for one header at a time.
  func entryForReuse() -> OpaquePointer {
    archive_entry_clear(entry)
    return entry
  }

  /// Adds one entry; `path` is relative to the archive root (`etc/hosts`).
  public func add(_ path: String, _ kind: Kind, _ meta: Metadata) throws {
    archive_entry_clear(entry)
    archive_entry_set_pathname(entry, path)
    archive_entry_set_uid(entry, Int64(meta.uid))
    archive_entry_set_gid(entry, Int64(meta.gid))
    archive_entry_set_mtime(entry, meta.mtime, 0)
    if case .directory = kind { archive_entry_set_nlink(entry, 2) } else { archive_entry_set_nlink(entry, 1) }
    let permissions = meta.mode & 0o7777
    switch kind {
    case .directory:
      archive_entry_set_mode(entry, S_IFDIR | permissions)
      archive_entry_set_size(entry, 0)
      try check(archive_write_header(archive, entry), "write \(path)")
    case .symlink(let target):
      archive_entry_set_mode(entry, S_IFLNK | 0o777)
      archive_entry_set_symlink(entry, target)
      archive_entry_set_size(entry, 0)
      try check(archive_write_header(archive, entry), "write \(path)")
    case .file(let contents):
      archive_entry_set_mode(entry, S_IFREG | permissions)
      archive_entry_set_size(entry, Int64(contents.count))
      try check(archive_write_header(archive, entry), "write \(path)")
      try contents.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
          let n = archive_write_data(archive, buffer.baseAddress! + offset, buffer.count - offset)
          guard n > 0 else { throw ArchiveError("cannot write the contents of \(path)") }
          offset += n
        }
      }
    }
  }

  /// Writes the trailer and closes the file.
  public func finish() throws {
    guard !finished else { return }
    try flushDeferredLinks()
    finished = true
    try check(archive_write_close(archive), "finish \(path)")
  }
}

/// A failure reading or writing an archive.
public struct ArchiveError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
