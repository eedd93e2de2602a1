import Lang

/// `server.dns`: whether and how `howl serve` answers DNS for the cluster.
/// `enabled` (false by default), `domain`, `reverse` (networks such as
/// `10.139.0.0/16`; empty derives them from the networks in use), `ttl`,
/// `forward` (upstream resolvers; none refuses other names), `listen`
/// (the address to bind; nil is the server's address) and `port`.
final class DNSSettingsView: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "dns settings" }
  static let fields = ["enabled", "domain", "reverse", "ttl", "forward", "listen", "port"]
  var memberNames: [String] { DNSSettingsView.fields }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value { try value(of: name) }

  func value(of name: String) throws -> Value {
    let dns = try cluster.session().working.server.dns
    func addresses(_ list: [String]) -> Value { .list(ListRef(list.map { IPv4($0).map(Value.ip) ?? .string($0) })) }
    switch name {
    case "enabled": return .bool(dns.enabled)
    case "domain": return .string(dns.domain)
    case "reverse":
      if !dns.reverse.isEmpty { return .list(ListRef(dns.reverse.map { CIDR($0).map(Value.cidr) ?? .string($0) })) }
      let zones = (try? DNSZoneData(state: cluster.session().working))?.reverse ?? []
      return .list(ListRef(zones.map { zone in
        let text = IPAddressText.format(zone.network) + "/" + String(DNSName.isIPv4(zone.network) ? zone.bits - 96 : zone.bits)
        return CIDR(text).map(Value.cidr) ?? .string(text)
      }))
    case "ttl": return .int(dns.ttl)
    case "forward": return addresses(dns.forward)
    case "listen": return dns.listen.isEmpty ? .null : IPv4(dns.listen).map(Value.ip) ?? .string(dns.listen)
    case "port": return .int(dns.port)
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    func address(_ v: Value) throws -> String {
      switch v {
      case .ip(let ip): return ip.description
      case .string(let s) where IPAddressText.parse(s) != nil: return IPAddressText.canonical(s)!
      default: throw LangError("server.dns.\(name) needs IP addresses, not \(v.repr)")
      }
    }
    func list(_ v: Value) -> [Value] {
      if case .list(let l) = v { return l.items }
      return v == .null ? [] : [v]
    }
    let change: (inout DNSSettings) -> Void
    switch name {
    case "enabled":
      guard case .bool(let b) = value else { throw LangError("server.dns.enabled needs true or false") }
      change = { $0.enabled = b }
    case "domain":
      let text = DNSName.normalized(try ClusterFunctions.text(value, "server.dns.domain"))
      if let problem = DNSName.problem(text) { throw LangError("server.dns.domain: \(problem)") }
      change = { $0.domain = text }
    case "reverse":
      let zones = try list(value).map { v -> String in
        let text: String
        switch v {
        case .cidr(let c): text = "\(c.network)/\(c.prefix)"
        case .string(let s): text = s
        default: throw LangError("server.dns.reverse takes networks such as 10.139.0.0/16, not \(v.repr)")
        }
        do { _ = try DNSZoneData.reverseZone(text) } catch let error as DNSZoneError { throw LangError(error.description) }
        return text
      }
      change = { $0.reverse = zones }
    case "ttl":
      guard case .int(let seconds) = value, (0...Int(Int32.max)).contains(seconds) else { throw LangError("server.dns.ttl needs a number of seconds") }
      change = { $0.ttl = seconds }
    case "forward": let servers = try list(value).map(address); change = { $0.forward = servers }
    case "listen": let v = value == .null ? "" : try address(value); change = { $0.listen = v }
    case "port":
      guard case .int(let p) = value, (1...65535).contains(p) else { throw LangError("server.dns.port needs a port number 1-65535") }
      change = { $0.port = p }
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try cluster.session().stage { state, _ in change(&state.server.dns) }
  }

  var inlineDescription: String {
    get throws {
      let dns = try cluster.session().working.server.dns
      return dns.enabled ? "zone \(dns.domain) on port \(dns.port)" : "disabled"
    }
  }

  var blockDescription: String {
    get throws {
      var lines = ["server.dns"]
      for name in DNSSettingsView.fields {
        let v = try value(of: name)
        guard v != .null else { continue }
        lines.append("  " + name.padding(toLength: 18, withPad: " ", startingAt: 0) + (v.stringValue ?? v.repr))
      }
      return lines.joined(separator: "\n")
    }
  }
}
