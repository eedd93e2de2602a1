import OrderedCollections

/// A node with its profiles merged in (Warewulf §1.6), and where every value
/// came from.
public struct MergedNode: Sendable {
  public let id: String
  /// The effective values, profiles and node merged.
  public var fields: OrderedDictionary<String, ConfValue>
  /// The netname of the primary network device: `primary network` if it
  /// names an existing device, else the lexically first netname; nil
  /// without devices.
  public var primaryNetwork: String?
  /// The profiles merged in, in merge order, after expansion and negation.
  public var profiles: [String]
  /// Profiles named (directly or nested) that do not exist; Warewulf skips them.
  public var missingProfiles: [String]
  /// For each leaf (scalar or list) path, the sources that contributed to
  /// it in merge order: profile ids and "node".
  var contributors: [FieldPath: [String]]

  public init(id: String, fields: OrderedDictionary<String, ConfValue>, primaryNetwork: String?,
              profiles: [String], missingProfiles: [String], contributors: [FieldPath: [String]]) {
    self.id = id
    self.fields = fields
    self.primaryNetwork = primaryNetwork
    self.profiles = profiles
    self.missingProfiles = missingProfiles
    self.contributors = contributors
  }

  /// The effective value at `path`, or nil.
  public func value(at path: FieldPath) -> ConfValue? { Entity.lookup(fields, path.keys[...]) }

  /// Where the value at `path` comes from, like Warewulf's `node list --all`:
  /// a profile id; `node` for a value only the node sets; `SUPERSEDED` when
  /// the node overrides a profile's value; for lists (and for maps, over
  /// their leaves) the contributors joined by commas. Nil if nothing is set.
  public func source(of path: FieldPath) -> String? {
    if let sources = contributors[path] {
      guard let value = value(at: path) else { return nil }
      if case .list = value {
        return MergedNode.unique(sources).joined(separator: ",")
      }
      if sources.last == "node" && sources.count > 1 { return "SUPERSEDED" }
      return sources.last
    }
    var all: [String] = []
    for (leaf, sources) in contributors where leaf.keys.starts(with: path.keys) { all += sources }
    if all.isEmpty { return nil }
    let order = profiles + ["node"]
    let rank = { (source: String) in order.firstIndex(of: source) ?? order.count }
    return MergedNode.unique(all).sorted { rank($0) < rank($1) }.joined(separator: ",")
  }

  static func unique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
  }
}

/// One source's part in a merged value, as `ClusterConfig.explain` reports it.
public struct Contribution: Sendable, Equatable {
  /// What a contribution did to the merged value.
  public enum Effect: Sendable, Equatable {
    /// The value in effect (scalars, maps).
    case set
    /// List items added.
    case appended
    /// A value a later source overrode.
    case superseded
    /// A `~x` token, or an item that a `~x` removed.
    case negated
  }

  /// A profile id, or "node".
  public var source: String
  public var value: ConfValue
  public var effect: Effect

  public init(source: String, value: ConfValue, effect: Effect) {
    self.source = source
    self.value = value
    self.effect = effect
  }
}
