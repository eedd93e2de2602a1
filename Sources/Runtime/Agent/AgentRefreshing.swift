/// What `nodes[...].refresh()` calls to make the node agents fetch their
/// runtime overlay now. Runtime knows no sockets: the `howl` executable
/// installs the Services implementation (which asks `howl serve`) into
/// `ClusterContext.agentRefresher`.
public protocol AgentRefreshing: AnyObject {
  /// Asks the agents of `nodes` to fetch now and waits until each has
  /// reported applying its runtime overlay, or `timeout` seconds passed.
  /// Throws when `howl serve` cannot be asked at all.
  func refresh(nodes: [String], timeout: Double) throws -> [String: AgentRefreshOutcome]
}

/// How one node's refresh ended.
public enum AgentRefreshOutcome: Equatable, Sendable {
  /// The agent applied the overlay with this SHA-256, writing `changed` files.
  case applied(digest: String, changed: Int)
  /// No report within the timeout.
  case timedOut(seconds: Double)
}
