import OrderedCollections
import Yams

/// Reading and writing Warewulf's nodes.conf (4.5–4.7) without losing
/// anything: unknown keys anywhere, legacy 4.5 keys as written, scalar kinds.
/// Keys are put in Warewulf's field order when read, so that reading,
/// writing and reading again gives the same `ClusterConfig`.
public enum NodesConf {
  /// Parses nodes.conf text. `file` names it in errors.
  /// - Throws: `ConfigError` for YAML syntax errors and values of the wrong shape.
  public static func parse(_ text: String, file: String) throws -> ClusterConfig {
    let reader = YAMLReader(file: file, text: text)
    guard let root = try reader.root() else { return ClusterConfig() }
    if case .scalar(let scalar) = root, YAMLReader.scalar(scalar).isEmpty { return ClusterConfig() }
    var config = ClusterConfig()
    for (key, node) in try reader.entries(root, FieldPath([])) {
      switch key {
      case "nodeprofiles": config.profiles = try entities(node, reader, section: key)
      case "nodes": config.nodes = try entities(node, reader, section: key)
      default: config.extra[key] = try reader.any(node, FieldPath(key))
      }
    }
    return config
  }

  static func entities(_ node: Node, _ reader: YAMLReader, section: String) throws -> OrderedDictionary<String, Entity> {
    if case .scalar(let scalar) = node, YAMLReader.scalar(scalar).isEmpty { return [:] }
    let path = FieldPath(section)
    var out = OrderedDictionary<String, Entity>()
    for (id, body) in try reader.entries(node, path) {
      if case .scalar(let scalar) = body, YAMLReader.scalar(scalar).isEmpty {
        out[id] = Entity()
        continue
      }
      let fields = try reader.structure(body, Schema.entity, path.appending(id))
      out[id] = Entity(fields: Schema.entity.canonical(fields))
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
