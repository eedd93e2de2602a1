#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File operations the store needs, on raw descriptors so that every step
/// (fsync, rename, directory fsync, flock) is explicit. Public for the
/// services that write configuration files the same way.
public enum AtomicFile {
  /// A failed system call.
  public struct SystemError: Error, CustomStringConvertible {
    var operation: String
    var path: String
    var code: Int32
    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
  }

  /// The bytes of `path` as UTF-8 text, or nil if it does not exist.
  public static func read(_ path: String) throws -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return nil }
      throw SystemError(operation: "open", path: path, code: errno)
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var info = stat()
    if fstat(fd, &info) == 0 { bytes.reserveCapacity(Int(info.st_size) + 1) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemError(operation: "read", path: path, code: errno)
      }
      if n == 0 { break }
      bytes.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Replaces `path` with `text` so that readers see the old or the new
  /// bytes, never a mix, even across a crash: a temporary file in the same
  /// directory, written, fsynced, renamed over `path`, then the directory fsynced.
  /// The file gets `mode` (less the umask).
  public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
    let directory = parent(of: path)
    let temporary = "\(directory)/.\(basename(of: path)).\(getpid()).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    if fd < 0 { throw SystemError(operation: "create", path: temporary, code: errno) }
    var ok = false
    defer {
      if !ok { unlink(temporary) }
    }
    do {
      defer { close(fd) }
      var utf8 = text
      try utf8.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
          let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
          if n < 0 {
            if errno == EINTR { continue }
            throw SystemError(operation: "write", path: temporary, code: errno)
          }
          offset += n
        }
      }
      if fsync(fd) != 0 { throw SystemError(operation: "fsync", path: temporary, code: errno) }
    }
    if rename(temporary, path) != 0 { throw SystemError(operation: "rename", path: path, code: errno) }
    ok = true
    try syncDirectory(directory)
  }

  /// Deletes temporary files `write` left for `path` when its process died
  /// mid-write. Call only while holding the lock: then no write is under way.
  static func removeStaleTemporaries(for path: String) {
    let directory = parent(of: path)
    let prefix = ".\(basename(of: path))."
    guard let dir = opendir(directory) else { return }
    defer { closedir(dir) }
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name.hasPrefix(prefix) && name.hasSuffix(".tmp") { unlink(directory + "/" + name) }
    }
  }

  static func syncDirectory(_ directory: String) throws {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd < 0 { throw SystemError(operation: "open", path: directory, code: errno) }
    defer { close(fd) }
    if fsync(fd) != 0 { throw SystemError(operation: "fsync", path: directory, code: errno) }
  }

  /// `mkdir -p`.
  public static func makeDirectories(_ path: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      current += "/" + component
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw SystemError(operation: "mkdir", path: current, code: errno)
      }
    }
  }

  /// Runs `body` holding an exclusive `flock` on `path` (created if needed).
  /// The lock is released when the descriptor closes, also if the process dies.
  public static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    if fd < 0 { throw SystemError(operation: "open", path: path, code: errno) }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      if errno != EINTR { throw SystemError(operation: "flock", path: path, code: errno) }
    }
    return try body()
  }

  public static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  static func basename(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}
