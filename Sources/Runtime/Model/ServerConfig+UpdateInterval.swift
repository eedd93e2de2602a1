extension ServerConfig {
  /// Warewulf's `warewulf.update interval`: how often a node's agent
  /// fetches its runtime overlay, in seconds (default 60). Kept in the
  /// `warewulf` section's keys that Howl writes back as it read them.
  public var updateInterval: Int {
    get { extra["warewulf"]?.mapValue?["update interval"]?.stringValue.flatMap { Int($0) } ?? 60 }
    set {
      var section = extra["warewulf"]?.mapValue ?? [:]
      section["update interval"] = .scalar(String(newValue), .int)
      extra["warewulf"] = .map(section)
    }
  }
}
