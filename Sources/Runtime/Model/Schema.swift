import OrderedCollections

/// Warewulf's nodes.conf schema as far as Howl needs it: which keys are
/// known, in which order Warewulf declares them (the order Howl writes them
/// in), and what shape each value must have. Unknown keys are allowed
/// anywhere; they keep their order after the known ones.
public struct Schema: Sendable {
  /// The shape a value must have.
  public indirect enum Shape: Sendable {
    /// A scalar (string, number, bool or null).
    case scalar
    /// A list of scalars; a scalar is also accepted (4.5 wrote some lists,
    /// such as `kernel args` and overlays, as one string).
    case list
    /// A structure with known keys.
    case structure(Schema)
    /// A map from free keys (netnames, device paths, tag names) to `Shape`.
    case map(Shape)
    /// Anything (resources).
    case any
  }

  /// Known keys in Warewulf's order, with their shapes.
  public let fields: OrderedDictionary<String, Shape>

  public init(_ fields: KeyValuePairs<String, Shape>) {
    self.fields = OrderedDictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) })
  }

  /// `map` with known keys first in schema order, then the others in their
  /// order, recursively for known structures and keyed maps.
  /// Costs a look-up per key of the map, and no reordering when the keys
  /// are in order already (as Howl writes them).
  public func canonical(_ map: OrderedDictionary<String, ConfValue>) -> OrderedDictionary<String, ConfValue> {
    let positions = map.keys.map { fields.index(forKey: $0) ?? fields.count }
    var out = map
    for (slot, position) in positions.enumerated() where position < fields.count {
      out.values[slot] = Schema.canonical(map.values[slot], fields.values[position])
    }
    guard !positions.indices.dropFirst().allSatisfy({ positions[$0 - 1] <= positions[$0] }) else { return out }
    // Unknown keys share the last position; ties keep the map's order.
    let order = positions.indices.sorted { (positions[$0], $0) < (positions[$1], $1) }
    return OrderedDictionary(uniqueKeysWithValues: order.map { (out.keys[$0], out.values[$0]) })
  }

  static func canonical(_ value: ConfValue, _ shape: Shape) -> ConfValue {
    switch (shape, value) {
    case (.structure(let schema), .map(let entries)):
      return .map(schema.canonical(entries))
    case (.map(let inner), .map(let entries)):
      if case .structure = inner {
        var out = entries
        for (key, item) in entries { out[key] = canonical(item, inner) }
        return .map(out)
      }
      return value
    default:
      return value
    }
  }
}

extension Schema {
  static let tags = Shape.map(.scalar)

  /// `network devices.<netname>`, with the 4.5 keys (`ip6addr`, `prefix`,
  /// `primary`, `default`) after their successors.
  public static let netdev = Schema([
    "type": .scalar, "onboot": .scalar, "device": .scalar, "hwaddr": .scalar,
    "ipaddr": .scalar, "netmask": .scalar, "gateway": .scalar,
    "ipaddr6": .scalar, "ip6addr": .scalar, "prefixlen6": .scalar, "prefix": .scalar, "gateway6": .scalar,
    "mtu": .scalar, "primary": .scalar, "default": .scalar, "tags": tags,
  ])

  /// `ipmi:`.
  public static let ipmi = Schema([
    "username": .scalar, "password": .scalar, "ipaddr": .scalar, "gateway": .scalar,
    "netmask": .scalar, "port": .scalar, "interface": .scalar, "escapechar": .scalar,
    "write": .scalar, "template": .scalar, "tags": tags,
  ])

  /// `kernel:` (4.5's `override` kept after `args`).
  public static let kernel = Schema(["version": .scalar, "args": .list, "override": .scalar])

  /// `disks.<device>.partitions.<label>`.
  public static let partition = Schema([
    "number": .scalar, "size_mib": .scalar, "start_mib": .scalar, "type_guid": .scalar,
    "guid": .scalar, "wipe_partition_entry": .scalar, "should_exist": .scalar, "resize": .scalar,
  ])

  /// `disks.<device>`.
  public static let disk = Schema(["wipe_table": .scalar, "partitions": .map(.structure(partition))])

  /// `filesystems.<device>`; `mount_options` was a list in 4.5, a string since.
  public static let filesystem = Schema([
    "format": .scalar, "path": .scalar, "wipe_filesystem": .scalar, "label": .scalar,
    "uuid": .scalar, "options": .list, "mount_options": .list,
  ])

  /// A node or profile (§1.2 order). Legacy 4.5 keys sit after their
  /// successors: `container name` after `image name`, flat `ipmi <field>`
  /// after `ipmi`, `keys` after `tags`.
  public static let entity = Schema([
    "profiles": .list, "comment": .scalar, "cluster name": .scalar,
    "image name": .scalar, "container name": .scalar, "ipxe template": .scalar,
    "runtime overlay": .list, "system overlay": .list,
    "kernel": .structure(kernel),
    "kernel version": .scalar, "kernel override": .scalar, "kernel args": .list,
    "ipmi": .structure(ipmi),
    "ipmi username": .scalar, "ipmi password": .scalar, "ipmi ipaddr": .scalar, "ipmi gateway": .scalar,
    "ipmi netmask": .scalar, "ipmi port": .scalar, "ipmi interface": .scalar, "ipmi escapechar": .scalar,
    "ipmi write": .scalar, "ipmi template": .scalar,
    "init": .scalar, "root": .scalar,
    "network devices": .map(.structure(netdev)),
    "tags": tags, "keys": tags, "tagsdel": .list,
    "primary network": .scalar,
    "disks": .map(.structure(disk)), "filesystems": .map(.structure(filesystem)),
    "resources": .map(.any),
    "discoverable": .scalar, "asset key": .scalar,
  ])
}

extension Schema {
  /// Why `value` at `path` does not have `shape`, or nil if it does: the
  /// same rules the nodes.conf reader applies, for values built in memory.
  static func problem(_ value: ConfValue, _ shape: Shape, _ path: FieldPath) -> (FieldPath, String)? {
    if case .scalar(_, .null) = value { return nil }
    switch (shape, value) {
    case (.any, _), (.scalar, .scalar), (.list, .scalar): return nil
    case (.scalar, _): return (path, "expected a scalar, found \(value.shapeName)")
    case (.list, .list(let items)):
      for item in items {
        if case .scalar = item { continue }
        return (path, "expected a list of scalars, found \(item.shapeName) in it")
      }
      return nil
    case (.list, _): return (path, "expected a list, found \(value.shapeName)")
    case (.structure(let schema), .map(let entries)):
      for (key, child) in entries {
        if let inner = schema.fields[key], let found = problem(child, inner, path.appending(key)) { return found }
      }
      return nil
    case (.map(let inner), .map(let entries)):
      for (key, child) in entries {
        if let found = problem(child, inner, path.appending(key)) { return found }
      }
      return nil
    case (.structure, _), (.map, _): return (path, "expected a map, found \(value.shapeName)")
    }
  }
}

extension ClusterConfig {
  /// Checks every node and profile against Warewulf's schema, so that a
  /// cluster built in memory is never written in a shape nodes.conf cannot
  /// be read back in.
  /// - Throws: `ModelError` naming the first offending path.
  public func validate() throws {
    for (section, entities) in [("nodeprofiles", profiles), ("nodes", nodes)] {
      for (id, entity) in entities {
        if let (path, message) = Schema.problem(.map(entity.fields), .structure(Schema.entity), FieldPath(section, id)) {
          throw ModelError("\(path): \(message)")
        }
      }
    }
  }
}
