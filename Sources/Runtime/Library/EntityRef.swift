import Lang
import OrderedCollections

/// A node or a profile, by id, in a cluster session: reading a field gives
/// its effective value (for a node, merged from its profiles); assigning one
/// stages a change to the object's own value.
final class EntityRef: HostObject, FieldOwner {
  enum Kind { case node, profile }

  let cluster: ClusterContext
  let kind: Kind
  let id: String

  init(_ cluster: ClusterContext, _ kind: Kind, _ id: String) {
    self.cluster = cluster
    self.kind = kind
    self.id = id
  }

  var typeName: String { kind == .node ? "node" : "profile" }

  var specs: [FieldSpec] { FieldSpec.entity.filter { !$0.nodeOnly || kind == .node } }

  var memberNames: [String] {
    ["name"] + specs.map(\.name) + FieldSpec.primaryShortcuts + (kind == .node ? ["explain", "refresh"] + BMCMembers.names + RemoteMembers.names : [])
  }

  // MARK: - Reading

  /// The object's own values in the working state.
  func own() throws -> Entity {
    let state = try cluster.session().working
    let entity = kind == .node ? state.cluster.nodes[id] : state.cluster.profiles[id]
    guard let entity else { throw LangError("\(typeName) '\(id)' no longer exists") }
    return entity
  }

  /// The effective value at `path`: merged for a node, own for a profile.
  func effective(_ path: FieldPath) throws -> ConfValue? {
    guard kind == .node else { return try own()[path] }
    return try cluster.merged(id, sources: false).value(at: path)
  }

  func parts() throws -> [EntityRef] { [self] }
  func agreed<T: Equatable>(_ path: FieldPath, label: String, _ read: (ConfValue?) -> T, describe: (T) -> String) throws -> T {
    read(try effective(path))
  }

  /// The name of the primary network device (creating none).
  func primaryNetwork() throws -> String {
    if kind == .node, let name = try cluster.merged(id, sources: false).primaryNetwork { return name }
    if let name = try effective(FieldPath(["primary network"]))?.stringValue, !name.isEmpty { return name }
    if case .map(let devices)? = try effective(FieldPath(["network devices"])), let first = devices.keys.sorted().first {
      return first
    }
    return "default"
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    if name == "name" || name == "id" { return .string(id) }
    if name == "explain", kind == .node {
      return .function(NativeFunction("explain") { [self] _, args in
        try args.expect("explain", count: 1...1)
        return .string(try ClusterFunctions.explain(self, field: try ClusterFunctions.text(args[0], "explain()'s field")))
      })
    }
    if kind == .node, let bmc = BMCMembers.member(name, ids: [id], single: true, cluster) { return bmc }
    if kind == .node, let remote = RemoteMembers.member(name, ids: [id], single: true, cluster) { return remote }
    if name == "refresh", kind == .node { return AgentRefresh.function(cluster, ids: { [id] in [id] }) }
    if FieldSpec.primaryShortcuts.contains(name) {
      let spec = FieldSpec.find(name, in: FieldSpec.netdev)!
      return try read(spec, at: FieldPath(["network devices", try primaryNetwork(), spec.key]))
    }
    guard let spec = FieldSpec.find(name, in: specs) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    return try read(spec, at: FieldPath([spec.key]))
  }

  /// A field's value: a live view for structures, a plain value otherwise.
  func read(_ spec: FieldSpec, at path: FieldPath) throws -> Value {
    if let view = view(spec, at: path, label: spec.name) { return view }
    switch spec.kind {
    case .root: return .object(try RootStrategy.read(self))
    case .mounts: return try MountValue.list(try effective(path))
    default: return ConfConversion.value(try effective(path), kind: spec.kind)
    }
  }

  // MARK: - Writing

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    if name == "name" || name == "id" { throw LangError("a \(typeName)'s name cannot be changed by assignment") }
    if FieldSpec.primaryShortcuts.contains(name) {
      let spec = FieldSpec.find(name, in: FieldSpec.netdev)!
      let device = try primaryNetwork()
      try write(spec, at: FieldPath(["network devices", device, spec.key]), value)
      return
    }
    guard let spec = FieldSpec.find(name, in: specs) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try write(spec, at: FieldPath([spec.key]), value)
  }

  // MARK: - Printing

  var inlineDescription: String { "\(typeName) \(id)" }

  var blockDescription: String { get throws { try EntityBlock.render(self) } }

  func isEqual(to other: HostObject) -> Bool {
    guard let o = other as? EntityRef else { return false }
    return o.kind == kind && o.id == id
  }
}

/// Staging changes to the own values of nodes or profiles.
enum EntityEdit {
  /// Sets a field on several objects as one change (broadcast assignment).
  static func set(_ ids: [String], kind: EntityRef.Kind, spec: FieldSpec, path: FieldPath, value: Value,
                  cluster: ClusterContext) throws {
    if kind == .node, addressCheck(path) != nil, value != .null, ids.count > 1 {
      throw LangError("\(ids.count) nodes cannot share one \(path)", suggestion: "give each node its own value in a loop, or use nodes.add(…, ipaddr: first) to number them")
    }
    try set(each: ids.map { ($0, value) }, kind: kind, spec: spec, path: path, cluster: cluster)
  }

  /// Sets a field to a value of each object's own, as one change
  /// (`nodes.kernel.args += […]` on nodes whose args differ).
  static func set(each values: [(id: String, value: Value)], kind: EntityRef.Kind, spec: FieldSpec, path: FieldPath,
                  cluster: ClusterContext) throws {
    let session = try cluster.session()
    let ids = values.map(\.id)
    if case .root = spec.kind {
      let strategies = try values.map { ($0.id, try RootStrategy.from($0.value)) }
      try session.stage { state, index in
        try requireAll(ids, kind, in: state)
        for (id, strategy) in strategies { try update(&state, kind, id, index: &index) { strategy.apply(to: &$0) } }
      }
      return
    }
    // Lists store what they add to the inherited list (mounts on profiles too).
    let delta: Bool
    switch spec.kind {
    case .mounts: delta = true
    case .list: delta = kind == .node
    default: delta = false
    }
    let inherited = delta ? try inheritedLists(ids, kind: kind, path: path, session: session) : [:]
    let confs: [(id: String, conf: ConfValue?)] = try values.map { id, value in
      var conf: ConfValue?
      if case .mounts = spec.kind {
        conf = .list(try MountValue.conf(value))
      } else {
        conf = try ConfConversion.conf(value, kind: spec.kind, field: path.description)
      }
      if delta, case .list(let wanted)? = conf {
        let own = ListDelta.own(wanted, inherited: inherited[id] ?? [])
        conf = own.isEmpty ? nil : .list(own)
      }
      return (id, conf)
    }
    let check = kind == .node ? addressCheck(path) : nil
    let device = path.keys.count > 1 ? path.keys[path.keys.count - 2] : ""
    try session.stage { state, index in
      for (_, conf) in confs { try validate(spec, conf, in: state, ids: ids, kind: kind) }
      try requireAll(ids, kind, in: state)
      if let check {
        var probe = index
        for (id, conf) in confs {
          if let text = conf?.stringValue { try probe.check(check, text, node: id, device: device) }
          var node = state.cluster.nodes[id]!
          let old = node
          node[path] = conf
          probe.update(node: id, from: old, to: node)
        }
      }
      for (id, conf) in confs { try update(&state, kind, id, index: &index) { $0[path] = conf } }
    }
  }

  /// Which address index a path belongs to ("ip", "mac"), if any.
  static func addressCheck(_ path: FieldPath) -> String? {
    guard let last = path.keys.last, path.keys.first == "network devices" || path.keys.first == "ipmi" else { return nil }
    if last == "ipaddr" { return "ip" }
    if last == "hwaddr" { return "mac" }
    return nil
  }

  /// Fails unless every object still exists, so that a change to several
  /// throws before it mutates any.
  static func requireAll(_ ids: [String], _ kind: EntityRef.Kind, in state: ClusterState) throws {
    let known = kind == .node ? state.cluster.nodes : state.cluster.profiles
    if let gone = ids.first(where: { known[$0] == nil }) {
      throw LangError("\(kind == .node ? "node" : "profile") '\(gone)' no longer exists")
    }
  }

  static func update(_ state: inout ClusterState, _ kind: EntityRef.Kind, _ id: String, index: inout AddressIndex,
                     _ body: (inout Entity) throws -> Void) throws {
    switch kind {
    case .node:
      guard var entity = state.cluster.nodes[id] else { throw LangError("node '\(id)' no longer exists") }
      let old = entity
      try body(&entity)
      state.cluster.nodes[id] = entity
      index.update(node: id, from: old, to: entity)
    case .profile:
      guard var entity = state.cluster.profiles[id] else { throw LangError("profile '\(id)' no longer exists") }
      try body(&entity)
      state.cluster.profiles[id] = entity
    }
  }

  static func validate(_ spec: FieldSpec, _ conf: ConfValue?, in state: ClusterState, ids: [String], kind: EntityRef.Kind) throws {
    switch spec.kind {
    case .profiles:
      for name in conf?.listValue ?? [] where !name.hasPrefix("~") {
        guard state.cluster.profiles[name] != nil else {
          throw LangError("unknown profile '\(name)'",
                          suggestion: Suggestions.didYouMean(name, among: state.cluster.profiles.keys))
        }
        if kind == .profile && ids.contains(name) { throw LangError("profile '\(name)' cannot include itself") }
      }
    case .image:
      if let name = conf?.stringValue, !name.isEmpty, state.server.images[name] == nil {
        throw LangError("unknown image '\(name)'",
                        suggestion: Suggestions.didYouMean(name, among: state.server.images.keys)
                          ?? "add it first: images.add(\"\(name)\") or images.import(…)")
      }
    default:
      break
    }
  }

  /// For each node, the list value it would have without its own entry.
  static func inheritedLists(_ ids: [String], kind: EntityRef.Kind, path: FieldPath, session: ClusterSession) throws -> [String: [ConfValue]] {
    guard kind == .node else { return [:] }
    var out: [String: [ConfValue]] = [:]
    let cluster = session.working.cluster
    for id in ids {
      guard var node = cluster.nodes[id] else { continue }
      node[path] = nil
      var alone = ClusterConfig()
      alone.profiles = cluster.profiles
      alone.nodes = [id: node]
      if case .list(let items)? = try alone.merged(id, sources: false).value(at: path) { out[id] = items }
    }
    return out
  }
}

/// Lists inherit by appending (Warewulf's rule), so a node's own list is
/// what the wanted list adds to the inherited one, plus `~x` for every
/// inherited item it dropped.
enum ListDelta {
  static func own(_ wanted: [ConfValue], inherited: [ConfValue]) -> [ConfValue] {
    if wanted.starts(with: inherited) { return Array(wanted.dropFirst(inherited.count)) }
    var own = wanted.filter { !inherited.contains($0) }
    for item in inherited where !wanted.contains(item) {
      if let text = item.stringValue { own.append(.string("~" + text)) }
    }
    return own
  }
}
