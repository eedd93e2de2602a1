import Lang
import OrderedCollections

/// `node.tags`, `node.resources`, `node.ipmi.tags`: a map edited in place
/// (`node.tags.rack = "7"`), with the language's map methods (`HostMap`).
/// Tags hold strings; resources any value.
final class MapFieldView: HostMap {
  let owner: FieldOwner
  let path: FieldPath
  let label: String
  let values: FieldSpec.Kind
  let noun: String

  init(_ owner: FieldOwner, _ path: FieldPath, label: String, values: FieldSpec.Kind, noun: String) {
    self.owner = owner
    self.path = path
    self.label = label
    self.values = values
    self.noun = noun
  }

  var typeName: String { label.split(separator: ".").last.map(String.init) ?? label }

  func entries() throws -> OrderedMap {
    var map = OrderedMap()
    if case .map(let m)? = try owner.shared(path, label: label) {
      for (k, v) in m { map[string: k] = ConfConversion.data(v) }
    }
    return map
  }

  func lookup(_ key: String) throws -> Value? {
    try owner.shared(path.appending(key), label: "\(label).\(key)").map(ConfConversion.data)
  }

  func entryKeys() throws -> [Value] { try owner.sharedKeys(path, label: label).map { .string($0) } }

  func hasKey(_ key: String) throws -> Bool { try owner.isSet(path.appending(key), label: "\(label).\(key)") }

  func setEntry(_ key: String, to value: Value) throws {
    let conf = try ConfConversion.conf(value, kind: values, field: "\(label).\(key)")
    try owner.setRaw(path.appending(key), conf)
  }

  func missingKey(_ key: String) -> LangError {
    LangError("no \(noun) '\(key)'", suggestion: Suggestions.didYouMean(key, among: indexKeys))
  }
}

/// A sub-structure with named fields: `node.kernel`, `node.ipmi`, one netdev.
/// Of a node set, `+=` grows each node's own value (`HostBroadcast`).
final class SectionView: HostBroadcast {
  let owner: FieldOwner
  let path: FieldPath
  let fields: [FieldSpec]
  let name: String
  let label: String

  init(_ owner: FieldOwner, _ path: FieldPath, _ fields: [FieldSpec], name: String, label: String) {
    self.owner = owner
    self.path = path
    self.fields = fields
    self.name = name
    self.label = label
  }

  var typeName: String { name }
  var memberNames: [String] { fields.map(\.name) }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    guard let spec = FieldSpec.find(name, in: fields) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    let fieldPath = path.appending(spec.key), fieldLabel = "\(label).\(spec.name)"
    if let view = owner.view(spec, at: fieldPath, label: fieldLabel) { return view }
    return ConfConversion.value(try owner.shared(fieldPath, label: fieldLabel), kind: spec.kind)
  }

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    guard let spec = FieldSpec.find(name, in: fields) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try owner.write(spec, at: path.appending(spec.key), value)
  }

  func updateMember(_ name: String, in interpreter: Interpreter, _ update: (Value) throws -> Value) throws {
    guard let spec = FieldSpec.find(name, in: fields) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try owner.update(spec, at: path.appending(spec.key), read: {
      try SectionView($0, path, fields, name: self.name, label: label).member(name, in: interpreter)
    }, update)
  }

  var inlineDescription: String {
    get throws {
      var parts: [String] = []
      for spec in fields {
        guard let v = try owner.shared(path.appending(spec.key), label: "\(label).\(spec.name)") else { continue }
        parts.append("\(spec.name): \(Secrets.isSecret(spec.key) ? Secrets.mask : try ConfConversion.value(v, kind: spec.kind).checkedRepr())")
      }
      return "{" + parts.joined(separator: ", ") + "}"
    }
  }
}

/// `node.netdevs`: network devices by name (`node.netdevs.ib0.ipaddr`), a
/// map of device views. Reading a device that does not exist yet is
/// allowed, so `node.netdevs.ib0.ipaddr = …` creates it.
final class NetdevsView: HostMap {
  let owner: FieldOwner
  let path: FieldPath
  let label: String

  init(_ owner: FieldOwner, _ path: FieldPath, label: String) {
    self.owner = owner
    self.path = path
    self.label = label
  }

  var typeName: String { "netdevs" }

  func names() throws -> [String] {
    try owner.sharedKeys(path, label: label)
  }

  func device(_ name: String) -> Value {
    .object(SectionView(owner, path.appending(name), FieldSpec.netdev, name: "netdev", label: "\(label).\(name)"))
  }

  func entries() throws -> OrderedMap {
    var map = OrderedMap()
    for name in try names() { map[string: name] = device(name) }
    return map
  }

  func entryKeys() throws -> [Value] { try names().map { .string($0) } }

  func lookup(_ key: String) throws -> Value? {
    try names().contains(key) ? device(key) : nil
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    if isMapMethod(name), try !hasKey(name) { return mapMethod(name) }
    return device(name)
  }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    device(try ClusterFunctions.text(key, "a network device name"))
  }

  func setEntry(_ key: String, to value: Value) throws {
    guard case .null = value else {
      throw LangError("set a device's fields one by one (\(label).\(key).ipaddr = …), or assign nil to remove it")
    }
    try owner.setRaw(path.appending(key), nil)
  }
}
