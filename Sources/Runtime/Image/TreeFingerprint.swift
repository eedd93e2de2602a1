import Foundation

/// A cheap fingerprint of what a build would put in the image: the
/// excludes and, for every entry kept, its path and stat data (type, mode,
/// owner, size, inode, device, mtime and ctime, so a chmod, chown or
/// xattr change counts). Equal fingerprints mean the built files are current.
struct TreeFingerprint {
  private var hash = SHA256()
  private var record: [UInt8] = []

  init(excludes: ExcludePatterns) {
    hash.update("excludes:" + excludes.patterns.joined(separator: "\n") + "\n")
  }

  mutating func add(_ entry: TreeEntry) {
    let s = entry.status
    let fields: [Int64] = [
      Int64(s.st_mode), Int64(s.st_uid), Int64(s.st_gid), Int64(s.st_size), Int64(bitPattern: UInt64(s.st_ino)),
      Int64(bitPattern: UInt64(s.st_rdev)), Int64(s.st_nlink), Int64(s.st_mtim.tv_sec), Int64(s.st_mtim.tv_nsec),
      Int64(s.st_ctim.tv_sec), Int64(s.st_ctim.tv_nsec),
    ]
    record.removeAll(keepingCapacity: true)
    record.append(contentsOf: entry.path.utf8)
    record.append(0)
    for f in fields { withUnsafeBytes(of: f.littleEndian) { record.append(contentsOf: $0) } }
    hash.update(record)
  }

  mutating func hexDigest() -> String { hash.hexDigest() }

  /// Walks `root` (stat only) and fingerprints it.
  static func of(root: String, excludes: ExcludePatterns) throws -> String {
    var fingerprint = TreeFingerprint(excludes: excludes)
    try TreeWalker(root: root, excludes: excludes).walk { fingerprint.add($0) }
    return fingerprint.hexDigest()
  }
}
