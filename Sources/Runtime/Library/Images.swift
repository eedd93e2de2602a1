import Foundation
import Lang
import OrderedCollections

/// `images`: the node images by name. `images.import(…)` brings in a tree;
/// the collection prints as a table (name, sizes, kernel, built, nodes).
final class ImageCollection: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "images" }
  func names() throws -> [String] { try cluster.session().working.server.images.keys.elements }
  var count: Int? { try? names().count }
  var indexKeys: [String] { (try? names()) ?? [] }
  var memberNames: [String] { ["add", "import", "rename", "remove", "names"] }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    let name = try ClusterFunctions.text(key, "an image name")
    let all = try names()
    guard all.contains(name) else {
      throw LangError("no image named '\(name)'", suggestion: Suggestions.didYouMean(name, among: all))
    }
    return .object(ImageRef(cluster, name))
  }

  func elements(in interpreter: Interpreter) throws -> [Value] { try names().map { .object(ImageRef(cluster, $0)) } }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "names": return .list(try names().map { .string($0) })
    case "add":
      return .function(NativeFunction("images.add") { [self] _, args in
        try args.expect("images.add", count: 1...1)
        let name = try ClusterFunctions.text(args[0], "an image name")
        try Names.check(name, what: "image")
        try cluster.session().stage { state, _ in
          if state.server.images[name] != nil { throw LangError("image '\(name)' already exists") }
          state.server.images[name] = ServerConfig.ImageEntry()
        }
        return .object(ImageRef(cluster, name))
      })
    case "import":
      return .function(NativeFunction("images.import") { [self] _, args in
        try args.expect("images.import", count: 1...1, labels: ["name", "syncuser", "platform"])
        return try importImage(args)
      })
    case "rename":
      return .function(NativeFunction("images.rename") { [self] _, args in
        try args.expect("images.rename", count: 2...2)
        let old: String
        if case .object(let image as ImageRef) = args[0] { old = image.name } else { old = try ClusterFunctions.text(args[0], "an image name") }
        let new = try ClusterFunctions.text(args[1], "the new image name")
        try ImageRenaming.rename(old, to: new, cluster: cluster)
        return .object(ImageRef(cluster, new))
      })
    case "remove":
      return .function(NativeFunction("images.remove") { [self] _, args in
        try args.expect("images.remove", count: 1...1)
        let name = try ClusterFunctions.text(args[0], "an image name")
        try cluster.session().stage { state, _ in
          guard state.server.images[name] != nil else {
            throw LangError("no image named '\(name)'", suggestion: Suggestions.didYouMean(name, among: state.server.images.keys))
          }
          let users = state.cluster.users(ofImage: name)
          if !users.isEmpty { throw LangError("image '\(name)' is used by \(users.joined(separator: ", "))") }
          let exports = state.server.exports.filter { $0.value.image == name }.map(\.key)
          for export in exports {
            let mounters = state.cluster.mounters(ofExport: export)
            if !mounters.isEmpty {
              throw LangError("image '\(name)' has the export '\(export)', mounted by \(mounters.joined(separator: ", "))",
                              suggestion: "remove those mounts first")
            }
          }
          state.server.images[name] = nil
          for export in exports { state.server.exports[export] = nil }
        }
        return .null
      })
    default:
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  /// `images.import("docker-archive:rocky-8.tar", name: "rocky-8")`: the
  /// tree is written at once; the registry entry is staged (see `ImportMarker`)
  /// with the image's architecture. `platform: "linux/arm64"` picks that
  /// image of a multi-architecture one.
  private func importImage(_ args: Arguments) throws -> Value {
    let text = try ClusterFunctions.text(args[0], "an image source")
    let source = try wrapped { try ImageSource(text) }
    let name = try args.named("name").map { try ClusterFunctions.text($0, "an image name") } ?? ImageCollection.defaultName(text)
    try Names.check(name, what: "image")
    let platform = try args.named("platform").map { v in try wrapped { try Platform(try ClusterFunctions.text(v, "a platform such as \"linux/arm64\"")) } }
    let syncuser = try args.named("syncuser").map { v -> Bool in
      guard case .bool(let b) = v else { throw LangError("syncuser: takes true or false") }
      return b
    } ?? false
    let session = try cluster.session()
    let paths = ImagePaths(name: name, stateDirectory: cluster.store.stateDirectory)
    reconcile(paths, session)
    if session.working.server.images[name] != nil { throw LangError("image '\(name)' already exists") }
    let id = UUID().uuidString
    let architecture = try wrapped {
      var importer = ImageImporter(paths: paths)
      importer.progress = Progress()
      let architecture = try importer.run(source, platform: platform)
      try ImportMarker.write(paths, id: id)
      return architecture
    }
    if syncuser {
      do {
        let report = try SyncUser.run(rootfs: paths.rootfs, hostEtc: SyncUser.headNodeEtc(root: cluster.store.root))
        if !report.isEmpty { FileHandle.standardError.write(Data(("syncuser: " + report + "\n").utf8)) }
      } catch {
        ImportMarker.reconcile(paths, committedID: nil, workingID: nil)
        throw LangError("\(error)")
      }
    }
    try session.stage { state, _ in
      if state.server.images[name] != nil { throw LangError("image '\(name)' already exists") }
      var extra: OrderedDictionary<String, ConfValue> = [:]
      extra[ImportMarker.registryKey] = .scalar(id, .string)
      if let architecture { extra[ServerConfig.ImageEntry.architectureKey] = .scalar(architecture.rawValue, .string) }
      state.server.images[name] = ServerConfig.ImageEntry(source: text, extra: extra)
    }
    return .object(ImageRef(cluster, name))
  }

  /// Clears or removes a tree left by an import, by what is committed.
  private func reconcile(_ paths: ImagePaths, _ session: ClusterSession) {
    func id(_ state: ClusterState) -> String? { state.server.images[paths.name]?.extra[ImportMarker.registryKey]?.stringValue }
    ImportMarker.reconcile(paths, committedID: id(session.base), workingID: id(session.working))
  }

  /// `docker-archive:/x/rocky-8.tar` → `rocky-8`; `oci:/x/alma:9` → `alma`.
  static func defaultName(_ source: String) -> String {
    var rest = source
    if let colon = rest.firstIndex(of: ":") { rest = String(rest[rest.index(after: colon)...]) }
    var base = (rest as NSString).lastPathComponent
    if base.contains(":"), let colon = base.firstIndex(of: ":") { base = String(base[..<colon]) }
    for suffix in [".tar.gz", ".tgz", ".tar"] where base.hasSuffix(suffix) { base = String(base.dropLast(suffix.count)) }
    return base
  }

  var inlineDescription: String { get throws { "images \(try names().joined(separator: ", "))" } }

  var blockDescription: String {
    get throws {
      let session = try cluster.session()
      for marked in ImportMarker.markedNames(stateDirectory: cluster.store.stateDirectory) {
        reconcile(ImagePaths(name: marked, stateDirectory: cluster.store.stateDirectory), session)
      }
      return ImageTable.render(session.working, stateDirectory: cluster.store.stateDirectory,
                               merged: { try? self.cluster.merged($0) })
    }
  }
}

/// Runs image work, turning its errors into the language's.
func wrapped<T>(_ body: () throws -> T) throws -> T {
  do { return try body() } catch let e as LangError { throw e } catch { throw LangError("\(error)") }
}

/// How `images` prints: one row per image with its architecture, its
/// compression and what its last build recorded.
enum ImageTable {
  static func render(_ state: ClusterState, stateDirectory: String, merged: (String) -> MergedNode?) -> String {
    var table = TextTable(header: ["NAME", "ARCH", "SIZE", "COMPRESSED", "COMPRESSION", "KERNEL", "BUILT", "NODES"])
    var users: [String: Int] = [:]
    for id in state.cluster.nodes.keys {
      if let image = merged(id)?.value(at: FieldPath(["image name"]))?.stringValue { users[image, default: 0] += 1 }
    }
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    formatter.timeZone = TimeZone(identifier: "UTC")
    for (name, entry) in state.server.images {
      let record = BuildRecord.read(ImagePaths(name: name, stateDirectory: stateDirectory).buildRecord)
      table.rows.append([
        name, state.architecture(ofImage: name, stateDirectory: stateDirectory)?.rawValue ?? "-", record.map { Units.formatSize($0.size) } ?? "-", record.map { Units.formatSize($0.compressedSize) } ?? "-",
        entry.compression.rawValue,
        record?.kernelVersion ?? "-",
        record.map { formatter.string(from: Date(timeIntervalSince1970: TimeInterval($0.builtAt))) + " UTC" } ?? "not built",
        String(users[name] ?? 0),
      ])
    }
    return table.render()
  }
}
