/// Provenance of one merged field, for `howl`'s "why does this node have X".
extension ClusterConfig {
  /// Who set the value at `path` for `node`, in merge order: scalars give
  /// one `.set` (the winner) and `.superseded` for every earlier value; lists
  /// give one entry per item, `.appended`, or `.negated` for a `~x` token
  /// and for the items it removed; maps give each source's map as `.set`
  /// (they merge per key). `profiles` and `comment` only ever come from the node.
  public func explain(node: String, path: FieldPath) throws -> [Contribution] {
    guard let entity = nodes[node] else { throw ModelError("no node \(node)") }
    let ownOnly = path.keys.count == 1 && (path.keys[0] == "profiles" || path.keys[0] == "comment")
    var sources: [(String, Entity)] = []
    if !ownOnly {
      for name in expandProfiles(of: entity).profiles {
        if let profile = profiles[name] { sources.append((name, profile)) }
      }
    }
    sources.append(("node", entity))
    let negatable = ClusterConfig.negatableLists.contains(path)
    var negated = Set<String>()
    if negatable {
      for (_, source) in sources {
        for text in source[path]?.listValue ?? [] where text.hasPrefix("~") { negated.insert(String(text.dropFirst())) }
      }
    }
    let lastScalar = sources.lastIndex { _, source in
      if let value = source[path], case .scalar = value { return !value.isEmpty }
      return false
    }
    var out: [Contribution] = []
    for (index, (name, source)) in sources.enumerated() {
      guard let value = source[path] else { continue }
      switch value {
      case .list(let items):
        for item in items {
          let text = item.stringValue ?? ""
          let removed = negatable && (text.hasPrefix("~") || negated.contains(text))
          out.append(Contribution(source: name, value: item, effect: removed ? .negated : .appended))
        }
      case .map:
        if !value.isEmpty { out.append(Contribution(source: name, value: value, effect: .set)) }
      case .scalar:
        if value.isEmpty { continue }
        out.append(Contribution(source: name, value: value, effect: index == lastScalar ? .set : .superseded))
      }
    }
    return out
  }
}
