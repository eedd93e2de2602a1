/// Everything the store holds: the cluster (nodes.conf) and the head node's
/// settings (howl.conf).
public struct ClusterState: Equatable, Sendable {
  public var cluster: ClusterConfig
  public var server: ServerConfig

  public init(cluster: ClusterConfig = .fresh, server: ServerConfig = ServerConfig()) {
    self.cluster = cluster
    self.server = server
  }
}
