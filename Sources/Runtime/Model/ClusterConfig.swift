import OrderedCollections

/// The whole nodes.conf: profiles (`nodeprofiles`), nodes (`nodes`) and any
/// other top-level key (4.5's `WW_INTERNAL`, anything newer), kept as it is.
/// Holds only what the file says: inherited values stay in the profiles.
public struct ClusterConfig: Equatable, Sendable {
  public var profiles: OrderedDictionary<String, Entity>
  public var nodes: OrderedDictionary<String, Entity>
  public var extra: OrderedDictionary<String, ConfValue>

  public init(profiles: OrderedDictionary<String, Entity> = [:],
              nodes: OrderedDictionary<String, Entity> = [:],
              extra: OrderedDictionary<String, ConfValue> = [:]) {
    self.profiles = profiles
    self.nodes = nodes
    self.extra = extra
  }

  /// A fresh cluster, before any nodes.conf exists: no nodes and the
  /// `default` profile Warewulf's fresh nodes.conf has, with Howl's stock
  /// overlays in its lists, so that a node of it boots a busybox or a
  /// systemd image. (Warewulf's `ipmi.template` is left out: Howl's own
  /// default BMC template applies where a node names none.)
  public static let fresh = ClusterConfig(profiles: ["default": Entity(fields: Schema.entity.canonical([
    "comment": .string("This profile is automatically included for each node"),
    "ipxe template": .string("default"),
    "system overlay": .strings(["wwinit", "howl-agent", "hostname", "fstab", "ssh.host_keys", "NetworkManager", "systemd.networkd"]),
    "runtime overlay": .strings(["hosts", "ssh.authorized_keys", "syncuser"]),
    "kernel": .map(["args": .strings(["quiet", "crashkernel=no"])]),
    "init": .string("/sbin/init"),
    "root": .string("initramfs"),
  ]))])
}

/// A failure to look something up in the cluster model.
public struct ModelError: Error, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
