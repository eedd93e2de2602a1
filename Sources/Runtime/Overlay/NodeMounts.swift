/// A node's NFS mounts (Howl's `mounts` key) with each source resolved: an
/// export's name becomes `<server address>:<exported path>`; anything else
/// (`host:/path`) is kept as written.
public enum NodeMounts {
  /// One mount, its source resolved.
  public struct Mount: Equatable, Sendable {
    /// `10.0.0.1:/home`.
    public var source: String
    public var at: String
    public var options: String
    /// The export's name when the source named one.
    public var export: String?
  }

  /// The mounts listed in a node's `mounts` value; malformed items are skipped.
  public static func resolve(_ conf: ConfValue?, server: ServerConfig) -> [Mount] {
    guard case .list(let items)? = conf else { return [] }
    return items.compactMap { item in
      guard case .map(let m) = item, let source = m["source"]?.stringValue, let at = m["at"]?.stringValue else { return nil }
      let options = m["options"]?.stringValue ?? "defaults"
      if let export = server.exports[source] {
        let host = server.ipaddr.isEmpty ? "localhost" : server.ipaddr
        return Mount(source: host + ":" + export.path, at: at, options: options, export: source)
      }
      return Mount(source: source, at: at, options: options, export: nil)
    }
  }
}
