import Lang

/// How a node set prints: the columns a sysadmin wants first.
enum NodeTable {
  static func render(_ nodes: [EntityRef]) throws -> String {
    let boots = nodes.first.flatMap { BootStatusFile.load(from: BootStatusFile.path(stateDirectory: $0.cluster.store.stateDirectory)) } ?? [:]
    var table = TextTable(header: ["NAME", "PROFILES", "IMAGE", "ADDRESS", "HWADDR", "ROOT", "BOOT", "RUNTIME"])
    for node in nodes {
      let merged = try node.cluster.merged(node.id, sources: false)
      let primary = try node.primaryNetwork()
      func text(_ path: [String]) -> String { merged.value(at: FieldPath(path))?.stringValue ?? "-" }
      let profiles = (try node.own()[FieldPath(["profiles"])]?.listValue ?? []).joined(separator: ",")
      table.rows.append([
        node.id, profiles.isEmpty ? "-" : profiles, text(["image name"]),
        text(["network devices", primary, "ipaddr"]), text(["network devices", primary, "hwaddr"]),
        try RootStrategy.read(node).inlineDescription,
        boots[node.id]?.summary() ?? "-",
        boots[node.id]?.refreshSummary() ?? "-",
      ])
    }
    return table.render() + "\n(\(nodes.count) node\(nodes.count == 1 ? "" : "s"))"
  }
}

enum ProfileTable {
  static func render(_ profiles: [EntityRef]) -> String {
    var table = TextTable(header: ["NAME", "PROFILES", "IMAGE", "OVERLAYS", "COMMENT"])
    for p in profiles {
      guard let own = try? p.own() else { continue }
      func text(_ key: String) -> String { own[FieldPath([key])]?.stringValue ?? "-" }
      func list(_ key: String) -> String { (own[FieldPath([key])]?.listValue ?? []).joined(separator: ",") }
      table.rows.append([p.id, list("profiles").isEmpty ? "-" : list("profiles"), text("image name"),
                         list("system overlay").isEmpty ? "-" : list("system overlay"), text("comment")])
    }
    return table.render()
  }
}

/// How one node or profile prints: a key/value block; a value a node
/// inherits is marked with the profile it comes from. A node always shows
/// where its root lives.
enum EntityBlock {
  static func render(_ e: EntityRef) throws -> String {
    var lines = ["\(e.typeName) \(e.id)"]
    let own = try e.own()
    let merged = e.kind == .node ? try e.cluster.merged(e.id) : nil
    for spec in e.specs {
      let path = FieldPath([spec.key])
      var mark = ""
      if let merged, own[path] == nil, let source = merged.source(of: path), !source.isEmpty {
        mark = "  (from \(source))"
      }
      if case .netdevs = spec.kind {
        let view = NetdevsView(e, path, label: spec.name)
        for name in try view.names() {
          guard case .object(let device) = view.device(name) else { continue }
          lines.append("  " + "netdevs.\(name)".padding(toLength: 17, withPad: " ", startingAt: 0) + (try device.inlineDescription))
        }
        continue
      }
      let value: Value
      switch spec.kind {
      case .root:
        let strategy = try RootStrategy.read(e)
        if e.kind == .node {
          lines.append("  " + spec.name.padding(toLength: 17, withPad: " ", startingAt: 0)
                       + "\(strategy.inlineDescription) \(strategy.location)" + mark)
          continue
        }
        if try e.effective(path) == nil { continue }
        value = .object(strategy)
      default:
        guard try e.effective(path) != nil else { continue }
        value = try e.read(spec, at: path)
      }
      if case .list(let l) = value, l.items.isEmpty { continue }
      let text: String
      switch value {
      case .object(let o): text = try o.inlineDescription
      case .string(let s): text = s
      default: text = value.repr
      }
      lines.append("  " + spec.name.padding(toLength: 17, withPad: " ", startingAt: 0) + text + mark)
    }
    return lines.joined(separator: "\n")
  }
}
