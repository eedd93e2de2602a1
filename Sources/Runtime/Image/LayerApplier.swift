import CArchive
import Foundation

/// Applies image layers (tar, optionally gzip/zstd compressed) to a root
/// tree in order, as OCI runtimes do: whiteouts `.wh.NAME` delete NAME from
/// the layers below, an opaque marker `.wh..wh..opq` empties its directory
/// of what the layers below put there. Ownership (numeric, never mapped
/// through the host's users), modes with setuid, symlinks, hard links,
/// device nodes, mtimes and extended attributes (`security.capability`)
/// are kept. An entry whose path, hard link target or parent directories
/// would lead outside the tree (`../`, a symlink) is refused.
struct LayerApplier {
  /// The tree, an absolute path without symlinks.
  let root: String
  /// Keep owners and device nodes (false to unpack an outer archive as files).
  var preserveOwnership = true
  /// Honour whiteouts (false for an outer archive).
  var applyWhiteouts = true
  /// Told how many bytes of the (compressed) file have been read so far.
  var onProgress: ((Int64) -> Void)?

  init(root: String) throws {
    guard let resolved = realpath(root, nil) else {
      throw ImageError("cannot use \(root) as an image tree: \(String(cString: strerror(errno)))")
    }
    self.root = String(cString: resolved)
    free(resolved)
  }

  /// Applies the tar at `file`; `label` (a digest) names it in errors.
  func apply(file: String, label: String) throws {
    guard let reader = archive_read_new() else { throw ImageError("cannot create an archive reader") }
    defer { archive_read_free(reader) }
    archive_read_support_filter_all(reader)
    archive_read_support_format_tar(reader)
    archive_read_support_format_gnutar(reader)
    guard archive_read_open_filename(reader, file, 1 << 20) == ARCHIVE_OK else {
      throw ImageError("layer \(label): \(message(reader))")
    }
    guard let disk = archive_write_disk_new() else { throw ImageError("cannot create a disk writer") }
    defer { archive_write_free(disk) }
    var flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_UNLINK | ARCHIVE_EXTRACT_SECURE_SYMLINKS
      | ARCHIVE_EXTRACT_SECURE_NODOTDOT
    if preserveOwnership { flags |= ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL }
    archive_write_disk_set_options(disk, flags)
    var writtenHere = Set<String>()
    var entry: OpaquePointer?
    while true {
      let status = archive_read_next_header(reader, &entry)
      if status == ARCHIVE_EOF { break }
      guard status >= ARCHIVE_WARN, let entry else {
        throw ImageError("layer \(label) is corrupt or truncated: \(message(reader))")
      }
      onProgress?(archive_filter_bytes(reader, -1))
      let original = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
      let relative = try Self.confined(original, in: label)
      if relative.isEmpty { continue }
      let name = (relative as NSString).lastPathComponent
      let parent = (relative as NSString).deletingLastPathComponent
      if applyWhiteouts && name.hasPrefix(".wh.") {
        try checkParents(of: relative, label: label)
        if name == ".wh..wh..opq" {
          try makeOpaque(parent, keeping: writtenHere)
        } else {
          let target = (parent.isEmpty ? "" : parent + "/") + String(name.dropFirst(4))
          try remove(target)
        }
        continue
      }
      try checkParents(of: relative, label: label)
      archive_entry_set_pathname(entry, root + "/" + relative)
      if let link = archive_entry_hardlink(entry).map({ String(cString: $0) }) {
        let target = try Self.confined(link, in: label)
        try checkParents(of: target, label: label)
        archive_entry_set_hardlink(entry, root + "/" + target)
      }
      if !preserveOwnership {
        let type = archive_entry_filetype(entry)
        if type != FileTypeBits.regular && type != FileTypeBits.directory && type != FileTypeBits.symlink { continue }
        // An outer archive's symlinks may only point inside it.
        if type == FileTypeBits.symlink, let target = archive_entry_symlink(entry).map({ String(cString: $0) }),
           target.hasPrefix("/") || target.split(separator: "/").contains("..") && !target.hasPrefix("../") {
          throw ImageError("\(label) has a symlink \(original) -> \(target) that leaves the archive")
        }
      }
      writtenHere.insert(relative)
      guard archive_write_header(disk, entry) >= ARCHIVE_WARN else {
        throw ImageError("layer \(label): cannot write \(original): \(message(disk))")
      }
      let size = archive_entry_size(entry)
      let endedEarly = size > 0 ? try copyData(from: reader, to: disk, size: size, original, label) : false
      guard archive_write_finish_entry(disk) >= ARCHIVE_WARN else {
        throw ImageError("layer \(label): cannot finish \(original): \(message(disk))")
      }
      if endedEarly { break }
    }
    guard archive_write_close(disk) >= ARCHIVE_WARN else { throw ImageError("layer \(label): \(message(disk))") }
  }

  /// Copies one entry's data; true if the archive ended right after it.
  /// (umoci 0.4 writes layers that stop after the last file's data, with
  /// no padding or end blocks; Go's tar reader, like this, accepts that.)
  private func copyData(from reader: OpaquePointer, to disk: OpaquePointer, size expected: Int64, _ name: String, _ label: String) throws -> Bool {
    var buffer: UnsafeRawPointer?
    var size = 0
    var offset: la_int64_t = 0
    var delivered: Int64 = 0
    while true {
      let status = archive_read_data_block(reader, &buffer, &size, &offset)
      if status == ARCHIVE_EOF { return false }
      if status < ARCHIVE_WARN && delivered >= expected && message(reader).hasPrefix("Truncated") { return true }
      guard status >= ARCHIVE_WARN else { throw ImageError("layer \(label) is corrupt or truncated at \(name): \(message(reader))") }
      delivered = max(delivered, offset + Int64(size))
      guard archive_write_data_block(disk, buffer, size, offset) >= ARCHIVE_WARN else {
        throw ImageError("layer \(label): cannot write \(name): \(message(disk))")
      }
    }
  }

  /// `path` relative to the tree, or an error if it would leave it.
  static func confined(_ path: String, in label: String) throws -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
      if part == ".." { throw ImageError("layer \(label) has an entry that escapes the image: \(path)") }
      parts.append(part)
    }
    return parts.joined(separator: "/")
  }

  /// Refuses a path whose parent directories in the tree include a symlink
  /// (writing through it could reach outside the tree).
  private func checkParents(of relative: String, label: String) throws {
    var current = root
    for part in relative.split(separator: "/").dropLast() {
      current += "/" + part
      var st = stat()
      if lstat(current, &st) != 0 { return }
      if (st.st_mode & S_IFMT) == S_IFLNK {
        throw ImageError("layer \(label) writes \(relative) through the symlink /\(current.dropFirst(root.count + 1)), which could escape the image")
      }
    }
  }

  private func remove(_ relative: String) throws {
    let path = root + "/" + relative
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    try FileManager.default.removeItem(atPath: path)
  }

  /// Empties `directory` of everything this layer did not write.
  private func makeOpaque(_ directory: String, keeping writtenHere: Set<String>) throws {
    let path = directory.isEmpty ? root : root + "/" + directory
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
    for name in names {
      let child = directory.isEmpty ? name : directory + "/" + name
      if writtenHere.contains(child) || writtenHere.contains(where: { $0.hasPrefix(child + "/") }) { continue }
      try FileManager.default.removeItem(atPath: path + "/" + name)
    }
  }

  private func message(_ archive: OpaquePointer) -> String {
    archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
  }
}
