import Foundation
import NIOConcurrencyHelpers
import Runtime

/// The SHA-256 of each runtime overlay file served, sent as
/// `X-Howl-SHA256` so the agent can refuse a corrupt download. Kept per
/// path with the file's size, mtime and inode, so a file is hashed once per
/// build, not once per request.
public final class RuntimeDigests: Sendable {
  private struct Stamp: Equatable {
    var size: Int
    var mtime: Int
    var mtimeNanoseconds: Int
    var inode: UInt64
  }

  private let cache = NIOLockedValueBox<[String: (Stamp, String)]>([:])

  public init() {}

  /// The file's digest; nil when it cannot be read.
  public func digest(of path: String) -> String? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    let stamp = Stamp(size: Int(info.st_size), mtime: Int(info.st_mtim.tv_sec), mtimeNanoseconds: Int(info.st_mtim.tv_nsec),
                      inode: UInt64(info.st_ino))
    if let (known, digest) = cache.withLockedValue({ $0[path] }), known == stamp { return digest }
    guard let digest = try? AgentSignature.sha256(ofFile: path) else { return nil }
    cache.withLockedValue { $0[path] = (stamp, digest) }
    return digest
  }
}
