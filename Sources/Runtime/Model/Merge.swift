import OrderedCollections

/// Warewulf's profile merge (`internal/pkg/node/mergo.go`, reference §1.6).
extension ClusterConfig {
  /// Fields whose lists take `~x` negations after merging.
  static let negatableLists: [FieldPath] = [
    FieldPath("profiles"), FieldPath("system overlay"), FieldPath("runtime overlay"), FieldPath("kernel", "args"),
  ]

  /// The node's `profiles` expanded: depth-first, parents before the
  /// profile itself, each profile once; then every `~x` and every `x`
  /// negated anywhere dropped. Also returns the named profiles that do not exist.
  public func expandProfiles(of entity: Entity) -> (profiles: [String], missing: [String]) {
    var visited = Set<String>()
    var expanded: [String] = []
    var missing: [String] = []
    func visit(_ list: [String]) {
      for name in list {
        if name.hasPrefix("~") { expanded.append(name); continue }
        if !visited.insert(name).inserted { continue }
        if let profile = profiles[name] { visit(profile.profileNames) } else { missing.append(name) }
        expanded.append(name)
      }
    }
    visit(entity.profileNames)
    let cleaned = ClusterConfig.clean(expanded)
    return (cleaned, missing.filter { cleaned.contains($0) })
  }

  /// Drops every `~x` token and every occurrence of `x`.
  static func clean(_ list: [String]) -> [String] {
    let negated = Set(list.lazy.filter { $0.hasPrefix("~") }.map { String($0.dropFirst()) })
    return list.filter { !$0.hasPrefix("~") && !negated.contains($0) }
  }

  /// The node `nodeID` with its profiles merged in, exactly as Warewulf does:
  /// profiles in expanded order then the node; later non-empty scalars win;
  /// lists append; maps merge per key; `profiles` and `comment` are the
  /// node's own; then `~x` negation in profiles, overlays and kernel args.
  /// Without `sources` the result records no contributors (`source(of:)`
  /// answers nil), which makes the merge about a third cheaper. With
  /// `keys`, only those top-level fields are merged (each merges on its
  /// own, so they come out as in the whole merge) and the rest left out:
  /// for readers of a few fields of every node, such as the DNS zones.
  public func merged(_ nodeID: String, sources: Bool = true, keys: Set<String>? = nil) throws -> MergedNode {
    guard let node = nodes[nodeID] else { throw ModelError("no node \(nodeID)") }
    let (order, missing) = expandProfiles(of: node)
    var fields = OrderedDictionary<String, ConfValue>()
    var contributors: [FieldPath: [String]]? = sources ? [:] : nil
    func wanted(_ entity: OrderedDictionary<String, ConfValue>) -> OrderedDictionary<String, ConfValue> {
      guard let keys else { return entity }
      return entity.filter { keys.contains($0.key) }
    }
    for name in order {
      guard let profile = profiles[name] else { continue }
      var own = wanted(profile.fields)
      own.removeValue(forKey: "profiles")
      own.removeValue(forKey: "comment")
      ClusterConfig.merge(into: &fields, own, at: FieldPath([]), source: name, contributors: &contributors)
    }
    ClusterConfig.merge(into: &fields, wanted(node.fields), at: FieldPath([]), source: "node", contributors: &contributors)
    for key in ["profiles", "comment"] where keys?.contains(key) ?? true {
      if let own = node.fields[key] {
        fields[key] = own
        contributors?[FieldPath(key)] = ["node"]
      } else {
        fields.removeValue(forKey: key)
        contributors?[FieldPath(key)] = nil
      }
    }
    for path in ClusterConfig.negatableLists {
      if case .list(let items)? = Entity.lookup(fields, path.keys[...]) {
        Entity.assign(&fields, path.keys[...], .list(ClusterConfig.clean(items)))
      }
    }
    // As Warewulf: with devices, the primary network reads as the device in
    // effect (the lexically first when unset or naming no device).
    let primary = ClusterConfig.primaryNetwork(fields)
    if let primary { fields["primary network"] = .string(primary) }
    return MergedNode(id: nodeID, fields: fields, primaryNetwork: primary,
                      profiles: order, missingProfiles: missing, contributors: contributors ?? [:])
  }

  /// `~x` negation on a list of values: scalar tokens as in `clean`.
  static func clean(_ items: [ConfValue]) -> [ConfValue] {
    let negated = Set(items.compactMap { $0.stringValue }.filter { $0.hasPrefix("~") }.map { String($0.dropFirst()) })
    if negated.isEmpty { return items }
    return items.filter { item in
      guard let text = item.stringValue else { return true }
      return !text.hasPrefix("~") && !negated.contains(text)
    }
  }

  static func primaryNetwork(_ fields: OrderedDictionary<String, ConfValue>) -> String? {
    guard case .map(let devices)? = fields["network devices"], !devices.isEmpty else { return nil }
    if let wanted = fields["primary network"]?.stringValue, devices[wanted] != nil { return wanted }
    return devices.keys.min()
  }

  /// mergo with override + append-slice: `value` from `source` onto `target`;
  /// records who set each leaf in `contributors` unless it is nil.
  static func merge(into target: inout OrderedDictionary<String, ConfValue>, _ source: OrderedDictionary<String, ConfValue>,
                    at path: FieldPath, source name: String, contributors: inout [FieldPath: [String]]?) {
    for (key, value) in source {
      let here = contributors == nil ? path : path.appending(key)
      switch (target[key], value) {
      case (.map?, .map(let entries)):
        // Taken out of `target` while it is merged into, so it is not copied.
        let slot = target.index(forKey: key)!
        guard case .map(var existing) = target.values[slot] else { continue }
        target.values[slot] = .list([])
        merge(into: &existing, entries, at: here, source: name, contributors: &contributors)
        target.values[slot] = .map(existing)
      case (.list(let existing)?, .list(let items)):
        if items.isEmpty { continue }
        target[key] = .list(existing + items)
        contributors?[here, default: []].append(name)
      case (_, .map(let entries)):
        // An empty map still names its key (a netdev with no settings yet exists).
        if entries.isEmpty && target[key] != nil { continue }
        var fresh = OrderedDictionary<String, ConfValue>()
        dropContributors(under: here, &contributors)
        merge(into: &fresh, entries, at: here, source: name, contributors: &contributors)
        target[key] = .map(fresh)
      default:
        if value.isEmpty { continue }
        if case .map? = target[key] { dropContributors(under: here, &contributors) }
        target[key] = value
        contributors?[here, default: []].append(name)
      }
    }
  }

  static func dropContributors(under path: FieldPath, _ contributors: inout [FieldPath: [String]]?) {
    guard let keys = contributors?.keys else { return }
    for key in keys where key.keys.count > path.keys.count && key.keys.starts(with: path.keys) {
      contributors?[key] = nil
    }
  }
}
