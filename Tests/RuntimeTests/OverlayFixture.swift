import Foundation
import Runtime

/// The fixture cluster of the overlay tests (`Tests/Fixtures/overlays/root`:
/// nodes n1–n3, server 10.0.0.1, ssh keys, passwd/group, an image's
/// passwd/group), copied into a scratch HOWL_ROOT per test, and the stock
/// overlays of the source tree.
final class OverlayFixture {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../Fixtures/overlays").standardized.path
  static let stock = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../stdlib/overlays").standardized.path
  /// A fixed build time and host, so rendered output is stable.
  static let buildTime = Date(timeIntervalSince1970: 1_767_225_600)

  let root: String
  let store: Store

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("howl-overlay-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: OverlayFixture.fixtures + "/root", toPath: root)
    store = Store(root: root)
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  var overlays: OverlayStore { OverlayStore(stateDirectory: root + "/var/lib/howl", stockDirectory: OverlayFixture.stock) }

  func builder(_ state: ClusterState? = nil) throws -> OverlayBuilder {
    try OverlayBuilder(state: state ?? store.load(), root: root, overlays: overlays, buildHost: "head",
                       buildTime: OverlayFixture.buildTime)
  }
}
