/// Who refers to an image or an export by name, and renaming those
/// references: nodes and profiles name their image in `image name` and
/// mount exports by name in `mounts`.
extension ClusterConfig {
  static let imageKey = FieldPath(["image name"])
  static let mountsKey = FieldPath(["mounts"])

  /// Profiles and nodes whose own `image name` is `image`, as `profile default`, `nodes sc[001-004]`.
  public func users(ofImage image: String) -> [String] {
    references { $0[ClusterConfig.imageKey]?.stringValue == image }
  }

  /// Nodes and profiles whose own `mounts` mount the export `name`.
  public func mounters(ofExport name: String) -> [String] {
    references { ClusterConfig.mountSources($0).contains(name) }
  }

  /// Points every `image name` that is `old` at `new`.
  public mutating func replaceImage(_ old: String, with new: String) {
    edit { entity in
      if entity[ClusterConfig.imageKey]?.stringValue == old { entity[ClusterConfig.imageKey] = .string(new) }
    }
  }

  /// Points every mount of the export `old` at the export `new`.
  public mutating func replaceMountSource(_ old: String, with new: String) {
    edit { entity in
      guard case .list(let items)? = entity[ClusterConfig.mountsKey] else { return }
      entity[ClusterConfig.mountsKey] = .list(items.map { item in
        guard case .map(var fields) = item, fields["source"]?.stringValue == old else { return item }
        fields["source"] = .string(new)
        return .map(fields)
      })
    }
  }

  private static func mountSources(_ entity: Entity) -> [String] {
    guard case .list(let items)? = entity[mountsKey] else { return [] }
    return items.compactMap { item in
      guard case .map(let fields) = item else { return nil }
      return fields["source"]?.stringValue
    }
  }

  /// `profile default`, then the nodes as one hostlist (`nodes sc[001-760]`).
  private func references(_ test: (Entity) -> Bool) -> [String] {
    let nodeIDs = nodes.filter { test($0.value) }.map(\.key)
    let nodePart = nodeIDs.isEmpty ? [] : ["\(nodeIDs.count == 1 ? "node" : "nodes") \(Hostlist.compress(nodeIDs))"]
    return profiles.filter { test($0.value) }.map { "profile \($0.key)" } + nodePart
  }

  private mutating func edit(_ body: (inout Entity) -> Void) {
    for id in profiles.keys { body(&profiles[id]!) }
    for id in nodes.keys { body(&nodes[id]!) }
  }
}
