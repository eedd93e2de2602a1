import Lang

/// How one field of a node or profile looks in the language: its Howl name,
/// its key in nodes.conf, and the kind of value it holds.
struct FieldSpec {
  enum Kind {
    case string, list, ip, mac, bool
    /// Free-form YAML (resources, disks, filesystems).
    case data
    /// A string → string map edited in place (`node.tags.rack = "7"`).
    case tags
    /// A map of free-form values edited in place (`node.resources.fpga = {…}`).
    case dataMap
    /// A sub-structure with its own fields (`kernel`, `ipmi`, one netdev).
    case section([FieldSpec])
    case netdevs
    case profiles
    case image
    case root
    case mounts
  }

  let name: String
  let key: String
  let kind: Kind
  var nodeOnly = false

  init(_ name: String, _ key: String, _ kind: Kind, nodeOnly: Bool = false) {
    self.name = name
    self.key = key
    self.kind = kind
    self.nodeOnly = nodeOnly
  }

  static let netdev: [FieldSpec] = [
    FieldSpec("type", "type", .string), FieldSpec("onboot", "onboot", .bool),
    FieldSpec("device", "device", .string), FieldSpec("hwaddr", "hwaddr", .mac),
    FieldSpec("ipaddr", "ipaddr", .ip), FieldSpec("netmask", "netmask", .ip),
    FieldSpec("gateway", "gateway", .ip), FieldSpec("ipaddr6", "ipaddr6", .string),
    FieldSpec("prefixlen6", "prefixlen6", .string), FieldSpec("gateway6", "gateway6", .string),
    FieldSpec("mtu", "mtu", .string), FieldSpec("tags", "tags", .tags),
  ]

  static let ipmi: [FieldSpec] = [
    FieldSpec("username", "username", .string), FieldSpec("password", "password", .string),
    FieldSpec("ipaddr", "ipaddr", .ip), FieldSpec("gateway", "gateway", .ip),
    FieldSpec("netmask", "netmask", .ip), FieldSpec("port", "port", .string),
    FieldSpec("interface", "interface", .string), FieldSpec("escapechar", "escapechar", .string),
    FieldSpec("write", "write", .bool), FieldSpec("template", "template", .string),
    FieldSpec("tags", "tags", .tags),
  ]

  static let kernel: [FieldSpec] = [FieldSpec("version", "version", .string), FieldSpec("args", "args", .list)]

  /// The fields of a node or profile, in the order a block prints them.
  static let entity: [FieldSpec] = [
    FieldSpec("profiles", "profiles", .profiles),
    FieldSpec("comment", "comment", .string),
    FieldSpec("cluster", "cluster name", .string),
    FieldSpec("image", "image name", .image),
    FieldSpec("ipxe", "ipxe template", .string),
    FieldSpec("overlays", "system overlay", .list),
    FieldSpec("runtime_overlays", "runtime overlay", .list),
    FieldSpec("kernel", "kernel", .section(kernel)),
    FieldSpec("init", "init", .string),
    FieldSpec("root", "root", .root),
    FieldSpec("netdevs", "network devices", .netdevs),
    FieldSpec("primary_network", "primary network", .string),
    FieldSpec("ipmi", "ipmi", .section(ipmi)),
    FieldSpec("tags", "tags", .tags),
    FieldSpec("mounts", "mounts", .mounts),
    FieldSpec("disks", "disks", .data),
    FieldSpec("filesystems", "filesystems", .data),
    FieldSpec("resources", "resources", .dataMap),
    FieldSpec("discoverable", "discoverable", .bool, nodeOnly: true),
    FieldSpec("asset_key", "asset key", .string, nodeOnly: true),
  ]

  /// Other names people reach for.
  static let aliases: [String: String] = ["profile": "profiles", "system_overlays": "overlays", "ipxe_template": "ipxe"]

  /// Shortcuts to the primary network device.
  static let primaryShortcuts = ["ipaddr", "hwaddr", "netmask", "gateway"]

  static func find(_ name: String, in specs: [FieldSpec]) -> FieldSpec? {
    let name = aliases[name] ?? name
    return specs.first { $0.name == name }
  }
}
