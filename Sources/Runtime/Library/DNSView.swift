import Lang

/// `dns`: hosts Howl does not boot, served with the nodes.
/// `dns.add("login1", 10.139.0.5)` and `dns.remove("login1")` are staged
/// like every other change; `dns.records` lists what the zones hold;
/// `print(dns)` shows the added hosts as a table.
final class DNSView: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "dns" }
  var memberNames: [String] { ["add", "remove", "hosts", "records", "sync"] }
  var indexKeys: [String] { (try? cluster.session().working.server.dns.hosts.keys.elements) ?? [] }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "add":
      return .function(NativeFunction("dns.add") { [self] _, args in
        try args.expect("dns.add", count: 2...2)
        try add(try DNSView.hostName(args[0]), try DNSView.addresses(args[1]))
        return .null
      })
    case "remove":
      return .function(NativeFunction("dns.remove") { [self] _, args in
        try args.expect("dns.remove", count: 1...1)
        let name = try DNSView.hostName(args[0])
        try cluster.session().stage { state, _ in
          let dns = state.server.dns
          let short = DNSView.relative(name, to: dns.domain)
          guard dns.hosts[short] != nil else {
            throw LangError("no host \(Value.quote(short)) was added to dns", suggestion: Suggestions.didYouMean(short, among: dns.hosts.keys))
          }
          state.server.dns.hosts[short] = nil
        }
        return .null
      })
    case "hosts":
      let hosts = try cluster.session().working.server.dns.hosts
      return .map(MapRef(OrderedMap(hosts.map { (Value.string($0.key), DNSView.value($0.value)) })))
    case "sync": return DNSSync.function(cluster)
    case "records":
      let zone = try zoneData(try cluster.session().working)
      return .list(zone.records.map { record in
        .map(MapRef(OrderedMap([
          (.string("name"), .string(record.name)), (.string("type"), .string(record.kind.rawValue)),
          (.string("value"), .string(record.value)), (.string("source"), .string(record.source)),
        ])))
      })
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  /// Stages a host after checking its name is free and each address lies in a zone.
  private func add(_ name: String, _ addresses: [String]) throws {
    try cluster.session().stage { [self] state, _ in
      let short = DNSView.relative(name, to: state.server.dns.domain)
      if let problem = DNSName.problem(short) { throw LangError("dns.add: bad name \(Value.quote(name)): \(problem)") }
      let zone = try zoneData(state)
      let full = short + "." + zone.domain
      if let owner = zone.records.first(where: { $0.name == full }) {
        throw LangError("dns.add: \(full) already exists (from \(owner.source))", suggestion: owner.source == "dns.add" ? "dns.remove(\(Value.quote(short))) first" : nil)
      }
      for address in addresses {
        guard let ip = IPAddressText.parse(address), zone.reverse.contains(where: { $0.contains(ip) }) else {
          let zones = zone.reverse.map(\.name).joined(separator: ", ")
          throw LangError("dns.add: \(address) is outside every zone of the cluster (\(zones.isEmpty ? "none: give the server or nodes addresses, or set server.dns.reverse" : zones))")
        }
      }
      state.server.dns.hosts[short] = addresses
    }
  }

  private func zoneData(_ state: ClusterState) throws -> DNSZoneData {
    do { return try DNSZoneData(state: state) } catch let error as DNSZoneError { throw LangError(error.description) }
  }

  static func hostName(_ v: Value) throws -> String { DNSName.normalized(try ClusterFunctions.text(v, "a host name")) }

  /// `login1.sol.rc.asu.edu` → `login1` in zone `sol.rc.asu.edu`.
  static func relative(_ name: String, to domain: String) -> String {
    name.hasSuffix("." + domain) ? String(name.dropLast(domain.count + 1)) : name
  }

  static func addresses(_ v: Value) throws -> [String] {
    func one(_ v: Value) throws -> String {
      switch v {
      case .ip(let ip): return ip.description
      case .string(let s) where IPAddressText.parse(s) != nil: return IPAddressText.canonical(s)!
      default: throw LangError("dns.add needs an IP address or a list of them, not \(v.repr)")
      }
    }
    if case .list(let l) = v {
      guard !l.items.isEmpty else { throw LangError("dns.add needs at least one address") }
      return try l.items.map(one)
    }
    return [try one(v)]
  }

  static func value(_ addresses: [String]) -> Value {
    let values = addresses.map { IPv4($0).map(Value.ip) ?? .string($0) }
    return values.count == 1 ? values[0] : .list(ListRef(values))
  }

  var inlineDescription: String {
    get throws { "dns (\(try cluster.session().working.server.dns.hosts.count) hosts added)" }
  }

  var blockDescription: String {
    get throws {
      let dns = try cluster.session().working.server.dns
      var table = TextTable(header: ["NAME", "ADDRESS"])
      for (name, addresses) in dns.hosts { table.rows.append([name + "." + dns.domain, addresses.joined(separator: ", ")]) }
      let count = "(\(dns.hosts.count) host\(dns.hosts.count == 1 ? "" : "s") added; DNS \(dns.enabled ? "on" : "off"))"
      return dns.hosts.isEmpty ? count : table.render() + "\n" + count
    }
  }
}
