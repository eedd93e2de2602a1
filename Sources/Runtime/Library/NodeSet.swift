import Lang

/// Several nodes: `nodes["sc[001-270]"]`, `nodes.where(…)`, or all of them
/// (`nodes`). Assigning a field, or a nested one (`tags.cpuArch`,
/// `netdevs.ib0.netmask`), sets it on every node as one change; reading one
/// gives the value they share, or an error naming which nodes differ; it
/// iterates, has a length and prints as a table.
class NodeSet: HostBroadcast, FieldOwner {
  let cluster: ClusterContext
  private let fixedIDs: [String]?

  init(_ cluster: ClusterContext, ids: [String]?) {
    self.cluster = cluster
    self.fixedIDs = ids
  }

  /// The ids, in nodes.conf order for the whole collection.
  func ids() throws -> [String] {
    if let fixedIDs { return fixedIDs }
    return try cluster.session().working.cluster.nodes.keys.elements
  }

  var typeName: String { "nodes" }
  var count: Int? { try? ids().count }
  var indexKeys: [String] { (try? ids()) ?? [] }
  var memberNames: [String] { ["where", "names", "hostlist"] + EntityRef(cluster, .node, "").memberNames.filter { $0 != "explain" } }

  func refs() throws -> [EntityRef] { try ids().map { EntityRef(cluster, .node, $0) } }

  var kind: EntityRef.Kind { .node }
  func parts() throws -> [EntityRef] { try refs() }

  func agreed<T: Equatable>(_ path: FieldPath, label: String, _ read: (ConfValue?) -> T, describe: (T) -> String) throws -> T {
    let ids = try ids()
    let values = try ids.map { read(try cluster.merged($0, sources: false).value(at: path)) }
    guard let first = values.first else { return read(nil) }
    guard values.allSatisfy({ $0 == first }) else { throw NodesDiffer.error(label, zip(ids, values).map { ($0, describe($1)) }) }
    return first
  }

  func elements(in interpreter: Interpreter) throws -> [Value] { try refs().map { .object($0) } }

  func contains(_ value: Value, in interpreter: Interpreter) throws -> Bool {
    switch value {
    case .object(let e as EntityRef): return try e.kind == .node && ids().contains(e.id)
    case .string(let s): return try ids().contains(s)
    default: return false
    }
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "names": return .list(try ids().map { .string($0) })
    case "hostlist": return .string(Hostlist.compress(try ids()))
    case "refresh": return AgentRefresh.function(cluster, ids: ids)
    case "where":
      return .function(NativeFunction("where") { [self] interp, args in
        try args.expect("where", count: 1...1)
        let kept = try refs().filter { try interp.call(args[0], .object($0)).isTruthy }.map(\.id)
        return .object(NodeSet(cluster, ids: kept))
      })
    default:
      if let bmc = BMCMembers.member(name, ids: try ids(), single: false, cluster) { return bmc }
      if let remote = RemoteMembers.member(name, ids: try ids(), single: false, cluster) { return remote }
      if let spec = FieldSpec.find(name, in: FieldSpec.entity), let view = view(spec, at: FieldPath([spec.key]), label: spec.name) {
        return view
      }
      let refs = try refs()
      let values = try refs.map { try $0.member(name, in: interpreter) }
      guard let first = values.first else { return .null }
      guard values.allSatisfy({ $0 == first }) else {
        throw NodesDiffer.error(name, zip(refs, values).map { ($0.id, $1.repr) })
      }
      return first
    }
  }

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    let ids = try ids()
    guard !ids.isEmpty else { return }
    let sample = EntityRef(cluster, .node, ids[0])
    if FieldSpec.primaryShortcuts.contains(name) {
      if ids.count > 1 && (name == "ipaddr" || name == "hwaddr") {
        throw LangError("\(ids.count) nodes cannot share one \(name)", suggestion: "set it node by node, or number them with nodes.add(…, ipaddr: first)")
      }
      let spec = FieldSpec.find(name, in: FieldSpec.netdev)!
      _ = try ConfConversion.conf(value, kind: spec.kind, field: name)
      for ref in try refs() { try ref.setMember(name, to: value, in: interpreter) }
      return
    }
    guard let spec = FieldSpec.find(name, in: sample.specs) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try write(spec, at: FieldPath([spec.key]), value)
  }

  /// `nodes.overlays += ["x"]`: each node's own list grows, whether or not they share one.
  func updateMember(_ name: String, in interpreter: Interpreter, _ update: (Value) throws -> Value) throws {
    if FieldSpec.primaryShortcuts.contains(name) {
      let refs = try refs()
      let values = try refs.map { try update(try $0.member(name, in: interpreter)) }
      for (ref, value) in zip(refs, values) { try ref.setMember(name, to: value, in: interpreter) }
      return
    }
    guard let spec = FieldSpec.find(name, in: FieldSpec.entity) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try self.update(spec, at: FieldPath([spec.key]), read: { try $0.member(name, in: interpreter) }, update)
  }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    let all = try ids()
    switch key {
    case .int(let i):
      return .object(EntityRef(cluster, .node, all[try position(i, all.count)]))
    case .string(let s) where !s.contains("[") && !s.contains(","):
      guard all.contains(s) else {
        throw LangError("no node named '\(s)'", suggestion: Suggestions.didYouMean(s, among: all))
      }
      return .object(EntityRef(cluster, .node, s))
    case .string(let pattern):
      return .object(try select(try ClusterFunctions.expand(pattern)))
    default:
      throw LangError("index nodes by name or hostlist, not \(key.typeName)")
    }
  }

  /// The named nodes, which must all be in this set.
  func select(_ wanted: [String]) throws -> NodeSet {
    let all = try ids()
    let known = Set(all)
    let missing = wanted.filter { !known.contains($0) }
    if !missing.isEmpty {
      throw LangError("no node\(missing.count == 1 ? "" : "s") named \(Hostlist.compress(missing))",
                      suggestion: missing.count == 1 ? Suggestions.didYouMean(missing[0], among: all) : nil)
    }
    return NodeSet(cluster, ids: wanted)
  }

  private func position(_ i: Int, _ count: Int) throws -> Int {
    let p = i < 0 ? count + i : i
    guard p >= 0 && p < count else { throw LangError("index \(i) is out of range for \(count) nodes") }
    return p
  }

  var inlineDescription: String { get throws { "nodes \(Hostlist.compress(try ids()))" } }
  var blockDescription: String { get throws { try NodeTable.render(refs()) } }

  func isEqual(to other: HostObject) -> Bool {
    guard let o = other as? NodeSet else { return false }
    return (try? o.ids()) == (try? ids())
  }
}

/// `nodes`: every node, plus `add` and `remove`.
final class NodeCollection: NodeSet {
  init(_ cluster: ClusterContext) { super.init(cluster, ids: nil) }

  override var memberNames: [String] { ["add", "remove", "check"] + super.memberNames }

  override func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "add":
      return .function(NativeFunction("nodes.add") { [self] _, args in try NodeAdd.run(args, cluster) })
    case "check":
      return .function(NativeFunction("nodes.check") { [self] _, args in
        try args.expect("nodes.check", count: 0...0)
        return .object(ReadinessReport(problems: try cluster.readiness().problems(), checked: try ids()))
      })
    case "remove":
      return .function(NativeFunction("nodes.remove") { [self] _, args in
        try args.expect("nodes.remove", count: 1...1)
        let names = try ClusterFunctions.names(args[0])
        try cluster.session().stage { state, index in
          for name in names {
            guard let old = state.cluster.nodes[name] else {
              throw LangError("no node named '\(name)'", suggestion: Suggestions.didYouMean(name, among: state.cluster.nodes.keys))
            }
            _ = old
          }
          for name in names {
            index.update(node: name, from: state.cluster.nodes[name], to: nil)
            state.cluster.nodes[name] = nil
          }
        }
        return .null
      })
    default:
      return try super.member(name, in: interpreter)
    }
  }
}

/// `nodes.add("sc[001-004]", profile: "default", ipaddr: 10.0.0.11)`: new
/// nodes with addresses (and IPMI addresses) counting up per node, as
/// `wwctl node add` numbers them.
enum NodeAdd {
  static func run(_ args: Arguments, _ cluster: ClusterContext) throws -> Value {
    guard args.count == 1 else { throw LangError("nodes.add() takes one hostlist, then named fields") }
    let names = try ClusterFunctions.names(args[0])
    let session = try cluster.session()
    let netdev = try args.named("netdev").map { try ClusterFunctions.text($0, "netdev") } ?? "default"
    var fields: [(spec: FieldSpec, path: FieldPath, value: Value)] = []
    for (label, value) in args.named where label != "netdev" {
      if label == "ipmi_ipaddr" {
        fields.append((FieldSpec.find("ipaddr", in: FieldSpec.ipmi)!, FieldPath(["ipmi", "ipaddr"]), value))
      } else if FieldSpec.primaryShortcuts.contains(label) {
        let spec = FieldSpec.find(label, in: FieldSpec.netdev)!
        fields.append((spec, FieldPath(["network devices", netdev, spec.key]), value))
      } else if let spec = FieldSpec.find(label, in: FieldSpec.entity) {
        fields.append((spec, FieldPath([spec.key]), value))
      } else {
        throw LangError("nodes.add() has no field '\(label)'",
                        suggestion: Suggestions.didYouMean(label, among: FieldSpec.entity.map(\.name) + FieldSpec.primaryShortcuts + ["ipmi_ipaddr", "netdev"]))
      }
    }
    if names.count > 1, fields.contains(where: { $0.path.keys.last == "hwaddr" }) {
      throw LangError("\(names.count) nodes cannot share one MAC address")
    }
    // Per node, the value of every field (addresses counted up).
    var entities: [(String, Entity)] = []
    for (i, name) in names.enumerated() {
      var entity = Entity()
      if !fields.contains(where: { $0.spec.name == "profiles" }) {
        entity[FieldPath(["profiles"])] = .list([.string("default")])
      }
      for (spec, path, value) in fields {
        var v = value
        if path.keys.last == "ipaddr", case .ip(let ip) = value {
          v = .ip(try step(ip, by: i))
        }
        if case .root = spec.kind {
          try RootStrategy.from(v).apply(to: &entity)
        } else if case .mounts = spec.kind {
          entity[path] = .list(try MountValue.conf(v))
        } else {
          entity[path] = try ConfConversion.conf(v, kind: spec.kind, field: path.description)
        }
      }
      entities.append((name, entity))
    }
    try session.stage { state, index in
      for (name, entity) in entities {
        if state.cluster.nodes[name] != nil { throw LangError("node '\(name)' already exists") }
        for (spec, _, _) in fields {
          try EntityEdit.validate(spec, entity[FieldPath([spec.key])], in: state, ids: [name], kind: .node)
        }
      }
      var seen = index
      for (name, entity) in entities {
        for (path, kind) in [(FieldPath(["network devices", netdev, "ipaddr"]), "ip"), (FieldPath(["network devices", netdev, "hwaddr"]), "mac"),
                             (FieldPath(["ipmi", "ipaddr"]), "ip")] {
          if let text = entity[path]?.stringValue {
            try seen.check(kind, text, node: name, device: path.keys.count == 3 ? netdev : "ipmi")
          }
        }
        seen.update(node: name, from: nil, to: entity)
      }
      for (name, entity) in entities { state.cluster.nodes[name] = entity }
      index = seen
    }
    return .object(NodeSet(cluster, ids: names))
  }

  static func step(_ ip: IPv4, by n: Int) throws -> IPv4 {
    let r = Int(ip.raw) + n
    guard r <= Int(UInt32.max) else { throw LangError("addresses run past 255.255.255.255") }
    return IPv4(UInt32(r))
  }
}
