import Foundation

/// Writes build artefacts (overlay images, fingerprints) whole: a temp file
/// beside the target, then rename, so a reader never sees half a file.
/// Unlike the store's `AtomicFile` there is no fsync: the artefacts can be
/// rebuilt, and 20,000 fsyncs would dominate a large build. The old file is
/// unlinked before the rename because ext4 flushes data synchronously when
/// a rename replaces a file (`auto_da_alloc`); a reader may briefly find no
/// file, never a partial one.
///
/// A content-addressed file (a shared overlay part) is written with
/// `replace: false`: it is linked into place and an existing one is kept,
/// so a reader assembling another node's image never finds it missing.
enum ArtifactFile {
  static func write(_ chunks: [[UInt8]], to path: String, replace: Bool = true) throws {
    let temporary = path + ".tmp\(UInt32.random(in: 0 ... .max))"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OverlayError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
    var failed = false
    for chunk in chunks where !failed {
      chunk.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
          let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            failed = true
            return
          }
          offset += written
        }
      }
    }
    if close(fd) != 0 { failed = true }
    if !failed, !replace {
      let linked = link(temporary, path) == 0 || errno == EEXIST
      let error = errno
      unlink(temporary)
      guard linked else { throw OverlayError("cannot write \(path): \(String(cString: strerror(error)))") }
      return
    }
    if !failed { unlink(path) }
    guard !failed, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw OverlayError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }
}
