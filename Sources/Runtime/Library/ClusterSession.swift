import Lang

/// The cluster as one interpreter sees it: the committed state it started
/// from, the working state with staged changes, and the changes themselves,
/// kept so they can be re-applied if someone else commits first.
///
/// Every change is a closure that checks before it mutates, so a failing
/// change leaves the working state as it was ("nothing staged").
public final class ClusterSession {
  public typealias Change = (inout ClusterState, inout AddressIndex) throws -> Void

  public let store: Store
  public private(set) var base: ClusterState
  public private(set) var working: ClusterState
  /// Made when the first change is staged: a script that only reads the
  /// cluster (a `dns.sync`, a `print`) never needs it.
  private var index: AddressIndex?
  private var changes: [Change] = []

  public init(store: Store) throws {
    self.store = store
    base = try store.load()
    working = base
  }

  public var hasChanges: Bool { !changes.isEmpty && working != base }

  /// Applies a change to the working state, or throws and changes nothing.
  public func stage(_ change: @escaping Change) throws {
    if index == nil { index = AddressIndex(working.cluster) }
    try change(&working, &index!)
    changes.append(change)
  }

  /// What the staged changes do, grouped (`sc[001-004]: image a → b`).
  public func diff() -> [String] {
    StateDiff.lines(from: RootStrategy.foldedForDiff(base), to: RootStrategy.foldedForDiff(working))
  }

  /// Writes the staged changes; if another process committed meanwhile,
  /// re-applies them on its state. Returns the diff that was written.
  @discardableResult
  public func commit() throws -> [String] {
    guard hasChanges else {
      rollback()
      return []
    }
    let lines = diff()
    let staged = changes
    let written = try store.commit(base: base, state: working) { fresh in
      var state = fresh
      var freshIndex = AddressIndex(fresh.cluster)
      for change in staged { try change(&state, &freshIndex) }
      return state
    }
    base = written
    working = written
    index = nil
    changes = []
    return lines
  }

  /// Drops the staged changes.
  public func rollback() {
    working = base
    index = nil
    changes = []
  }
}

/// Who owns each address and MAC, so duplicates are caught at the line that
/// sets them.
public struct AddressIndex {
  /// value → (node, netdev or "ipmi").
  private var owners: [String: (node: String, device: String)] = [:]

  public init(_ cluster: ClusterConfig) {
    for (id, node) in cluster.nodes { add(node: id, node) }
  }

  private static func keys(of node: Entity) -> [(key: String, device: String)] {
    var out: [(String, String)] = []
    if case .map(let devices)? = node[FieldPath(["network devices"])] {
      for (name, device) in devices {
        guard case .map(let fields) = device else { continue }
        if let ip = fields["ipaddr"]?.stringValue, !ip.isEmpty { out.append(("ip " + ip, name)) }
        if let mac = fields["hwaddr"]?.stringValue, !mac.isEmpty { out.append(("mac " + mac.lowercased(), name)) }
      }
    }
    if let ip = node[FieldPath(["ipmi", "ipaddr"])]?.stringValue, !ip.isEmpty { out.append(("ip " + ip, "ipmi")) }
    return out
  }

  mutating func add(node id: String, _ node: Entity) {
    for (key, device) in Self.keys(of: node) where owners[key] == nil { owners[key] = (id, device) }
  }

  mutating func remove(node id: String, _ node: Entity) {
    for (key, _) in Self.keys(of: node) where owners[key]?.node == id { owners[key] = nil }
  }

  /// Fails if `value` (an IP or a MAC) belongs to another node or device.
  func check(_ kind: String, _ value: String, node: String, device: String) throws {
    let key = kind + " " + (kind == "mac" ? value.lowercased() : value)
    if let owner = owners[key], owner.node != node || owner.device != device {
      let what = kind == "mac" ? "MAC" : "address"
      throw LangError("\(what) \(value) is already used by \(owner.node) (\(owner.device))")
    }
  }

  /// Replaces a node's entries after a change to it.
  mutating func update(node id: String, from old: Entity?, to new: Entity?) {
    if let old { remove(node: id, old) }
    if let new { add(node: id, new) }
  }
}
