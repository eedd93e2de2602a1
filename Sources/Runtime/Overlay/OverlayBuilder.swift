import Foundation
import OrderedCollections

/// Builds nodes' system and runtime overlay images into
/// `$HOWL_ROOT/var/lib/howl/provision/overlays/<node>/__SYSTEM__.img.gz` and
/// `__RUNTIME__.img.gz` (Warewulf's names): each image holds the node's
/// overlays in list order, a later overlay's file replacing an earlier one,
/// templates (`.ww`) rendered with the suffix dropped, modes and owners kept.
///
/// A node is rebuilt only when its inputs changed: its merged data, the
/// server settings, the overlays' files (names, sizes, modes, owners, times)
/// and, if a template read `.AllNodes`, every node. Files a template pulls in
/// with `Include` are not tracked (as in Warewulf); `force` rebuilds anyway.
public final class OverlayBuilder {
  /// The outcome for one node.
  public struct NodeResult: Equatable, Sendable {
    public enum Status: Equatable, Sendable {
      case built
      case current
      case failed(String)
    }

    public var node: String
    public var status: Status
  }

  public let state: ClusterState
  public let overlays: OverlayStore
  /// `$HOWL_ROOT/var/lib/howl/provision/overlays`.
  public let outputDirectory: String
  public let environment: OverlayEnvironment
  private let renderer: OverlayRenderer
  private let writer: OverlayImageWriter
  private var sourceCache: [String: (overlay: Overlay, entries: [OverlayEntry], digest: String)] = [:]
  private var sharedRenders: [String: (result: RenderResult, identity: String)] = [:]
  private lazy var allNodesDigest: String = {
    var hash = Fingerprint()
    for node in environment.allNodes { hash.add(OverlayBuilder.describe(node.node)) }
    return hash.hex
  }()

  /// A builder for `state`, its files under `stateDirectory` (`$HOWL_ROOT/var/lib/howl`).
  public init(state: ClusterState, root: String, overlays: OverlayStore? = nil,
              buildHost: String = OverlayEnvironment.hostName(), buildTime: Date = Date()) throws {
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    self.state = state
    self.overlays = overlays ?? OverlayStore(stateDirectory: base + "/var/lib/howl")
    self.outputDirectory = base + "/var/lib/howl/provision/overlays"
    var merged: [MergedNode] = []
    merged.reserveCapacity(state.cluster.nodes.count)
    for id in state.cluster.nodes.keys { merged.append(try state.cluster.merged(id)) }
    self.environment = OverlayEnvironment(server: state.server, nodes: merged, root: base, buildHost: buildHost,
                                          buildTime: buildTime)
    self.renderer = OverlayRenderer(environment: environment)
    self.writer = try OverlayImageWriter(scratch: base + "/var/lib/howl/provision/.overlay-build-\(getpid())")
  }

  /// The path of a node's image of `kind` (which may not exist yet).
  public func imagePath(node: String, kind: OverlayKind) -> String {
    outputDirectory + "/" + node + "/" + kind.fileName
  }

  /// Builds both images of each node in `nodes` whose inputs changed (all of them with `force`).
  /// A node that fails is reported and the others are still built.
  public func build(_ nodes: [String], force: Bool = false) -> [NodeResult] {
    nodes.map { id in
      do {
        return NodeResult(node: id, status: try buildNode(id, force: force) ? .built : .current)
      } catch {
        return NodeResult(node: id, status: .failed("\(error)"))
      }
    }
  }

  /// The path of `node`'s image of `kind`, building both images first if they are missing or stale.
  public func image(node: String, kind: OverlayKind) throws -> String {
    try buildNode(node, force: false)
    return imagePath(node: node, kind: kind)
  }

  /// Builds one node's images unless they are current; true if it built.
  @discardableResult
  func buildNode(_ id: String, force: Bool) throws -> Bool {
    guard let node = environment.node(id) else { throw OverlayError("no node named '\(id)'") }
    let directory = outputDirectory + "/" + id
    let stampPath = directory + "/.fingerprint"
    let own = try ownDigest(node)
    if !force, let stamp = try? String(contentsOfFile: stampPath, encoding: .utf8) {
      let parts = stamp.split(separator: " ").map(String.init)
      let imagesExist = OverlayKind.allCases.allSatisfy { FileManager.default.fileExists(atPath: imagePath(node: id, kind: $0)) }
      if imagesExist, parts.count == 2, parts[0] == own, parts[1] == "-" || parts[1] == allNodesDigest { return false }
    }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var readAllNodes = false
    for kind in OverlayKind.allCases {
      let (items, usedAll) = try items(for: node, kind: kind)
      readAllNodes = readAllNodes || usedAll
      try writer.write(items, to: imagePath(node: id, kind: kind))
    }
    try (own + " " + (readAllNodes ? allNodesDigest : "-")).write(toFile: stampPath, atomically: true, encoding: .utf8)
    return true
  }

  /// Renders `path` of overlay `name` for `node` (for `overlay.show`): the text of the first output file.
  public func show(overlay name: String, path: String, node id: String) throws -> String {
    guard let node = environment.node(id) else { throw OverlayError("no node named '\(id)'") }
    let (overlay, entries, _) = try source(name)
    var relative = try OverlayPath.normalize(path)
    if !entries.contains(where: { $0.path == relative }), entries.contains(where: { $0.path == relative + ".ww" }) {
      relative += ".ww"
    }
    guard let entry = entries.first(where: { $0.path == relative && $0.kind == .file }) else {
      throw OverlayError("overlay '\(overlay.name)' has no file \(relative)")
    }
    guard entry.isTemplate else {
      return String(decoding: FileManager.default.contents(atPath: entry.source) ?? Data(), as: UTF8.self)
    }
    let result = try renderer.render(entry, overlay: name, node: node)
    return result.files.map { file -> String in
      switch file.content {
      case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
      case .symlink(let target): return "-> " + target + "\n"
      }
    }.joined()
  }

  /// Every file overlay `name` gives `node` (templates rendered, directories left out), in tree order.
  public func render(overlay name: String, node id: String) throws -> [RenderedFile] {
    guard let node = environment.node(id) else { throw OverlayError("no node named '\(id)'") }
    let (_, entries, _) = try source(name)
    var out: [RenderedFile] = []
    for entry in entries {
      switch entry.kind {
      case .directory: continue
      case .symlink(let target):
        out.append(RenderedFile(path: entry.path, content: .symlink(target: target), mode: 0o777, uid: entry.uid, gid: entry.gid,
                                rendered: false))
      case .file where entry.isTemplate:
        out += try renderer.render(entry, overlay: name, node: node).files
      case .file:
        let data = FileManager.default.contents(atPath: entry.source) ?? Data()
        out.append(RenderedFile(path: entry.path, content: .bytes([UInt8](data)), mode: entry.mode, uid: entry.uid, gid: entry.gid,
                                rendered: false))
      }
    }
    return out
  }

  /// The entries of `node`'s image of `kind`, and whether any template read `.AllNodes`.
  func items(for node: NodeTemplateObject, kind: OverlayKind) throws -> ([ImageItem], Bool) {
    var merged = OrderedDictionary<String, ImageItem>()
    var readAllNodes = false
    let names = node.node.fields[kind.listKey]?.listValue ?? []
    for name in names {
      let (_, entries, _) = try source(name)
      for entry in entries {
        let meta = (entry.mode, entry.uid, entry.gid)
        switch entry.kind {
        case .directory:
          merged[entry.path] = ImageItem(path: entry.path, content: .directory, mode: meta.0, uid: meta.1, gid: meta.2,
                                         nodeDependent: false, identity: "d")
        case .symlink(let target):
          merged[entry.path] = ImageItem(path: entry.path, content: .symlink(target: target), mode: 0o777, uid: meta.1,
                                         gid: meta.2, nodeDependent: false, identity: "l" + target)
        case .file where !entry.isTemplate:
          merged[entry.path] = ImageItem(path: entry.path, content: .copy(source: entry.source), mode: meta.0,
                                         uid: meta.1, gid: meta.2, nodeDependent: false,
                                         identity: "f\(entry.source) \(entry.size) \(entry.mtimeNanoseconds)")
        case .file:
          let (result, identity, usedAll) = try render(entry, overlay: name, node: node)
          readAllNodes = readAllNodes || usedAll
          for file in result.files {
            let content: ImageItem.Content
            switch file.content {
            case .bytes(let bytes): content = .bytes(bytes)
            case .symlink(let target): content = .symlink(target: target)
            }
            merged[file.path] = ImageItem(path: file.path, content: content, mode: file.mode, uid: file.uid, gid: file.gid,
                                          nodeDependent: result.nodeDependent, identity: identity + file.path)
          }
        }
      }
    }
    return (Array(merged.values), readAllNodes)
  }

  /// Renders a template for a node, reusing an earlier node's result when the template read nothing of its node.
  private func render(_ entry: OverlayEntry, overlay: String, node: NodeTemplateObject) throws
    -> (RenderResult, String, Bool)
  {
    let key = overlay + "\u{0}" + entry.source
    if let shared = sharedRenders[key] { return (shared.result, shared.identity, shared.result.readAllNodes) }
    let result = try renderer.render(entry, overlay: overlay, node: node)
    if result.nodeDependent { return (result, "", result.readAllNodes) }
    var hash = Fingerprint()
    for file in result.files {
      hash.add(file.path)
      switch file.content {
      case .bytes(let bytes): hash.add(bytes: bytes)
      case .symlink(let target): hash.add("->" + target)
      }
    }
    sharedRenders[key] = (result, "r" + hash.hex)
    return (result, "r" + hash.hex, result.readAllNodes)
  }

  /// An overlay's entries and a digest of them, read once per build.
  func source(_ name: String) throws -> (Overlay, [OverlayEntry], String) {
    if let cached = sourceCache[name] { return cached }
    guard let overlay = overlays.overlay(name) else { throw OverlayError("no overlay named '\(name)'") }
    let entries = try overlay.entries()
    var hash = Fingerprint()
    hash.add(overlay.rootfs)
    for entry in entries {
      hash.add(entry.path)
      hash.add("\(entry.kind) \(entry.mode) \(entry.uid) \(entry.gid) \(entry.size) \(entry.mtimeNanoseconds)")
    }
    sourceCache[name] = (overlay, entries, hash.hex)
    return (overlay, entries, hash.hex)
  }

  /// The node's own inputs: its merged data, the server settings, its overlays' files.
  private func ownDigest(_ node: NodeTemplateObject) throws -> String {
    var hash = Fingerprint()
    hash.add(OverlayBuilder.describe(node.node))
    hash.add(String(describing: state.server))
    for kind in OverlayKind.allCases {
      hash.add(kind.rawValue)
      for name in node.node.fields[kind.listKey]?.listValue ?? [] { hash.add(try source(name).2) }
    }
    return hash.hex
  }

  static func describe(_ node: MergedNode) -> String {
    "\(node.id)\u{0}\(node.fields)\u{0}\(node.profiles)\u{0}\(node.primaryNetwork ?? "")"
  }
}
