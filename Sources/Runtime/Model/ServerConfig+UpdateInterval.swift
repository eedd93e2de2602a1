extension ServerConfig {
  /// Warewulf's `warewulf.update interval`: how often a node's agent
  /// fetches its runtime overlay, in seconds (60 where the file does not say).
  public var updateInterval: Int {
    get { warewulfOnly.effectiveUpdateInterval }
    set { warewulfOnly.updateInterval = newValue }
  }
}
