import Runtime

/// One committed cluster state as the boot services need it: settings,
/// listening addresses, and every node's merged view indexed by MAC.
/// Immutable; `BootServer` swaps in a new one when a commit lands.
public struct BootConfig: Sendable {
  /// A node's network identity on one of its devices.
  public struct Lease: Sendable, Equatable {
    public var nodeID: String
    public var netdev: String
    public var address: IPv4?
    public var netmask: IPv4?
    public var gateway: IPv4?
    /// Sent as option 12 on the primary device only (Warewulf §5.1).
    public var hostname: String?
  }

  public var state: ClusterState
  public var settings: ServeSettings
  /// Lowercased colon MAC → the node and device it belongs to (non-discoverable nodes).
  public var leases: [MACAddress: Lease]
  /// Merged nodes by id.
  public var nodes: [String: MergedNode]
  /// Discoverable nodes in Warewulf's order (cluster, then id).
  public var discoverable: [String]
  /// Why each node that cannot boot cannot (`ReadinessCheck`, set by
  /// `BootServer`): its iPXE script prints this instead of booting it.
  public var unbootable: [String: [String]] = [:]

  public init(state: ClusterState, settings: ServeSettings) {
    self.state = state
    self.settings = settings
    var leases: [MACAddress: Lease] = [:]
    var nodes: [String: MergedNode] = [:]
    var discoverable: [(String, String)] = []
    for id in state.cluster.nodes.keys {
      guard let node = try? state.cluster.merged(id, sources: false) else { continue }
      nodes[id] = node
      if BootConfig.isTrue(node.value(at: FieldPath("discoverable"))) {
        discoverable.append((node.value(at: FieldPath("cluster name"))?.stringValue ?? "", id))
        continue
      }
      for (netname, device) in node.value(at: FieldPath("network devices"))?.mapValue ?? [:] {
        guard let fields = device.mapValue, let mac = fields["hwaddr"]?.stringValue.flatMap(MACAddress.init) else { continue }
        leases[mac] = Lease(
          nodeID: id, netdev: netname,
          address: fields["ipaddr"]?.stringValue.flatMap(IPv4.init),
          netmask: fields["netmask"]?.stringValue.flatMap(IPv4.init),
          gateway: fields["gateway"]?.stringValue.flatMap(IPv4.init),
          hostname: netname == node.primaryNetwork ? id : nil)
      }
    }
    self.leases = leases
    self.nodes = nodes
    self.discoverable = discoverable.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.1)
  }

  /// The node a MAC belongs to.
  public func node(for mac: MACAddress) -> MergedNode? { leases[mac].flatMap { nodes[$0.nodeID] } }

  /// How the node's image is compressed: its registry entry's setting (gzip without one).
  public func imageCompression(of node: MergedNode) -> ImageCompression {
    node.value(at: FieldPath("image name"))?.stringValue.flatMap { state.server.images[$0]?.compression } ?? .gzip
  }

  /// The architecture the node's image import or build recorded, if any.
  public func imageArchitecture(of node: MergedNode) -> Architecture? {
    node.value(at: FieldPath("image name"))?.stringValue.flatMap { state.server.images[$0]?.architecture }
  }

  static func isTrue(_ value: ConfValue?) -> Bool {
    guard let text = value?.stringValue?.lowercased() else { return false }
    return ["true", "yes", "1", "on"].contains(text)
  }
}
