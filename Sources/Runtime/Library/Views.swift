import Lang
import OrderedCollections

/// `node.tags`: a string map edited in place (`node.tags.rack = "7"`).
final class TagsView: HostObject {
  let owner: EntityRef
  let path: FieldPath

  init(_ owner: EntityRef, _ path: FieldPath) {
    self.owner = owner
    self.path = path
  }

  var typeName: String { "tags" }

  func current() throws -> OrderedDictionary<String, ConfValue> {
    if case .map(let m)? = try owner.effective(path) { return m }
    return [:]
  }

  var memberNames: [String] { ((try? current()) ?? [:]).keys.elements }
  var indexKeys: [String] { memberNames }
  var count: Int? { try? current().count }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    guard let v = try current()[name] else {
      throw LangError("no tag '\(name)'", suggestion: Suggestions.didYouMean(name, among: memberNames))
    }
    return ConfConversion.data(v)
  }

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    let conf: ConfValue? = try ConfConversion.conf(value, kind: .string, field: "tags.\(name)")
    try EntityEdit.setRaw(owner, FieldPath(path.keys + [name]), conf)
  }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    try member(try ClusterFunctions.text(key, "a tag name"), in: interpreter)
  }

  func setIndex(_ key: Value, to value: Value, in interpreter: Interpreter) throws {
    try setMember(try ClusterFunctions.text(key, "a tag name"), to: value, in: interpreter)
  }

  func elements(in interpreter: Interpreter) throws -> [Value] { try current().keys.map { .string($0) } }

  func contains(_ value: Value, in interpreter: Interpreter) throws -> Bool {
    try current()[value.description] != nil
  }

  var inlineDescription: String {
    let map = ConfConversion.data(.map((try? current()) ?? [:]))
    return map.repr
  }
}

/// A sub-structure with named fields: `node.kernel`, `node.ipmi`, one netdev.
final class SectionView: HostObject {
  let owner: EntityRef
  let path: FieldPath
  let fields: [FieldSpec]
  let name: String

  init(_ owner: EntityRef, _ path: FieldPath, _ fields: [FieldSpec], name: String) {
    self.owner = owner
    self.path = path
    self.fields = fields
    self.name = name
  }

  var typeName: String { name }
  var memberNames: [String] { fields.map(\.name) }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    guard let spec = FieldSpec.find(name, in: fields) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    return try owner.read(spec, at: FieldPath(path.keys + [spec.key]))
  }

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    guard let spec = FieldSpec.find(name, in: fields) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try owner.write(spec, at: FieldPath(path.keys + [spec.key]), value)
  }

  var inlineDescription: String {
    var parts: [String] = []
    for spec in fields {
      guard let v = try? owner.effective(FieldPath(path.keys + [spec.key])) else { continue }
      parts.append("\(spec.name): \(Secrets.isSecret(spec.key) ? Secrets.mask : ConfConversion.value(v, kind: spec.kind).repr)")
    }
    return "{" + parts.joined(separator: ", ") + "}"
  }
}

/// `node.netdevs`: network devices by name (`node.netdevs.ib0.ipaddr`).
final class NetdevsView: HostObject {
  let owner: EntityRef
  let path: FieldPath

  init(_ owner: EntityRef, _ path: FieldPath) {
    self.owner = owner
    self.path = path
  }

  var typeName: String { "netdevs" }

  func names() throws -> [String] {
    if case .map(let m)? = try owner.effective(path) { return m.keys.elements }
    return []
  }

  var memberNames: [String] { (try? names()) ?? [] }
  var indexKeys: [String] { memberNames }
  var count: Int? { try? names().count }

  /// A device view; reading a device that does not exist yet is allowed, so
  /// `node.netdevs.ib0.ipaddr = …` creates it.
  func device(_ name: String) -> Value {
    .object(SectionView(owner, FieldPath(path.keys + [name]), FieldSpec.netdev, name: "netdev"))
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value { device(name) }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    device(try ClusterFunctions.text(key, "a network device name"))
  }

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    guard case .null = value else {
      throw LangError("set a device's fields one by one (node.netdevs.\(name).ipaddr = …), or assign nil to remove it")
    }
    try EntityEdit.setRaw(owner, FieldPath(path.keys + [name]), nil)
  }

  func elements(in interpreter: Interpreter) throws -> [Value] { try names().map { .string($0) } }

  func contains(_ value: Value, in interpreter: Interpreter) throws -> Bool { try names().contains(value.description) }

  var inlineDescription: String {
    let devices = (try? names()) ?? []
    return "{" + devices.map { name -> String in
      guard case .object(let o) = device(name) else { return name }
      return "\(name): \(o.inlineDescription)"
    }.joined(separator: ", ") + "}"
  }
}

extension EntityEdit {
  /// Stages a raw value at a path of one object (tags, removing devices).
  static func setRaw(_ owner: EntityRef, _ path: FieldPath, _ value: ConfValue?) throws {
    let kind = owner.kind, id = owner.id
    try owner.cluster.session().stage { state, index in
      try update(&state, kind, id, index: &index) { $0[path] = value }
    }
  }
}
