import Foundation
import Runtime

/// What the export manager remembers between runs (`NFSPaths.state`):
/// the `Export_Id` of every path it has exported, and the exports it
/// applied last, to say what an apply changed.
///
/// An id belongs to its path for good: NFS clients hold file handles that
/// carry it, so it must not change when other exports come and go, and
/// nfs-ganesha refuses a new path for an existing id on reload. A path
/// exported again gets its old id back; a new path gets one above all
/// ids ever given (once all 65535 were given, the lowest one no current
/// export holds).
struct NFSState: Codable, Equatable {
  /// One applied export.
  struct Applied: Codable, Equatable {
    var path: String
    var options: String
  }

  var ids: [String: Int] = [:]
  var applied: [String: Applied] = [:]

  /// Export ids are 16 bits in ganesha; 0 is its pseudo root.
  static let idRange = 1...65535

  /// The id of each path, giving new paths fresh ids. Throws when every id is taken.
  mutating func assignIDs(_ paths: [String]) throws -> [String: Int] {
    var out: [String: Int] = [:]
    for path in paths {
      if let id = ids[path] {
        out[path] = id
        continue
      }
      let next = (ids.values.max() ?? 0) + 1
      let id: Int
      if NFSState.idRange.contains(next) {
        id = next
      } else {
        // Every id was given once: take back the lowest one no current export holds.
        let inUse = Set(out.values).union(paths.compactMap { ids[$0] })
        guard let free = NFSState.idRange.first(where: { !inUse.contains($0) }) else {
          throw NFSError("no free NFS export id left")
        }
        ids = ids.filter { $0.value != free }
        id = free
      }
      ids[path] = id
      out[path] = id
    }
    return out
  }

  static func load(_ path: String) -> NFSState {
    guard let text = try? AtomicFile.read(path), let state = try? JSONDecoder().decode(NFSState.self, from: Data(text.utf8)) else {
      return NFSState()
    }
    return state
  }

  func save(_ path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.makeDirectories(AtomicFile.parent(of: path))
    try AtomicFile.write(String(decoding: try encoder.encode(self), as: UTF8.self) + "\n", to: path)
  }
}

/// A failure to serve the exports, worded for the sysadmin.
public struct NFSError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
