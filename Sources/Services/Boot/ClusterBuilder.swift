import Foundation
import NIOConcurrencyHelpers
import Runtime

/// Builds what a node is about to fetch, when it is missing or stale, as
/// Warewulf's autobuild does: the node's system or runtime overlay image
/// (complete, Warewulf-named) and its image, compressed as its registry
/// entry says (skipped in well under a second when the tree has not changed). Builds run one at a time. Nothing is
/// built when `server.autobuild_overlays` is off (Warewulf's
/// `autobuild overlays`): the files on disk are served as they are.
public final class ClusterBuilder: OnDemandBuilder, @unchecked Sendable {
  private let store: Store
  private let lock = NIOLock()
  /// The committed state and the identity (inode, size, mtime) of the two
  /// files it was read from: a request reads them again only when they
  /// changed (at 10,000 nodes reading and comparing them took a quarter of
  /// the server's CPU).
  private var loaded: (files: [[Int]], state: ClusterState)?
  /// The overlay builder for `loaded`'s state and the overlay sources it
  /// was made from. It caches the sources, and those change without a commit
  /// (`overlay.write`), so it is reused only while their stamp is the same:
  /// a boot storm's requests share it, and an edited file is served at once.
  private var cached: (sources: [Int], overlays: OverlayBuilder)?

  public init(root: String) {
    store = Store(root: root)
  }

  public func prepare(_ stage: BootStage, for node: MergedNode) throws {
    try lock.withLock {
      let state = try committedState()
      guard state.server.autobuildOverlays else { return }
      switch stage {
      case .system: _ = try overlays(state).image(node: node.id, kind: .system)
      case .runtime: _ = try overlays(state).image(node: node.id, kind: .runtime)
      case .image: try buildImage(of: node, in: state)
      default: break
      }
    }
  }

  private func committedState() throws -> ClusterState {
    let files = [store.nodesConfPath, store.serverConfPath].map(ConfigWatcher.identity)
    if let loaded, loaded.files == files { return loaded.state }
    let state = try store.load()
    loaded = (files, state)
    cached = nil
    return state
  }

  private func overlays(_ state: ClusterState) throws -> OverlayBuilder {
    let sources = OverlayStore(stateDirectory: store.stateDirectory).sourcesStamp()
    if let cached, cached.sources == sources { return cached.overlays }
    let builder = try OverlayBuilder(state: state, root: store.root)
    cached = (sources, builder)
    return builder
  }

  private func buildImage(of node: MergedNode, in state: ClusterState) throws {
    guard let name = node.value(at: FieldPath("image name"))?.stringValue, !name.isEmpty else { return }
    guard let entry = state.server.images[name] else { return }
    let paths = ImagePaths(name: name, stateDirectory: store.stateDirectory)
    guard FileManager.default.fileExists(atPath: paths.rootfs) else { return }
    var builder = ImageBuilder(paths: paths, excludes: entry.excludes)
    builder.compression = entry.compression
    _ = try builder.build()
  }
}
