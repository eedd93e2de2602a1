import Foundation

/// Paths and text of the test fixtures under `Tests/Fixtures/`.
enum Fixtures {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func nodesConf(_ name: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent("nodesconf/\(name)"), encoding: .utf8)
  }

  static let nodesConfNames = ["ww45.conf", "ww46.conf", "ww47.conf", "quoting.conf"]

  /// A fresh empty directory under /tmp for one test.
  static func scratch(_ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "howl-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}
