import Lang
import OrderedCollections

/// `profiles`: the node profiles by name; `profiles.add("gpu", image: …)`.
final class ProfileCollection: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "profiles" }
  func names() throws -> [String] { try cluster.session().working.cluster.profiles.keys.elements }
  var count: Int? { try? names().count }
  var indexKeys: [String] { (try? names()) ?? [] }
  var memberNames: [String] { ["add", "remove", "names"] }

  func ref(_ name: String) throws -> EntityRef {
    let all = try names()
    guard all.contains(name) else {
      throw LangError("no profile named '\(name)'", suggestion: Suggestions.didYouMean(name, among: all))
    }
    return EntityRef(cluster, .profile, name)
  }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    .object(try ref(try ClusterFunctions.text(key, "a profile name")))
  }

  func elements(in interpreter: Interpreter) throws -> [Value] {
    try names().map { .object(EntityRef(cluster, .profile, $0)) }
  }

  func contains(_ value: Value, in interpreter: Interpreter) throws -> Bool {
    if case .object(let e as EntityRef) = value { return try e.kind == .profile && names().contains(e.id) }
    return try names().contains(value.description)
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "names": return .list(try names().map { .string($0) })
    case "add":
      return .function(NativeFunction("profiles.add") { [self] interp, args in
        guard args.count == 1 else { throw LangError("profiles.add() takes a name, then named fields") }
        let name = try ClusterFunctions.text(args[0], "a profile name")
        try Names.check(name, what: "profile")
        try cluster.session().stage { state, _ in
          if state.cluster.profiles[name] != nil { throw LangError("profile '\(name)' already exists") }
          state.cluster.profiles[name] = Entity()
        }
        let ref = EntityRef(cluster, .profile, name)
        for (label, value) in args.named { try ref.setMember(label, to: value, in: interp) }
        return .object(ref)
      })
    case "remove":
      return .function(NativeFunction("profiles.remove") { [self] _, args in
        try args.expect("profiles.remove", count: 1...1)
        let name = try ClusterFunctions.text(args[0], "a profile name")
        try cluster.session().stage { state, _ in
          guard state.cluster.profiles[name] != nil else {
            throw LangError("no profile named '\(name)'", suggestion: Suggestions.didYouMean(name, among: state.cluster.profiles.keys))
          }
          let users = state.cluster.nodes.filter { $0.value[FieldPath(["profiles"])]?.listValue?.contains(name) ?? false }.map(\.key)
            + state.cluster.profiles.filter { $0.value[FieldPath(["profiles"])]?.listValue?.contains(name) ?? false }.map(\.key)
          if !users.isEmpty {
            throw LangError("profile '\(name)' is used by \(Hostlist.compress(users))", suggestion: "remove it from their profiles first")
          }
          state.cluster.profiles[name] = nil
        }
        return .null
      })
    default:
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String { get throws { "profiles \(try names().joined(separator: ", "))" } }
  var blockDescription: String { get throws { ProfileTable.render(try names().map { EntityRef(cluster, .profile, $0) }) } }
}

/// Names of nodes, profiles, images and exports: what Warewulf accepts.
enum Names {
  static func check(_ name: String, what: String) throws {
    let ok = !name.isEmpty && name.count <= 253 && name.unicodeScalars.allSatisfy {
      ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0)
    }
    guard ok, name != ".", name != ".." else {
      throw LangError("invalid \(what) name \(Value.quote(name))", suggestion: "use letters, digits and - _ . :")
    }
  }
}
