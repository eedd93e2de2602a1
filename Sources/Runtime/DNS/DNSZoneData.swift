import OrderedCollections

/// One resource record Howl serves: owner name (lowercase, no trailing
/// dot), type, and the data as text (an address, or a name for PTR).
public struct DNSRecord: Hashable, Sendable {
  public enum Kind: String, Sendable { case a = "A", aaaa = "AAAA", ptr = "PTR" }
  public var name: String
  public var kind: Kind
  public var value: String
  /// Where it comes from: a node's id, `dns.add`, or `server`.
  public var source: String
  public init(name: String, kind: Kind, value: String, source: String) {
    self.name = name
    self.kind = kind
    self.value = value
    self.source = source
  }
}

/// The cluster zone and its reverse zones as built from the model: what
/// `howl serve` answers and `dns.sync` pushes. Built in Runtime, served in Services.
public struct DNSZoneData: Equatable, Sendable {
  /// A reverse zone: its name and the network it covers (16 bytes, IPv4 mapped).
  public struct ReverseZone: Equatable, Sendable {
    public var name: String
    public var network: [UInt8]
    public var bits: Int
    public func contains(_ ip: [UInt8]) -> Bool { IPAddressText.masked(ip, bits: bits) == network }
  }

  public var domain: String
  public var reverse: [ReverseZone]
  public var ttl: Int
  /// The head node's name in the zone (the NS and the SOA's primary).
  public var serverName: String
  public var records: [DNSRecord]

  /// The zones' data for the committed or staged `state`; `merged` holds
  /// the nodes already merged (`howl serve` shares its boot view), else each
  /// node is merged here.
  /// - Throws: `DNSZoneError` for a bad domain or reverse network.
  public init(state: ClusterState, merged: [String: MergedNode]? = nil) throws {
    let dns = state.server.dns
    guard DNSName.problem(dns.domain) == nil else { throw DNSZoneError("server.dns.domain \(dns.domain): \(DNSName.problem(dns.domain)!)") }
    let domain = DNSName.normalized(dns.domain)
    self.domain = domain
    ttl = dns.ttl
    serverName = "howl." + domain
    var records: [DNSRecord] = []
    var networks: [([UInt8], Int)] = []
    func add(_ label: String, _ address: String, _ source: String, bits: Int?) {
      let text = address.split(separator: "/", maxSplits: 1).first.map(String.init) ?? address
      guard let ip = IPAddressText.parse(text), DNSName.problem(label) == nil else { return }
      let v4 = DNSName.isIPv4(ip)
      let prefix = address.split(separator: "/").dropFirst().first.flatMap { Int($0) }.map { v4 ? $0 + 96 : $0 }
      records.append(DNSRecord(name: DNSName.normalized(label) + "." + domain, kind: v4 ? .a : .aaaa,
                               value: IPAddressText.format(ip), source: source))
      // Hosts Howl does not boot must fall in the networks of the model; they derive no zone.
      if source != "dns.add" { networks.append((ip, prefix ?? bits ?? (v4 ? 120 : 64))) }
    }
    func maskBits(_ netmask: String?) -> Int? {
      guard let text = netmask, let mask = ServerConfig.parseIPv4(text) else { return nil }
      return 96 + mask.nonzeroBitCount
    }
    let server = state.server
    let serverBits = maskBits(server.netmask)
    if !server.ipaddr.isEmpty { add("howl", server.ipaddr, "server", bits: serverBits) }
    if !server.ipaddr6.isEmpty { add("howl", server.ipaddr6, "server", bits: Int(server.prefixLen6)) }
    for id in state.cluster.nodes.keys {
      guard let node = merged.map({ $0[id] }) ?? (try? state.cluster.merged(id, sources: false, keys: DNSZoneData.nodeFields)) else { continue }
      for (name, address, bits) in DNSZoneData.nodeNames(node, serverBits: serverBits) { add(name, address, id, bits: bits) }
    }
    for (name, addresses) in dns.hosts {
      for address in addresses { add(name, address, "dns.add", bits: nil) }
    }
    if dns.reverse.isEmpty {
      var zones: [ReverseZone] = []
      for (ip, bits) in networks {
        if zones.contains(where: { $0.contains(ip) }) { continue }
        let zone = DNSName.reverseZone(ip, bits: bits)
        zones.append(ReverseZone(name: zone.name, network: zone.network, bits: zone.bits))
      }
      reverse = zones
    } else {
      reverse = try dns.reverse.map(DNSZoneData.reverseZone)
    }
    let reverse = self.reverse
    // One PTR per address: the first name it has (a node's primary name comes before its device names).
    var pointed = Set<String>()
    for record in records {
      guard let ip = IPAddressText.parse(record.value), reverse.contains(where: { $0.contains(ip) }) else { continue }
      let owner = DNSName.pointer(ip)
      guard pointed.insert(owner).inserted else { continue }
      records.append(DNSRecord(name: owner, kind: .ptr, value: record.name, source: record.source))
    }
    self.records = DNSZoneData.unique(records)
  }

  /// A network `10.139.0.0/16` as the reverse zone covering it.
  public static func reverseZone(_ text: String) throws -> ReverseZone {
    let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
    guard parts.count == 2, let ip = IPAddressText.parse(parts[0]), let prefix = Int(parts[1]) else {
      throw DNSZoneError("server.dns.reverse: \(text) is not a network such as 10.139.0.0/16")
    }
    let v4 = DNSName.isIPv4(ip)
    guard (v4 ? 8...32 : 4...128).contains(prefix), prefix % (v4 ? 8 : 4) == 0 else {
      throw DNSZoneError("server.dns.reverse: \(text) needs a prefix on a \(v4 ? "byte (8, 16, 24)" : "nibble (a multiple of 4)") boundary")
    }
    let zone = DNSName.reverseZone(ip, bits: v4 ? prefix + 96 : prefix)
    return ReverseZone(name: zone.name, network: zone.network, bits: zone.bits)
  }

  /// The top-level fields of a merged node that `nodeNames` reads.
  static let nodeFields: Set<String> = ["network devices", "primary network", "ipmi", "ipmi ipaddr"]

  /// The names a node gets, as the hosts overlay writes them into /etc/hosts:
  /// `NAME` for the primary device, `NAME-NETNAME` and `NAME-DEVICE` for each
  /// device with an address (IPv4 and IPv6), `NAME-ipmi` for the BMC.
  static func nodeNames(_ node: MergedNode, serverBits: Int?) -> [(String, String, Int?)] {
    var out: [(String, String, Int?)] = []
    for (netname, device) in node.value(at: FieldPath("network devices"))?.mapValue ?? [:] {
      guard let fields = device.mapValue else { continue }
      var names = ["\(node.id)-\(netname)"]
      if netname == node.primaryNetwork { names.insert(node.id, at: 0) }
      if let dev = fields["device"]?.stringValue, !dev.isEmpty, dev != netname { names.append("\(node.id)-\(dev)") }
      let bits = fields["netmask"]?.stringValue.flatMap(ServerConfig.parseIPv4).map { 96 + $0.nonzeroBitCount } ?? serverBits
      for key in ["ipaddr", "ipaddr6"] {
        guard let address = fields[key]?.stringValue, !address.isEmpty else { continue }
        for name in names { out.append((name, address, key == "ipaddr" ? bits : nil)) }
      }
    }
    if let bmc = node.value(at: FieldPath("ipmi", "ipaddr"))?.stringValue ?? node.value(at: FieldPath("ipmi ipaddr"))?.stringValue,
       !bmc.isEmpty {
      let bits = (node.value(at: FieldPath("ipmi", "netmask"))?.stringValue).flatMap(ServerConfig.parseIPv4).map { 96 + $0.nonzeroBitCount }
      out.append(("\(node.id)-ipmi", bmc, bits ?? serverBits))
    }
    return out
  }

  private static func unique(_ records: [DNSRecord]) -> [DNSRecord] {
    struct Key: Hashable {
      var name: String
      var kind: DNSRecord.Kind
      var value: String
    }
    var seen = Set<Key>(minimumCapacity: records.count)
    return records.filter { seen.insert(Key(name: $0.name, kind: $0.kind, value: $0.value)).inserted }
  }

  /// Every name in the zones' data, forward and reverse.
  public var names: Set<String> { Set(records.map(\.name)) }

  /// The zone `name` belongs to (the cluster zone or a reverse one), or nil.
  public func zone(of name: String) -> String? {
    let name = DNSName.normalized(name)
    for zone in [domain] + reverse.map(\.name) where name == zone || name.hasSuffix("." + zone) { return zone }
    return nil
  }
}

/// A DNS setting or record that cannot be served.
public struct DNSZoneError: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
