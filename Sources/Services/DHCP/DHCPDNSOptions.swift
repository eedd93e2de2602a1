import Runtime

extension DHCPOptionCode {
  public static let domainNameServer = DHCPOptionCode(rawValue: 6)
  public static let domainName = DHCPOptionCode(rawValue: 15)
  public static let domainSearch = DHCPOptionCode(rawValue: 119)
}

/// What a lease says about DNS when Howl serves it (`server.dns.enabled`):
/// the server (6), the cluster's domain (15) and the search list (119,
/// RFC 3397: the domain in DNS label form).
enum DHCPDNSOptions {
  static func options(_ config: BootConfig) -> [(DHCPOptionCode, [UInt8])] {
    let dns = config.state.server.dns
    guard dns.enabled else { return [] }
    var out: [(DHCPOptionCode, [UInt8])] = []
    if let server = IPv4(dns.serverAddress(default: "\(config.settings.address)")), server != .zero {
      out.append((.domainNameServer, server.bytes))
    }
    out.append((.domainName, Array(dns.domain.utf8)))
    out.append((.domainSearch, dns.domain.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]))
    return out
  }
}
