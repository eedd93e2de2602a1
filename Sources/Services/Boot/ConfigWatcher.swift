#if canImport(Glibc)
import Glibc
#endif

/// Notices a commit: the identity (inode, size, mtime) of nodes.conf and
/// howl.conf. A commit replaces a file by rename, so the inode changes
/// even when size and mtime do not.
struct ConfigWatcher {
  let paths: [String]
  private var last: [[Int]]

  init(paths: [String]) {
    self.paths = paths
    last = paths.map(ConfigWatcher.identity)
  }

  /// True once per change.
  mutating func changed() -> Bool {
    let now = paths.map(ConfigWatcher.identity)
    defer { last = now }
    return now != last
  }

  static func identity(_ path: String) -> [Int] {
    var info = stat()
    guard stat(path, &info) == 0 else { return [] }
    return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
  }
}
