import Foundation

/// A file, directory or symlink in an overlay tree, with the metadata the
/// built image keeps (mode, owner).
public struct OverlayEntry: Equatable, Sendable {
  /// What the entry is on disk.
  public enum Kind: Equatable, Sendable { case file, directory, symlink(target: String) }

  /// The path relative to the overlay root (`etc/hosts.ww`).
  public let path: String
  public let kind: Kind
  public let mode: UInt32
  public let uid: UInt32
  public let gid: UInt32
  public let size: Int
  /// Modification time in nanoseconds, part of the sources' fingerprint.
  public let mtimeNanoseconds: Int
  /// The absolute path on disk.
  public let source: String

  /// The same entry with another mode.
  func withMode(_ mode: UInt32) -> OverlayEntry {
    OverlayEntry(path: path, kind: kind, mode: mode, uid: uid, gid: gid, size: size,
                 mtimeNanoseconds: mtimeNanoseconds, source: source)
  }

  /// Whether the file is a template (`.ww`).
  public var isTemplate: Bool { kind == .file && path.hasSuffix(".ww") }

  /// Walks `root` depth first in lexical order (as Go's `filepath.Walk`), without
  /// following symlinks. Sockets, devices and fifos are skipped.
  static func walk(_ root: String) throws -> [OverlayEntry] {
    var out: [OverlayEntry] = []
    try walk(root, relative: "", into: &out, depth: 0)
    return out
  }

  private static func walk(_ directory: String, relative: String, into out: inout [OverlayEntry], depth: Int) throws {
    guard depth < 64 else { throw OverlayError("\(directory): directories nested too deep") }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
      throw OverlayError("cannot read \(directory): \(error.localizedDescription)")
    }
    for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      let full = directory + "/" + name
      let path = relative.isEmpty ? name : relative + "/" + name
      var info = stat()
      guard lstat(full, &info) == 0 else { continue }
      let type = info.st_mode & S_IFMT
      let kind: Kind
      switch type {
      case S_IFDIR: kind = .directory
      case S_IFREG: kind = .file
      case S_IFLNK:
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) else { continue }
        kind = .symlink(target: target)
      default: continue
      }
      out.append(OverlayEntry(path: path, kind: kind, mode: UInt32(info.st_mode) & 0o7777, uid: info.st_uid,
                              gid: info.st_gid, size: Int(info.st_size),
                              mtimeNanoseconds: Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec),
                              source: full))
      if kind == .directory { try walk(full, relative: path, into: &out, depth: depth + 1) }
    }
  }
}
