import Foundation
import Runtime
import Testing

/// Golden files of the stock overlays rendered for the fixture cluster:
/// `Tests/Fixtures/overlays/golden/<overlay>/<node>.txt`, each file of the
/// overlay as `==> path (mode)` and its text (static files, copied as they
/// are, only by size). `HOWL_RECORD=1` rewrites them
/// (review the diff); `recordingIsOff` fails while it is set, so a recorded
/// run cannot pass unnoticed.
struct OverlayGoldenTests {
  static let overlays = ["wwinit", "hostname", "hosts", "fstab", "NetworkManager", "systemd.networkd",
                         "ssh.host_keys", "ssh.authorized_keys", "syncuser"]
  static let nodes = ["n1", "n2", "n3"]
  static var recording: Bool { ProcessInfo.processInfo.environment["HOWL_RECORD"].map { !$0.isEmpty } ?? false }

  /// The files of `overlay` for `node` in golden form.
  static func rendered(_ overlay: String, for node: String, by builder: OverlayBuilder) throws -> String {
    try builder.render(overlay: overlay, node: node).map { file in
      let mode = "0" + String(file.mode, radix: 8)
      switch file.content {
      case .symlink(let target): return "==> \(file.path) -> \(target)\n"
      case .bytes(let bytes) where !file.rendered: return "==> \(file.path) (\(mode), static, \(bytes.count) bytes)\n"
      case .bytes(let bytes): return "==> \(file.path) (\(mode))\n" + String(decoding: bytes, as: UTF8.self) + "\n"
      }
    }.joined()
  }

  @Test(arguments: overlays)
  func golden(_ overlay: String) throws {
    let fixture = try OverlayFixture()
    let builder = try fixture.builder()
    for node in Self.nodes {
      let text = try Self.rendered(overlay, for: node, by: builder)
      let path = OverlayFixture.fixtures + "/golden/\(overlay)/\(node).txt"
      if Self.recording {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        continue
      }
      let expected = try String(contentsOfFile: path, encoding: .utf8)
      #expect(text == expected, "\(overlay) for \(node) differs from \(path)")
    }
  }

  @Test func recordingIsOff() {
    #expect(!Self.recording, "HOWL_RECORD is set: golden files were rewritten, not checked")
  }
}
