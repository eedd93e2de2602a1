import Runtime

/// Warewulf's node discovery (§5.6): an unknown MAC goes to the first
/// `discoverable` node (by cluster, then id), on its primary network
/// device; the node stops being discoverable. Committed through `Store`:
/// if another commit landed meanwhile, the choice is made again on the
/// fresh state, so two servers never give one node two MACs.
public enum Discovery {
  /// The state with `mac` assigned, or nil if no node can take it.
  public static func assign(_ mac: MACAddress, in state: ClusterState) -> ClusterState? {
    let config = BootConfig(state: state, settings: ServeSettings(server: state.server, root: "/"))
    if config.leases[mac] != nil { return state }
    guard let id = config.discoverable.first, let node = config.nodes[id], var entity = state.cluster.nodes[id] else { return nil }
    let netname = node.primaryNetwork ?? "default"
    var devices = entity.fields["network devices"]?.mapValue ?? [:]
    var device = devices[netname]?.mapValue ?? [:]
    device["hwaddr"] = .string(mac.description)
    devices[netname] = .map(device)
    entity.fields["network devices"] = .map(devices)
    entity.fields["discoverable"] = nil
    var next = state
    next.cluster.nodes[id] = entity
    if let merged = try? next.cluster.merged(id, sources: false), BootConfig.isTrue(merged.value(at: FieldPath("discoverable"))) {
      entity.fields["discoverable"] = .scalar("false", .bool)
      next.cluster.nodes[id] = entity
    }
    return next
  }

  /// Assigns `mac` and commits; returns the committed state, or nil if no node could take it.
  public static func commit(_ mac: MACAddress, store: Store) throws -> ClusterState? {
    let base = try store.load()
    guard let state = assign(mac, in: base) else { return nil }
    struct NoNode: Error {}
    do {
      return try store.commit(base: base, state: state) { fresh in
        guard let again = assign(mac, in: fresh) else { throw NoNode() }
        return again
      }
    } catch is NoNode {
      return nil
    }
  }
}
