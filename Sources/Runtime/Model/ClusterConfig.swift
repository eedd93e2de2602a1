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

  /// A fresh cluster: one empty `default` profile, no nodes.
  public static let empty = ClusterConfig(profiles: ["default": Entity()])
}

/// A failure to look something up in the cluster model.
public struct ModelError: Error, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
