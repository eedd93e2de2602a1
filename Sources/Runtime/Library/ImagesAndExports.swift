import Lang
import OrderedCollections

/// `images`: the node images by name. (Importing and building come with
/// the image builder; here an image is its registry entry.)
final class ImageCollection: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "images" }
  func names() throws -> [String] { try cluster.session().working.server.images.keys.elements }
  var count: Int? { try? names().count }
  var indexKeys: [String] { (try? names()) ?? [] }
  var memberNames: [String] { ["add", "remove", "names"] }

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
    case "remove":
      return .function(NativeFunction("images.remove") { [self] _, args in
        try args.expect("images.remove", count: 1...1)
        let name = try ClusterFunctions.text(args[0], "an image name")
        try cluster.session().stage { state, _ in
          guard state.server.images[name] != nil else {
            throw LangError("no image named '\(name)'", suggestion: Suggestions.didYouMean(name, among: state.server.images.keys))
          }
          let users = state.cluster.nodes.filter { $0.value[FieldPath(["image name"])]?.stringValue == name }.map(\.key)
            + state.cluster.profiles.filter { $0.value[FieldPath(["image name"])]?.stringValue == name }.map(\.key)
          if !users.isEmpty { throw LangError("image '\(name)' is used by \(users.joined(separator: ", "))") }
          state.server.images[name] = nil
          for (export, entry) in state.server.exports where entry.image == name { state.server.exports[export] = nil }
        }
        return .null
      })
    default:
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String { "images \(((try? names()) ?? []).joined(separator: ", "))" }
}

/// One image: `image.exclude("/opt/*")`, `image.path("/opt")`.
final class ImageRef: HostObject {
  let cluster: ClusterContext
  let name: String

  init(_ cluster: ClusterContext, _ name: String) {
    self.cluster = cluster
    self.name = name
  }

  var typeName: String { "image" }
  var memberNames: [String] { ["name", "excludes", "exclude", "path", "root"] }

  func entry() throws -> ServerConfig.ImageEntry {
    guard let e = try cluster.session().working.server.images[name] else { throw LangError("image '\(name)' no longer exists") }
    return e
  }

  /// Where the image's root file system lives under HOWL_ROOT.
  var rootDirectory: String { cluster.store.stateDirectory + "/images/" + name + "/rootfs" }

  func member(_ member: String, in interpreter: Interpreter) throws -> Value {
    switch member {
    case "name": return .string(name)
    case "root": return .string(rootDirectory)
    case "excludes": return .list(try entry().excludes.map { .string($0) })
    case "exclude":
      return .function(NativeFunction("image.exclude") { [self] _, args in
        try args.expect("image.exclude", count: 1...Int.max)
        let patterns = try args.positional.flatMap { v -> [String] in
          if case .list(let l) = v { return try l.items.map { try ClusterFunctions.text($0, "an exclude pattern") } }
          return [try ClusterFunctions.text(v, "an exclude pattern")]
        }
        for p in patterns where !p.hasPrefix("/") {
          throw LangError("exclude patterns are absolute paths in the image, such as \"/opt/*\", not \(Value.quote(p))")
        }
        let name = self.name
        try cluster.session().stage { state, _ in
          guard var entry = state.server.images[name] else { throw LangError("image '\(name)' no longer exists") }
          for p in patterns where !entry.excludes.contains(p) { entry.excludes.append(p) }
          state.server.images[name] = entry
        }
        return .null
      })
    case "path":
      return .function(NativeFunction("image.path") { [self] _, args in
        try args.expect("image.path", count: 1...1)
        let inside = try ClusterFunctions.text(args[0], "a path in the image")
        guard inside.hasPrefix("/"), !inside.split(separator: "/").contains("..") else {
          throw LangError("image.path() takes an absolute path inside the image, such as \"/opt\"")
        }
        return .string(rootDirectory + (inside == "/" ? "" : inside))
      })
    default:
      throw LangError.noMember(member, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String { "image \(name)" }
  var blockDescription: String {
    let excludes = (try? entry().excludes) ?? []
    return "image \(name)\n  root       \(rootDirectory)\n  excludes   \(Value.list(excludes.map { .string($0) }).repr)"
  }

  func isEqual(to other: HostObject) -> Bool { (other as? ImageRef)?.name == name }
}

/// `exports`: directories the head node exports over NFS.
final class ExportCollection: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "exports" }
  func names() throws -> [String] { try cluster.session().working.server.exports.keys.elements }
  var count: Int? { try? names().count }
  var indexKeys: [String] { (try? names()) ?? [] }
  var memberNames: [String] { ["add", "remove", "names"] }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    let name = try ClusterFunctions.text(key, "an export name")
    let all = try names()
    guard all.contains(name) else { throw LangError("no export named '\(name)'", suggestion: Suggestions.didYouMean(name, among: all)) }
    return .object(ExportRef(cluster, name))
  }

  func elements(in interpreter: Interpreter) throws -> [Value] { try names().map { .object(ExportRef(cluster, $0)) } }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "names": return .list(try names().map { .string($0) })
    case "add":
      return .function(NativeFunction("exports.add") { [self] _, args in
        try args.expect("exports.add", count: 1...1, labels: ["options", "name"])
        let path = try ClusterFunctions.text(args[0], "the exported path")
        guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
          throw LangError("an export needs an absolute path, not \(Value.quote(path))")
        }
        let options = try args.named("options").map { try ClusterFunctions.text($0, "export options") }
        let imagesRoot = cluster.store.stateDirectory + "/images/"
        var image: String?
        if path.hasPrefix(imagesRoot) { image = path.dropFirst(imagesRoot.count).split(separator: "/").first.map(String.init) }
        let name = try args.named("name").map { try ClusterFunctions.text($0, "an export name") }
          ?? ExportCollection.defaultName(path: path, image: image, imagesRoot: imagesRoot)
        try Names.check(name, what: "export")
        try cluster.session().stage { state, _ in
          if state.server.exports[name] != nil { throw LangError("export '\(name)' already exists") }
          var entry = ServerConfig.ExportEntry(path: path)
          if let options { entry.options = options }
          entry.image = image
          state.server.exports[name] = entry
        }
        return .object(ExportRef(cluster, name))
      })
    case "remove":
      return .function(NativeFunction("exports.remove") { [self] _, args in
        try args.expect("exports.remove", count: 1...1)
        let name: String
        if case .object(let e as ExportRef) = args[0] { name = e.name } else { name = try ClusterFunctions.text(args[0], "an export name") }
        try cluster.session().stage { state, _ in
          guard state.server.exports[name] != nil else {
            throw LangError("no export named '\(name)'", suggestion: Suggestions.didYouMean(name, among: state.server.exports.keys))
          }
          state.server.exports[name] = nil
        }
        return .null
      })
    default:
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  /// `rocky-8-split:/opt` → `rocky-8-split-opt`; other paths by their components.
  static func defaultName(path: String, image: String?, imagesRoot: String) -> String {
    var rest = path
    if let image { rest = String(path.dropFirst((imagesRoot + image + "/rootfs").count)) }
    let parts = rest.split(separator: "/").map(String.init)
    return ([image].compactMap { $0 } + parts).joined(separator: "-").isEmpty ? "root"
      : ([image].compactMap { $0 } + parts).joined(separator: "-")
  }

  var inlineDescription: String { "exports \(((try? names()) ?? []).joined(separator: ", "))" }
}

/// One NFS export.
final class ExportRef: HostObject {
  let cluster: ClusterContext
  let name: String

  init(_ cluster: ClusterContext, _ name: String) {
    self.cluster = cluster
    self.name = name
  }

  var typeName: String { "export" }
  var memberNames: [String] { ["name", "path", "options", "image"] }

  func entry() throws -> ServerConfig.ExportEntry {
    guard let e = try cluster.session().working.server.exports[name] else { throw LangError("export '\(name)' no longer exists") }
    return e
  }

  func member(_ member: String, in interpreter: Interpreter) throws -> Value {
    switch member {
    case "name": return .string(name)
    case "path": return .string(try entry().path)
    case "options": return .string(try entry().options)
    case "image": return try entry().image.map { .string($0) } ?? .null
    default: throw LangError.noMember(member, of: typeName, candidates: memberNames)
    }
  }

  func setMember(_ member: String, to value: Value, in interpreter: Interpreter) throws {
    guard member == "options" else { throw LangError("export.\(member) cannot be assigned") }
    let options = try ClusterFunctions.text(value, "export options")
    let name = self.name
    try cluster.session().stage { state, _ in
      guard state.server.exports[name] != nil else { throw LangError("export '\(name)' no longer exists") }
      state.server.exports[name]!.options = options
    }
  }

  var inlineDescription: String { "export \(name)" }
  var blockDescription: String {
    guard let e = try? entry() else { return inlineDescription }
    return "export \(name)\n  path       \(e.path)\n  options    \(e.options)" + (e.image.map { "\n  image      \($0)" } ?? "")
  }

  func isEqual(to other: HostObject) -> Bool { (other as? ExportRef)?.name == name }
}
