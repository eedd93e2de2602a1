import OrderedCollections

/// A merged node as templates see it, under Warewulf's field names
/// (`.Id`, `.ImageName`, `.NetDevs`, `.Kernel.Args`, …) plus Howl's
/// `.Mounts`, `.RootStrategy`, `.RootDevice` and `.Arch` (the node's
/// `cpuArch` tag, else the architecture its image recorded: `aarch64`). Fields are computed when a
/// template asks for them; nothing is copied up front, so one object serves
/// every template of a build (Warewulf deep-copies the node per template).
public final class NodeTemplateObject: TemplateObject {
  public let node: MergedNode
  let server: ServerConfig
  private var cache: [String: TemplateValue] = [:]

  public init(node: MergedNode, server: ServerConfig) {
    self.node = node
    self.server = server
  }

  private func field(_ key: String) -> ConfValue? { node.fields[key] }
  private func text(_ key: String) -> String { TemplateConversion.string(node.fields[key]) }

  public var templateTypeName: String { "*node.Node" }
  public var templateDescription: String { "{\(node.id)}" }

  public func templateField(_ name: String) -> TemplateValue? {
    if let cached = cache[name] { return cached }
    guard let value = compute(name) else { return nil }
    cache[name] = value
    return value
  }

  private func compute(_ name: String) -> TemplateValue? {
    switch name {
    case "Id", "Hostname": return .string(node.id)
    case "ImageName", "ContainerName", "Container":
      return .string(field("image name") != nil ? text("image name") : text("container name"))
    case "Ipxe": return .string(text("ipxe template"))
    case "Init": return .string(text("init"))
    case "Root": return .string(text("root"))
    case "ClusterName": return .string(text("cluster name"))
    case "Comment": return .string(text("comment"))
    case "Profiles": return .list(node.profiles.map { .string($0) })
    case "SystemOverlay": return TemplateConversion.strings(field("system overlay"))
    case "RuntimeOverlay": return TemplateConversion.strings(field("runtime overlay"))
    case "Kernel": return .object(kernel())
    case "Ipmi": return .object(ipmi())
    case "NetDevs": return netDevsValue(primaryMarked: true)
    case "PrimaryNetDev": return .string(node.primaryNetwork ?? text("primary network"))
    case "Tags": return TemplateConversion.stringMap(field("tags"))
    case "Disks": return TemplateStorage.collection(field("disks"), make: TemplateStorage.disk).map
    case "DiskList": return TemplateStorage.collection(field("disks"), make: TemplateStorage.disk).list
    case "FileSystems": return TemplateStorage.collection(field("filesystems"), make: TemplateStorage.fileSystem).map
    case "FileSystemList": return TemplateStorage.collection(field("filesystems"), make: TemplateStorage.fileSystem).list
    case "Resources":
      return .map(TemplateMap(Dictionary(TemplateConversion.entries(field("resources")).map { ($0.key, TemplateConversion.value($0.value)) },
                                         uniquingKeysWith: { a, _ in a })))
    case "Discoverable": return .object(TemplateWWBool(text("discoverable")))
    case "AssetKey": return .string(text("asset key"))
    case "Mounts": return .list(NodeMounts.resolve(field("mounts"), server: server).map { .object(TemplateMount($0)) })
    case "RootStrategy": return .string(rootLayout.kind.rawValue)
    case "RootDevice": return .string(rootLayout.device ?? "")
    case "Arch":
      if let tag = node.value(at: FieldPath("tags", "cpuArch"))?.stringValue, !tag.isEmpty { return .string(tag) }
      return .string(field("image name")?.stringValue.flatMap { server.images[$0]?.architecture?.rawValue } ?? "")
    default: return nil
    }
  }

  /// The node's root layout (`RootLayout`).
  public var rootLayout: RootLayout { RootLayout.read { node.value(at: $0) } }

  private var netDevCache: [Bool: TemplateValue] = [:]
  /// `.NetDevs`: the network devices by netname. With `primaryMarked`, the
  /// primary one says so in `.Primary`; without, none does — as in the copy
  /// of the node Warewulf puts at the top of the template data, where the
  /// flag is lost (only `.ThisNode` and `.AllNodes` keep it).
  func netDevsValue(primaryMarked: Bool) -> TemplateValue {
    if let cached = netDevCache[primaryMarked] { return cached }
    let entries = TemplateConversion.entries(field("network devices"))
    var devices: [String: TemplateValue] = [:]
    for (name, fields) in entries {
      let primary = primaryMarked && name == node.primaryNetwork
      devices[name] = .object(TemplateNetDev(name: name, fields: TemplateConversion.entries(fields), isPrimary: primary))
    }
    let value = TemplateValue.map(TemplateMap(devices))
    netDevCache[primaryMarked] = value
    return value
  }

  private func kernel() -> TemplateRecord {
    let own = TemplateConversion.entries(field("kernel"))
    var fields = own
    if fields["version"] == nil, let legacy = field("kernel version") ?? field("kernel override") { fields["version"] = legacy }
    if fields["args"] == nil, let legacy = field("kernel args") { fields["args"] = legacy }
    // As Warewulf does, an unset version is the one found in the node's image
    // (the image builder records it with the image).
    if fields["version"] == nil, let image = field("image name")?.stringValue,
       let detected = server.images[image]?.extra["kernel version"] {
      fields["version"] = detected
    }
    return TemplateRecord("*node.KernelConf", fields: fields,
                          schema: ["Version": ("version", .string), "Args": ("args", .strings), "Override": ("override", .string)])
  }

  private func ipmi() -> TemplateRecord {
    var fields = TemplateConversion.entries(field("ipmi"))
    for key in ["username", "password", "ipaddr", "gateway", "netmask", "port", "interface", "escapechar", "write", "template"]
    where fields[key] == nil {
      if let legacy = field("ipmi " + key) { fields[key] = legacy }
    }
    return TemplateRecord("*node.IpmiConf", fields: fields, schema: [
      "UserName": ("username", .string), "Password": ("password", .string), "Ipaddr": ("ipaddr", .ip),
      "Gateway": ("gateway", .ip), "Netmask": ("netmask", .ip), "Port": ("port", .string),
      "Interface": ("interface", .string), "EscapeChar": ("escapechar", .string), "Write": ("write", .bool),
      "Template": ("template", .string), "Tags": ("tags", .tags),
    ])
  }
}

/// One NFS mount of a node (`.Mounts`): `.Source` (`server:/path`), `.At`, `.Options`.
final class TemplateMount: TemplateObject {
  let mount: NodeMounts.Mount
  init(_ mount: NodeMounts.Mount) { self.mount = mount }
  var templateTypeName: String { "howl.Mount" }
  var templateDescription: String { "{\(mount.source) \(mount.at) \(mount.options)}" }
  func templateField(_ name: String) -> TemplateValue? {
    switch name {
    case "Source": return .string(mount.source)
    case "At": return .string(mount.at)
    case "Options": return .string(mount.options)
    case "Export": return .string(mount.export ?? "")
    default: return nil
    }
  }
}
