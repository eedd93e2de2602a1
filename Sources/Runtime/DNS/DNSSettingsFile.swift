import OrderedCollections

/// howl.conf's `dns:` section. Written only when it differs from the defaults.
extension DNSSettings {
  /// Reads the section; `fail` makes the error for a key path.
  static func read(_ section: ConfValue, fail: (FieldPath, String) -> ConfigError) throws -> DNSSettings {
    let d = FieldPath("dns")
    guard case .map(var map) = section else { throw fail(d, "expected a map, found \(section.shapeName)") }
    var dns = DNSSettings()
    func text(_ key: String) throws -> String? {
      guard let value = map.removeValue(forKey: key), value != .scalar("", .null), value.stringValue != nil || !value.isEmpty else { return nil }
      guard let text = value.stringValue else { throw fail(d.appending(key), "expected a scalar, found \(value.shapeName)") }
      return text
    }
    func list(_ key: String) throws -> [String] {
      guard let value = map.removeValue(forKey: key), !value.isEmpty else { return [] }
      if let one = value.stringValue { return [one] }
      guard let items = value.listValue else { throw fail(d.appending(key), "expected a list, found \(value.shapeName)") }
      return items
    }
    if let enabled = try text("enabled") {
      switch enabled.lowercased() {
      case "true", "yes", "on": dns.enabled = true
      case "false", "no", "off": dns.enabled = false
      default: throw fail(d.appending("enabled"), "expected true or false, found \"\(enabled)\"")
      }
    }
    if let domain = try text("domain") {
      if let problem = DNSName.problem(domain) { throw fail(d.appending("domain"), problem) }
      dns.domain = DNSName.normalized(domain)
    }
    dns.reverse = try list("reverse")
    for zone in dns.reverse {
      do { _ = try DNSZoneData.reverseZone(zone) } catch let error as DNSZoneError { throw fail(d.appending("reverse"), error.description) }
    }
    if let ttl = try text("ttl") {
      guard let value = Int(ttl), (0...Int(Int32.max)).contains(value) else { throw fail(d.appending("ttl"), "expected seconds, found \"\(ttl)\"") }
      dns.ttl = value
    }
    dns.forward = try list("forward")
    for server in dns.forward where IPAddressText.parse(server) == nil {
      throw fail(d.appending("forward"), "expected IP addresses, found \"\(server)\"")
    }
    if let listen = try text("listen") {
      guard listen.isEmpty || IPAddressText.parse(listen) != nil else { throw fail(d.appending("listen"), "expected an IP address, found \"\(listen)\"") }
      dns.listen = listen
    }
    if let port = try text("port") {
      guard let value = Int(port), (1...65535).contains(value) else { throw fail(d.appending("port"), "expected a port number, found \"\(port)\"") }
      dns.port = value
    }
    if let hosts = map.removeValue(forKey: "hosts"), !hosts.isEmpty {
      guard case .map(let entries) = hosts else { throw fail(d.appending("hosts"), "expected a map, found \(hosts.shapeName)") }
      for (name, value) in entries {
        let here = d.appending("hosts").appending(name)
        if let problem = DNSName.problem(name) { throw fail(here, problem) }
        guard let addresses = value.stringValue.map({ [$0] }) ?? value.listValue, !addresses.isEmpty,
              addresses.allSatisfy({ IPAddressText.parse($0) != nil })
        else { throw fail(here, "expected an IP address or a list of them") }
        dns.hosts[DNSName.normalized(name)] = addresses
      }
    }
    if let key = map.keys.first { throw fail(d.appending(key), "unknown key (dns has enabled, domain, reverse, ttl, forward, listen, port, hosts)") }
    return dns
  }

  /// The section as howl.conf holds it.
  var fileValue: ConfValue {
    .map([
      "enabled": .scalar(enabled ? "true" : "false", .bool), "domain": .string(domain), "reverse": .strings(reverse),
      "ttl": .scalar(String(ttl), .int), "forward": .strings(forward), "listen": .string(listen),
      "port": .scalar(String(port), .int),
      "hosts": .map(OrderedDictionary(uniqueKeysWithValues: hosts.map { ($0.key, ConfValue.strings($0.value)) })),
    ])
  }
}
