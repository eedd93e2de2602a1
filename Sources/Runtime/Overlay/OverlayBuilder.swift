import Foundation
import OrderedCollections

/// Builds nodes' system and runtime overlay images: each image holds the
/// node's overlays in list order, a later overlay's file replacing an earlier
/// one, templates (`.ww`) rendered with the suffix dropped, modes and owners kept.
///
/// On disk, under `$HOWL_ROOT/var/lib/howl/provision/`:
/// - `overlays/<node>/__SYSTEM__.img.gz`, `__RUNTIME__.img.gz` (Warewulf's
///   names): the complete images, written by `build(_:complete: true)` and by
///   `image(node:kind:)` on demand;
/// - `overlays/<node>/__SYSTEM__.node.gz`, `__RUNTIME__.node.gz`: the node's own part;
/// - `overlay-parts/<digest>.gz`: parts every node with the same overlays
///   shares (e.g. `/etc/hosts`), written once;
/// - `overlays/<node>/.fingerprint`: the inputs' digest and the shared parts used.
/// A complete image is its shared part followed by its own part (`imageParts`).
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
  /// `$HOWL_ROOT/var/lib/howl/provision/overlay-parts`.
  public let sharedDirectory: String
  public let environment: OverlayEnvironment
  private let renderer: OverlayRenderer
  /// One image writer per core, each with its own scratch files.
  private let writers: [OverlayImageWriter]
  private var sourceCache: [String: (overlay: Overlay, entries: [OverlayEntry], digest: String)] = [:]
  private var sharedRenders: [String: (result: RenderResult, identity: String)] = [:]
  private lazy var serverDigest = String(describing: state.server)
  private lazy var allNodesDigest: String = {
    var hash = Fingerprint()
    for node in environment.allNodes { hash.add(node: node.node) }
    return hash.hex
  }()

  /// A builder for `state`, its files under `stateDirectory` (`$HOWL_ROOT/var/lib/howl`).
  public init(state: ClusterState, root: String, overlays: OverlayStore? = nil,
              buildHost: String = OverlayEnvironment.hostName(), buildTime: Date = Date()) throws {
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    self.state = state
    self.overlays = overlays ?? OverlayStore(stateDirectory: base + "/var/lib/howl")
    self.outputDirectory = base + "/var/lib/howl/provision/overlays"
    let sharedDirectory = base + "/var/lib/howl/provision/overlay-parts"
    self.sharedDirectory = sharedDirectory
    var merged: [MergedNode] = []
    merged.reserveCapacity(state.cluster.nodes.count)
    for id in state.cluster.nodes.keys { merged.append(try state.cluster.merged(id, sources: false)) }
    self.environment = OverlayEnvironment(server: state.server, nodes: merged, root: base, buildHost: buildHost,
                                          buildTime: buildTime)
    self.renderer = OverlayRenderer(environment: environment)
    OverlayBuilder.makeHostKeys(for: merged, environment: environment)
    let cores = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    self.writers = try (0..<cores).map { _ in try OverlayImageWriter(scratch: OverlayBuilder.scratchDirectory(), sharedDirectory: sharedDirectory) }
  }

  /// Makes the SSH host keys (`HostKeys`) if a node lists `ssh.host_keys`,
  /// and the cluster's client key if one lists `ssh.authorized_keys`, when
  /// they are missing; a failure becomes a build warning.
  private static func makeHostKeys(for nodes: [MergedNode], environment: OverlayEnvironment) {
    func listed(_ overlay: String) -> Bool {
      nodes.contains { node in OverlayKind.allCases.contains { node.fields[$0.listKey]?.listValue?.contains(overlay) == true } }
    }
    do {
      if listed("ssh.host_keys") { try HostKeys.ensure(in: environment.configDirectory) }
      if listed("ssh.authorized_keys") { try HostKeys.ensureClientKey(in: environment.configDirectory) }
    } catch {
      environment.warn("\(error)")
    }
  }

  /// The path of a node's complete image of `kind` (which may not exist yet).
  public func imagePath(node: String, kind: OverlayKind) -> String {
    outputDirectory + "/" + node + "/" + kind.fileName
  }

  /// The path of a node's own part of its image of `kind`.
  func ownPartPath(node: String, kind: OverlayKind) -> String {
    outputDirectory + "/" + node + "/" + kind.ownPartName
  }

  /// Builds both images of each node in `nodes` whose inputs changed (all of them with `force`),
  /// as parts; with `complete`, also the complete `__SYSTEM__.img.gz`/`__RUNTIME__.img.gz`.
  /// A node that fails is reported and the others are still built. Templates are
  /// rendered on this thread; archives are compressed and written by one worker per core.
  public func build(_ nodes: [String], force: Bool = false, complete: Bool = false) -> [NodeResult] {
    var results: [NodeResult] = []
    results.reserveCapacity(nodes.count)
    var start = 0
    while start < nodes.count {
      let batch = nodes[start..<min(start + 256, nodes.count)]
      start += batch.count
      var plans: [(index: Int, plan: NodePlan)] = []
      for id in batch {
        do {
          if let plan = try plan(id, force: force) {
            plans.append((results.count, plan))
            results.append(NodeResult(node: id, status: .built))
          } else {
            results.append(NodeResult(node: id, status: .current))
          }
        } catch {
          results.append(NodeResult(node: id, status: .failed("\(error)")))
        }
      }
      let failures = write(plans.map(\.plan), complete: complete)
      for (i, failure) in failures.enumerated() {
        if let failure { results[plans[i].index].status = .failed(failure) }
      }
    }
    return results
  }

  /// The path of `node`'s complete image of `kind`, building the node first if its
  /// images are missing or stale, and assembling the complete file if it is missing.
  /// For the boot services: call it per request; it is cheap when nothing changed.
  public func image(node: String, kind: OverlayKind) throws -> String {
    let parts = try imageParts(node: node, kind: kind)
    let path = imagePath(node: node, kind: kind)
    if !FileManager.default.fileExists(atPath: path) { try OverlayImageWriter.assemble(parts, to: path) }
    return path
  }

  /// The files whose concatenation is `node`'s image of `kind` (shared part, then
  /// the node's own), building the node first if needed: serve them one after
  /// the other to avoid assembling the complete file.
  public func imageParts(node: String, kind: OverlayKind) throws -> [String] {
    if let plan = try plan(node, force: false), let failure = write([plan], complete: false).first ?? nil {
      throw OverlayError(failure)
    }
    guard let stamp = NodeStamp.read(outputDirectory + "/" + node + "/.fingerprint"),
          let shared = stamp.shared[kind.rawValue] else { throw OverlayError("no overlay image for node '\(node)'") }
    return [shared, ownPartPath(node: node, kind: kind)]
  }

  /// Deletes shared parts no node's fingerprint names any more, except those
  /// written in the last minute (another build may be about to name them).
  /// Returns how many it deleted.
  @discardableResult
  public func removeUnusedParts() -> Int {
    var used = Set<String>()
    for node in (try? FileManager.default.contentsOfDirectory(atPath: outputDirectory)) ?? [] {
      if let stamp = NodeStamp.read(outputDirectory + "/" + node + "/.fingerprint") { used.formUnion(stamp.shared.values) }
    }
    var removed = 0
    let cutoff = Date().addingTimeInterval(-60)
    for name in (try? FileManager.default.contentsOfDirectory(atPath: sharedDirectory)) ?? [] where name.hasSuffix(".gz") {
      let path = sharedDirectory + "/" + name
      guard !used.contains(path) else { continue }
      let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
      if let modified, modified < cutoff, unlink(path) == 0 { removed += 1 }
    }
    return removed
  }

  /// What to write for one node: both images' entries and the fingerprint to record.
  struct NodePlan {
    let id: String
    let images: [(kind: OverlayKind, items: [ImageItem])]
    let inputs: String
  }

  /// Renders one node's images, or returns nil when they are current.
  func plan(_ id: String, force: Bool) throws -> NodePlan? {
    guard let node = environment.node(id) else { throw OverlayError("no node named '\(id)'") }
    guard OverlayPath.isValidName(id) else { throw OverlayError("node name '\(id)' cannot name a directory") }
    let own = try ownDigest(node)
    if !force, let stamp = NodeStamp.read(outputDirectory + "/" + id + "/.fingerprint"),
       stamp.inputs == own || stamp.inputs == own + "+" + allNodesDigest,
       OverlayKind.allCases.allSatisfy({ kind in
         stamp.shared[kind.rawValue].map { FileManager.default.fileExists(atPath: $0) } == true
           && FileManager.default.fileExists(atPath: ownPartPath(node: id, kind: kind))
       }) {
      return nil
    }
    var readAllNodes = false
    var images: [(OverlayKind, [ImageItem])] = []
    for kind in OverlayKind.allCases {
      let (items, usedAll) = try items(for: node, kind: kind)
      readAllNodes = readAllNodes || usedAll
      images.append((kind, items))
    }
    return NodePlan(id: id, images: images, inputs: readAllNodes ? own + "+" + allNodesDigest : own)
  }

  /// Writes the plans' images and fingerprints, spread over the writers; a failure message per plan, or nil.
  /// Stale complete images are removed (or rewritten with `complete`).
  private func write(_ plans: [NodePlan], complete: Bool) -> [String?] {
    let failures = FailureList(count: plans.count)
    let writers = self.writers
    DispatchQueue.concurrentPerform(iterations: writers.count) { w in
      for i in stride(from: w, to: plans.count, by: writers.count) {
        let plan = plans[i]
        do {
          try FileManager.default.createDirectory(atPath: outputDirectory + "/" + plan.id, withIntermediateDirectories: true)
          var shared: [String: String] = [:]
          for (kind, items) in plan.images {
            let own = ownPartPath(node: plan.id, kind: kind)
            let sharedPart = try writers[w].write(items, own: own)
            shared[kind.rawValue] = sharedPart
            if complete {
              try OverlayImageWriter.assemble([sharedPart, own], to: imagePath(node: plan.id, kind: kind))
            } else {
              unlink(imagePath(node: plan.id, kind: kind))
            }
          }
          try NodeStamp(inputs: plan.inputs, shared: shared).write(outputDirectory + "/" + plan.id + "/.fingerprint")
        } catch {
          failures.set(i, "\(error)")
        }
      }
    }
    return failures.items
  }

  /// The node to render for: a node of the build, or the server itself for
  /// `host` and the build host's name (`OverlayEnvironment.serverNode`).
  private func renderTarget(_ id: String) throws -> NodeTemplateObject {
    if let node = environment.node(id) { return node }
    if environment.isServerName(id) { return environment.serverNode }
    throw OverlayError("no node named '\(id)' (\"host\" renders for the server itself)")
  }

  /// Renders `path` of overlay `name` for `node` (for `overlay.show`): the
  /// text it writes. A template that writes several files (`file`) gets each
  /// one's text after a `Filename: <name>` line (the name given to `file`), a
  /// symlink a `Symlink: <target>` line, as `wwctl overlay show` prints them.
  public func show(overlay name: String, path: String, node id: String) throws -> String {
    let node = try renderTarget(id)
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
    if result.files.count == 1, let file = result.files.first, file.fileName == nil {
      switch file.content {
      case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
      case .symlink(let target): return "-> " + target + "\n"
      }
    }
    return result.files.map { file -> String in
      switch file.content {
      case .bytes(let bytes):
        let text = String(decoding: bytes, as: UTF8.self)
        return "Filename: \(file.fileName ?? file.path)\n" + text + (text.isEmpty || text.hasSuffix("\n") ? "" : "\n")
      case .symlink(let target): return "Filename: \(file.fileName ?? file.path)\nSymlink: \(target)\n"
      }
    }.joined()
  }

  /// Every file overlay `name` gives `node` (templates rendered, directories
  /// left out), in tree order; `host` renders for the server itself.
  public func render(overlay name: String, node id: String) throws -> [RenderedFile] {
    let node = try renderTarget(id)
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
    hash.add(node: node.node)
    hash.add(serverDigest)
    for kind in OverlayKind.allCases {
      hash.add(kind.rawValue)
      for name in node.node.fields[kind.listKey]?.listValue ?? [] { hash.add(try source(name).2) }
    }
    return hash.hex
  }

  /// A private scratch directory, in memory (`/dev/shm`) when there is one: the
  /// per-part cpio and gzip files are rewritten thousands of times, which on
  /// ext4 means a synchronous flush each time a file with data is truncated.
  static func scratchDirectory() -> String {
    var isDirectory: ObjCBool = false
    let shm = FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory) && isDirectory.boolValue
      && access("/dev/shm", W_OK) == 0
    let base = shm ? "/dev/shm" : FileManager.default.temporaryDirectory.path
    return base + "/howl-overlay-build-\(getpid())-\(UUID().uuidString.prefix(8))"
  }

}

/// Failure messages collected from the writer threads.
private final class FailureList: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var items: [String?]
  init(count: Int) { items = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ message: String) {
    lock.lock()
    items[index] = message
    lock.unlock()
  }
}

/// A node's `.fingerprint`: the digest of its inputs (with `+<all nodes>` when
/// a template read `.AllNodes`) and the shared part each image uses.
struct NodeStamp {
  var inputs: String
  var shared: [String: String]

  static func read(_ path: String) -> NodeStamp? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    let lines = text.split(separator: "\n").map(String.init)
    guard let first = lines.first else { return nil }
    var shared: [String: String] = [:]
    for line in lines.dropFirst() {
      let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
      if parts.count == 2 { shared[parts[0]] = parts[1] }
    }
    return NodeStamp(inputs: first, shared: shared)
  }

  func write(_ path: String) throws {
    let text = ([inputs] + shared.keys.sorted().map { "\($0) \(shared[$0]!)" }).joined(separator: "\n") + "\n"
    try ArtifactFile.write([Array(text.utf8)], to: path)
  }
}
