import OrderedCollections

/// `server.dns` and the hosts Howl does not boot (`dns.add`): howl.conf's
/// `dns:` section. Off by default, so a site's own DNS is not shadowed.
public struct DNSSettings: Equatable, Sendable {
  public var enabled: Bool
  /// The cluster's zone, such as `sol.rc.asu.edu`.
  public var domain: String
  /// Reverse zones as networks (`10.139.0.0/16`); empty derives them from the networks in use.
  public var reverse: [String]
  /// Seconds every record may be cached.
  public var ttl: Int
  /// Upstream resolvers for names outside the zones; none refuses them.
  public var forward: [String]
  /// The address the server binds; empty is the server's cluster address (all if unset).
  public var listen: String
  public var port: Int
  /// Hosts Howl does not boot: name (relative to `domain`) → addresses.
  public var hosts: OrderedDictionary<String, [String]>

  public static let defaultDomain = "cluster"
  public static let defaultTTL = 300

  public init(enabled: Bool = false, domain: String = DNSSettings.defaultDomain, reverse: [String] = [],
              ttl: Int = DNSSettings.defaultTTL, forward: [String] = [], listen: String = "", port: Int = 53,
              hosts: OrderedDictionary<String, [String]> = [:]) {
    self.enabled = enabled
    self.domain = domain
    self.reverse = reverse
    self.ttl = ttl
    self.forward = forward
    self.listen = listen
    self.port = port
    self.hosts = hosts
  }
}

extension DNSSettings {
  /// The address nodes ask: `listen` when it names one, else the server's address.
  public func serverAddress(default fallback: String) -> String {
    guard !listen.isEmpty, let ip = IPAddressText.parse(listen), ip.dropFirst(12) != [0, 0, 0, 0], ip != [UInt8](repeating: 0, count: 16) else { return fallback }
    return listen
  }

  /// `.Dns` in the template data (Howl's own): `Enabled`, `Server`, `Domain`,
  /// for the network overlays to point the nodes at Howl's DNS.
  static func templateValue(_ server: ServerConfig) -> TemplateValue {
    let dns = server.dns
    return .map(TemplateMap([
      "Enabled": .bool(dns.enabled), "Server": .string(dns.serverAddress(default: server.ipaddr)), "Domain": .string(dns.domain),
    ]))
  }
}
