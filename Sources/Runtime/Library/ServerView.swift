import Lang

/// `server`: the head node's settings (`server.ipaddr = 10.0.0.1`,
/// `server.dhcp_range = [10.0.0.100, 10.0.0.199]`, `server.nfs.backend = "ganesha"`).
final class ServerView: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "server" }

  static let fields = ["ipaddr", "netmask", "network", "interface", "dhcp_enabled", "dhcp_mode", "dhcp_range",
                       "http_port", "tftp_port", "dhcp_port", "secure", "autobuild_overlays", "update_interval", "comment", "nfs", "dns"]
  var memberNames: [String] { ServerView.fields }

  func config() throws -> ServerConfig { try cluster.session().working.server }

  private static func ip(_ s: String) -> Value { s.isEmpty ? .null : IPv4(s).map { .ip($0) } ?? .string(s) }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value { try value(of: name) }

  func value(of name: String) throws -> Value {
    let c = try config()
    switch name {
    case "ipaddr": return ServerView.ip(c.ipaddr)
    case "netmask": return ServerView.ip(c.netmask)
    case "network": return ServerView.ip(c.network)
    case "interface": return c.interface.isEmpty ? .null : .string(c.interface)
    case "dhcp_enabled": return .bool(c.dhcp.enabled)
    case "dhcp_mode": return .string(c.dhcp.mode.rawValue)
    case "dhcp_range":
      guard !c.dhcp.rangeStart.isEmpty else { return .null }
      return .list([ServerView.ip(c.dhcp.rangeStart), ServerView.ip(c.dhcp.rangeEnd)])
    case "http_port": return .int(c.ports.http)
    case "tftp_port": return .int(c.ports.tftp)
    case "dhcp_port": return .int(c.ports.dhcp)
    case "secure": return .bool(c.secure)
    case "autobuild_overlays": return .bool(c.autobuildOverlays)
    case "update_interval": return .duration(c.updateInterval * 1000)
    case "comment": return .string(c.comment)
    case "nfs": return .object(NFSSettingsView(cluster))
    case "dns": return .object(DNSSettingsView(cluster))
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    let change: (inout ServerConfig) throws -> Void
    func address(_ v: Value) throws -> String {
      switch v {
      case .null: return ""
      case .ip(let ip): return ip.description
      case .string(let s) where IPv4(s) != nil: return s
      default: throw LangError("server.\(name) needs an IPv4 address, not \(v.repr)")
      }
    }
    func port(_ v: Value) throws -> Int {
      guard case .int(let p) = v, (1...65535).contains(p) else { throw LangError("server.\(name) needs a port number 1-65535") }
      return p
    }
    func flag(_ v: Value) throws -> Bool {
      guard case .bool(let b) = v else { throw LangError("server.\(name) needs true or false") }
      return b
    }
    switch name {
    case "ipaddr":
      if case .cidr(let c) = value {
        change = { $0.ipaddr = c.address.description; $0.netmask = c.netmask.description; $0.network = c.network.description }
      } else {
        let v = try address(value)
        change = { $0.ipaddr = v }
      }
    case "netmask": let v = try address(value); change = { $0.netmask = v }
    case "network": let v = try address(value); change = { $0.network = v }
    case "interface": let v = try ClusterFunctions.text(value, "server.interface"); change = { $0.interface = v }
    case "dhcp_enabled": let v = try flag(value); change = { $0.dhcp.enabled = v }
    case "dhcp_mode":
      let text = try ClusterFunctions.text(value, "server.dhcp_mode")
      guard let mode = ServerConfig.DHCPMode(rawValue: text) else {
        throw LangError("server.dhcp_mode is one of \(ServerConfig.DHCPMode.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      change = { $0.dhcp.mode = mode }
    case "dhcp_range":
      guard case .list(let l) = value, l.items.count == 2 else {
        throw LangError("server.dhcp_range takes [first, last], such as [10.0.0.100, 10.0.0.199]")
      }
      let first = try address(l.items[0]), last = try address(l.items[1])
      guard let a = IPv4(first), let b = IPv4(last), a <= b else { throw LangError("server.dhcp_range: the first address must not come after the last") }
      change = { $0.dhcp.rangeStart = first; $0.dhcp.rangeEnd = last }
    case "http_port": let v = try port(value); change = { $0.ports.http = v }
    case "tftp_port": let v = try port(value); change = { $0.ports.tftp = v }
    case "dhcp_port": let v = try port(value); change = { $0.ports.dhcp = v }
    case "secure": let v = try flag(value); change = { $0.secure = v }
    case "autobuild_overlays": let v = try flag(value); change = { $0.autobuildOverlays = v }
    case "update_interval":
      guard case .duration(let ms) = value, ms >= 1000, ms % 1000 == 0 else {
        throw LangError("server.update_interval needs whole seconds, such as 60s or 5m")
      }
      change = { $0.updateInterval = ms / 1000 }
    case "comment": let v = try ClusterFunctions.text(value, "server.comment"); change = { $0.comment = v }
    case "nfs": throw LangError("server.nfs is set field by field: server.nfs.backend = \"ganesha\"")
    case "dns": throw LangError("server.dns is set field by field: server.dns.enabled = true")
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try cluster.session().stage { state, _ in try change(&state.server) }
  }

  var inlineDescription: String { "server" }
  var blockDescription: String {
    get throws {
      var lines = ["server"]
      for name in ServerView.fields {
        let v = try value(of: name)
        guard v != .null else { continue }
        let text: String
        if case .object(let o) = v { text = try o.inlineDescription } else { text = v.stringValue ?? v.repr }
        lines.append("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0) + text)
      }
      return lines.joined(separator: "\n")
    }
  }
}
