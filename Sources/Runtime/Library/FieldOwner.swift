import Lang

/// Whose fields a view (`tags`, `kernel`, a netdev) reads and writes: one
/// node or profile, or a node set, where a read gives the value every node
/// shares and a write is one staged change on each node.
protocol FieldOwner: AnyObject {
  var cluster: ClusterContext { get }
  var kind: EntityRef.Kind { get }
  /// The objects a write changes, each on its own.
  func parts() throws -> [EntityRef]
  /// What `read` makes of the effective value at `path`; for a set, what it
  /// makes of each node's, which must agree, or an error naming which nodes
  /// differ in `label` (`tags.cpuArch`), each shown by `describe`.
  func agreed<T: Equatable>(_ path: FieldPath, label: String, _ read: (ConfValue?) -> T,
                            describe: (T) -> String) throws -> T
}

extension FieldOwner {
  /// The effective value at `path` (for a set, the one its nodes share).
  func shared(_ path: FieldPath, label: String) throws -> ConfValue? {
    try agreed(path, label: label, { $0 }, describe: { $0.map { ConfConversion.data($0).repr } ?? "(unset)" })
  }

  /// The keys of the map at `path` (network device names), whatever the values.
  func sharedKeys(_ path: FieldPath, label: String) throws -> [String] {
    try agreed(path, label: label, { $0?.mapValue?.keys.elements ?? [] }, describe: { Value.list($0.map { .string($0) }).repr })
  }

  /// Whether there is a value at `path`, whatever it is.
  func isSet(_ path: FieldPath, label: String) throws -> Bool {
    try agreed(path, label: label, { $0 != nil }, describe: { $0 ? "set" : "(unset)" })
  }

  /// A live view of a structured field; nil for a field read as a plain value.
  func view(_ spec: FieldSpec, at path: FieldPath, label: String) -> Value? {
    switch spec.kind {
    case .tags: return .object(MapFieldView(self, path, label: label, values: .string, noun: "tag"))
    case .dataMap: return .object(MapFieldView(self, path, label: label, values: .data, noun: "resource"))
    case .section(let fields): return .object(SectionView(self, path, fields, name: spec.name, label: label))
    case .netdevs: return .object(NetdevsView(self, path, label: label))
    default: return nil
    }
  }

  /// Stages `value` as the own value of a field on every object.
  func write(_ spec: FieldSpec, at path: FieldPath, _ value: Value) throws {
    try EntityEdit.set(try parts().map(\.id), kind: kind, spec: spec, path: path, value: value, cluster: cluster)
  }

  /// Sets each object's field to `update(its value)` (`read` reads it from
  /// one object), as one change.
  func update(_ spec: FieldSpec, at path: FieldPath, read: (EntityRef) throws -> Value,
              _ update: (Value) throws -> Value) throws {
    let values = try parts().map { ($0.id, try update(try read($0))) }
    try EntityEdit.set(each: values, kind: kind, spec: spec, path: path, cluster: cluster)
  }

  /// Stages a raw value at a path on every object, as one change (a tag, removing a device).
  func setRaw(_ path: FieldPath, _ value: ConfValue?) throws {
    let ids = try parts().map(\.id), kind = kind
    try cluster.session().stage { state, index in
      try EntityEdit.requireAll(ids, kind, in: state)
      for id in ids { try EntityEdit.update(&state, kind, id, index: &index) { $0[path] = value } }
    }
  }
}

/// "the nodes differ in 'tags.cpuArch': sc[001-005] "x86_64", sc[006-010] "aarch64"":
/// the nodes grouped by the value they have, each group a folded hostlist.
enum NodesDiffer {
  static let shownGroups = 4

  static func error(_ label: String, _ values: [(id: String, text: String)]) -> LangError {
    var order: [String] = []
    var groups: [String: [String]] = [:]
    for (id, text) in values {
      if groups[text] == nil { order.append(text) }
      groups[text, default: []].append(id)
    }
    var parts = order.prefix(shownGroups).map { "\(Hostlist.compress(groups[$0]!)) \($0)" }
    if order.count > shownGroups { parts.append("and \(order.count - shownGroups) other values") }
    return LangError("the nodes differ in '\(label)': " + parts.joined(separator: ", "),
                     suggestion: "read it node by node: for n in … { print(n.\(label)) }")
  }
}
