import Foundation

/// Test support, not tests: paths and text of the fixtures under
/// `Tests/Fixtures/`, and scratch directories.
enum Fixtures {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")
  static let packageRoot = directory.deletingLastPathComponent().deletingLastPathComponent().path

  static func nodesConf(_ name: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent("nodesconf/\(name)"), encoding: .utf8)
  }

  static let nodesConfNames = ["ww45.conf", "ww46.conf", "ww47.conf", "ww47-yamlv3.conf", "quoting.conf"]

  /// A fresh empty directory under /tmp for one test.
  static func scratch(_ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "howl-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

/// A small deterministic generator (SplitMix64) for randomized tests.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// One of `items`, drawn from the sequence.
  mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
