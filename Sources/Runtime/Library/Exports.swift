import Foundation
import Lang

/// `exports`: directories the head node exports over NFS.
/// `exports.add(path, options:, name:)` checks the export before staging
/// it; `exports.apply()` makes the NFS server serve what is committed.
final class ExportCollection: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "exports" }
  func names() throws -> [String] { try cluster.session().working.server.exports.keys.elements }
  var count: Int? { try? names().count }
  var indexKeys: [String] { (try? names()) ?? [] }
  var memberNames: [String] { ["add", "remove", "apply", "names"] }

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
        return try add(args)
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
          let mounters = state.cluster.mounters(ofExport: name)
          if !mounters.isEmpty {
            throw LangError("export '\(name)' is mounted by \(mounters.joined(separator: ", "))", suggestion: "remove those mounts first")
          }
          state.server.exports[name] = nil
        }
        return .null
      })
    case "apply":
      return .function(NativeFunction("exports.apply") { [self] _, args in
        try args.expect("exports.apply", count: 0...0)
        return try apply()
      })
    default:
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  /// `exports.add(img.path("/opt"), options: "rw,sync,no_root_squash")`.
  private func add(_ args: Arguments) throws -> Value {
    let path = try ExportCollection.checked { try ExportCheck.normalize(try ClusterFunctions.text(args[0], "the exported path")) }
    try ExportCollection.checked { try ExportCheck.requireDirectory(path) }
    let options = try args.named("options").map { try ClusterFunctions.text($0, "export options") }
      ?? ServerConfig.ExportEntry.defaultOptions
    try ExportCollection.checkOptions(options)
    let imagesRoot = cluster.store.stateDirectory + "/images/"
    var image: String?
    if path.hasPrefix(imagesRoot) { image = path.dropFirst(imagesRoot.count).split(separator: "/").first.map(String.init) }
    let name = try args.named("name").map { try ClusterFunctions.text($0, "an export name") }
      ?? ExportCollection.defaultName(path: path, image: image, imagesRoot: imagesRoot)
    try Names.check(name, what: "export")
    try cluster.session().stage { state, _ in
      if state.server.exports[name] != nil { throw LangError("export '\(name)' already exists") }
      if let other = ExportCheck.owner(of: path, in: state.server.exports.elements) {
        throw LangError("\(path) is already exported as '\(other)'")
      }
      state.server.exports[name] = ServerConfig.ExportEntry(path: path, options: options, image: image)
    }
    return .object(ExportRef(cluster, name))
  }

  /// Applies the committed exports, or refuses while export changes are
  /// staged: the NFS server serves what is committed, so commit first.
  private func apply() throws -> Value {
    let session = try cluster.session()
    if session.working.server.exports != session.base.server.exports || session.working.server.nfs != session.base.server.nfs {
      throw LangError("exports.apply() serves the committed exports, and export changes are staged",
                      suggestion: "commit() first, then exports.apply()")
    }
    guard let applier = cluster.exportApplier else { throw LangError("exports.apply() needs howl's NFS manager, not installed here") }
    let report = try wrapped { try applier.apply(try cluster.store.load().server) }
    FileHandle.standardError.write(Data((report.summary + "\n").utf8))
    func names(_ list: [String]) -> Value { .list(list.map { .string($0) }) }
    return .map(MapRef(OrderedMap([
      (.string("backend"), .string(report.backend)), (.string("added"), names(report.added)),
      (.string("removed"), names(report.removed)), (.string("changed"), names(report.changed)),
      (.string("action"), .string(report.action)),
    ])))
  }

  /// Turns an export problem into the language's error.
  static func checked<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let problem as ExportCheck.Problem { throw LangError(problem.description) }
  }

  /// Fails with a suggestion for an unknown option.
  static func checkOptions(_ options: String) throws {
    do { _ = try ExportOptions(options) } catch let problem as ExportOptions.Problem {
      throw LangError(problem.description, suggestion: problem.unknown.flatMap { Suggestions.didYouMean($0, among: ExportOptions.knownWords) })
    }
  }

  /// `rocky-8-split:/opt` → `rocky-8-split-opt`; other paths by their components.
  static func defaultName(path: String, image: String?, imagesRoot: String) -> String {
    var rest = path
    if let image { rest = String(path.dropFirst((imagesRoot + image + "/rootfs").count)) }
    let parts = ([image].compactMap { $0 } + rest.split(separator: "/").map(String.init)).joined(separator: "-")
    return parts.isEmpty ? "root" : parts
  }

  var inlineDescription: String { get throws { "exports \(try names().joined(separator: ", "))" } }

  var blockDescription: String {
    get throws {
      let state = try cluster.session().working
      var table = TextTable(header: ["NAME", "PATH", "OPTIONS", "MOUNTED BY"])
      for (name, entry) in state.server.exports {
        let mounters = state.cluster.mounters(ofExport: name)
        table.rows.append([name, entry.path, entry.options, mounters.isEmpty ? "-" : mounters.joined(separator: ", ")])
      }
      return table.render()
    }
  }
}

/// One NFS export: `export.path`, `export.options` (assignable), `export.image`.
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
    try ExportCollection.checkOptions(options)
    let name = self.name
    try cluster.session().stage { state, _ in
      guard state.server.exports[name] != nil else { throw LangError("export '\(name)' no longer exists") }
      state.server.exports[name]!.options = options
    }
  }

  var inlineDescription: String { "export \(name)" }
  var blockDescription: String {
    get throws {
      let e = try entry()
      return "export \(name)\n  path       \(e.path)\n  options    \(e.options)" + (e.image.map { "\n  image      \($0)" } ?? "")
    }
  }

  func isEqual(to other: HostObject) -> Bool { (other as? ExportRef)?.name == name }
}
