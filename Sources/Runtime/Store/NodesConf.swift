import OrderedCollections

/// Reading and writing Warewulf's nodes.conf (4.5–4.7) without losing
/// anything: unknown keys anywhere, legacy 4.5 keys as written, scalar kinds.
/// Keys are put in Warewulf's field order when read, so that reading,
/// writing and reading again gives the same `ClusterConfig`.
public enum NodesConf {
  /// Parses nodes.conf text. `file` names it in errors.
  /// - Throws: `ConfigError` for YAML syntax errors and values of the wrong shape.
  public static func parse(_ text: String, file: String) throws -> ClusterConfig {
    let reader = YAMLReader(file: file, text: text)
    let config = try reader.document { () throws -> ClusterConfig in
      var config = ClusterConfig()
      if try reader.skipEmpty() { return config }
      try reader.entries(FieldPath([])) { key, path in
        switch key {
        case "nodeprofiles": config.profiles = try entities(reader, path)
        case "nodes": config.nodes = try entities(reader, path)
        default: config.extra[key] = try reader.any(path)
        }
      }
      return config
    }
    return config ?? ClusterConfig()
  }

  static func entities(_ reader: YAMLReader, _ path: FieldPath) throws -> OrderedDictionary<String, Entity> {
    var out = OrderedDictionary<String, Entity>()
    if try reader.skipEmpty() { return out }
    try reader.entries(path) { id, entityPath in
      if try reader.skipEmpty() {
        out[id] = Entity()
      } else {
        out[id] = Entity(fields: Schema.entity.canonical(try reader.structure(Schema.entity, entityPath)))
      }
    }
    return out
  }

  /// The text Howl writes: `nodeprofiles`, `nodes`, then other top-level
  /// keys; entity keys in Warewulf's order (unknown keys after, in order).
  /// `layout` keeps the indent and header of the file being rewritten.
  public static func serialize(_ config: ClusterConfig, layout: YAMLLayout = YAMLLayout()) -> String {
    var writer = YAMLWriter(capacity: (config.nodes.count + config.profiles.count) * 256, step: layout.indent)
    for (key, section) in [("nodeprofiles", config.profiles), ("nodes", config.nodes)] {
      // Written entity by entity: nothing but the text is built for 10,000 nodes.
      if section.isEmpty { writer.entry(key, .map([:]), indent: 0); continue }
      writer.entry(key, .scalar("", .null), indent: 0)
      for (id, entity) in section {
        writer.entry(id, .map(Schema.entity.canonical(entity.fields)), indent: layout.indent)
      }
    }
    writer.entries(config.extra, indent: 0)
    return layout.header + writer.output
  }
}

extension ClusterConfig {
  /// The same cluster with every node's and profile's keys in the order
  /// nodes.conf has them after a write and a read (Warewulf's field order).
  public func canonicalized() -> ClusterConfig {
    var out = self
    for (id, entity) in profiles { out.profiles[id] = Entity(fields: Schema.entity.canonical(entity.fields)) }
    for (id, entity) in nodes { out.nodes[id] = Entity(fields: Schema.entity.canonical(entity.fields)) }
    return out
  }
}
