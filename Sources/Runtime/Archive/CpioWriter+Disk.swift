import CArchive
import Foundation

/// A file's identity on disk, to pair hard links.
struct DiskInode: Hashable {
  var device: UInt64
  var inode: UInt64
}

extension CpioWriter {
  /// Adds the file at `source` as `path` (relative to the archive root),
  /// as `status` (its `lstat`) describes it: directories, regular files
  /// (hard links kept: newc stores the data once, with the last link),
  /// symlinks, device nodes, FIFOs and sockets, with their modes, owners
  /// and mtimes. Inodes are renumbered so they fit newc's 32-bit field.
  public func addFromDisk(_ path: String, source: String, status: stat) throws {
    var st = status
    let isHardLinked = (st.st_mode & S_IFMT) == S_IFREG && st.st_nlink > 1
    guard let e = isHardLinked ? archive_entry_new() : entryForReuse() else {
      throw ArchiveError("cannot create an archive entry")
    }
    archive_entry_copy_stat(e, &st)
    archive_entry_set_pathname(e, path)
    archive_entry_set_dev(e, 0)
    archive_entry_set_ino64(e, renumberedInode(st, sharing: isHardLinked))
    if (st.st_mode & S_IFMT) == S_IFLNK {
      archive_entry_set_symlink(e, try readLink(source))
      archive_entry_set_size(e, 0)
    } else if (st.st_mode & S_IFMT) != S_IFREG {
      archive_entry_set_size(e, 0)
    }
    guard isHardLinked else {
      try writeEntry(e, source: source)
      return
    }
    archive_entry_copy_sourcepath(e, source)
    let resolver = try hardLinkResolver()
    var current: OpaquePointer? = e
    var spare: OpaquePointer?
    archive_entry_linkify(resolver, &current, &spare)
    for done in [current, spare].compactMap({ $0 }) {
      defer { archive_entry_free(done) }
      try writeEntry(done, source: archive_entry_sourcepath(done).map { String(cString: $0) } ?? source)
    }
  }

  /// Writes links still waiting for a last sibling (the others were left
  /// out of the archive): each carries its data.
  func flushDeferredLinks() throws {
    guard let linkResolver else { return }
    while true {
      var current: OpaquePointer?
      var spare: OpaquePointer?
      archive_entry_linkify(linkResolver, &current, &spare)
      guard let done = current else { return }
      defer { archive_entry_free(done) }
      try writeEntry(done, source: archive_entry_sourcepath(done).map { String(cString: $0) } ?? "")
    }
  }

  private func hardLinkResolver() throws -> OpaquePointer {
    if let linkResolver { return linkResolver }
    guard let r = archive_entry_linkresolver_new() else { throw ArchiveError("cannot create a hard link resolver") }
    archive_entry_linkresolver_set_strategy(r, archive_format(archive))
    linkResolver = r
    return r
  }

  private func renumberedInode(_ st: stat, sharing: Bool) -> Int64 {
    defer { nextInode += 1 }
    guard sharing else { return nextInode }
    let key = DiskInode(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    if let known = inodeNumbers[key] {
      nextInode -= 1
      return known
    }
    inodeNumbers[key] = nextInode
    return nextInode
  }

  /// Writes a header and, for a regular file with a size, its contents.
  private func writeEntry(_ e: OpaquePointer, source: String) throws {
    let name = archive_entry_pathname(e).map { String(cString: $0) } ?? source
    try check(archive_write_header(archive, e), "write \(name)")
    let size = archive_entry_size(e)
    guard archive_entry_filetype(e) == FileTypeBits.regular, size > 0 else { return }
    let fd = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { throw ArchiveError("cannot read \(source): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var remaining = size
    while remaining > 0 {
      let n = readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw ArchiveError("cannot read \(source): \(String(cString: strerror(errno)))") }
      // A file that shrank while being archived is padded by libarchive.
      if n == 0 { break }
      let written = readBuffer.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, min(n, Int(remaining))) }
      guard written >= 0 else { try check(Int32(written), "write the contents of \(name)"); return }
      remaining -= Int64(n)
    }
    try check(archive_write_finish_entry(archive), "finish \(name)")
  }

  private func readLink(_ source: String) throws -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(source, &buffer, buffer.count - 1)
    guard n >= 0 else { throw ArchiveError("cannot read the link \(source): \(String(cString: strerror(errno)))") }
    buffer[n] = 0
    return String(cString: buffer)
  }
}

/// The file type bits of a mode as libarchive reports them
/// (`archive_entry_filetype`); Glibc's and libarchive's `S_IF*` clash in Swift.
enum FileTypeBits {
  static let regular: UInt32 = 0o100000
  static let directory: UInt32 = 0o040000
  static let symlink: UInt32 = 0o120000
}
