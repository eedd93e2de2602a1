import Runtime

/// The zones Howl is authoritative for, indexed for answering: built once
/// per commit from `DNSZoneData`, immutable, swapped in whole.
public struct DNSAuthority: Sendable {
  /// Type → record data of one owner name.
  typealias RRSets = [UInt16: [DNSRecordData]]

  public let zone: DNSZoneData
  public let serial: UInt32
  /// Apex names, longest first, so the most specific zone wins.
  let apexes: [String]
  /// Each apex with a dot before it: what the names below it end with.
  private let apexSuffixes: [String]
  let names: [String: RRSets]
  /// Names with no records of their own but records below them (RFC 8020): NODATA, not NXDOMAIN.
  let emptyNonTerminals: Set<String>
  let ttl: UInt32
  /// The answers to `names`, ready to send.
  let encoded: DNSEncodedAnswers

  public init(zone: DNSZoneData, serial: UInt32) {
    self.zone = zone
    self.serial = serial
    ttl = UInt32(clamping: zone.ttl)
    apexes = ([zone.domain] + zone.reverse.map(\.name)).sorted { $0.count > $1.count }
    apexSuffixes = apexes.map { "." + $0 }
    var names: [String: RRSets] = [:]
    for record in zone.records {
      guard let data = DNSRecordData(kind: record.kind, value: record.value) else { continue }
      names[record.name, default: [:]][record.kind.wireType, default: []].append(data)
    }
    let apexList = apexes
    var empty = Set<String>()
    for name in names.keys {
      guard let apex = apexList.first(where: { name == $0 || name.hasSuffix("." + $0) }) else { continue }
      var parts = name.split(separator: ".").dropFirst()
      while parts.joined(separator: ".") != apex, !parts.isEmpty {
        let parent = parts.joined(separator: ".")
        if names[parent] == nil { empty.insert(parent) }
        parts = parts.dropFirst()
      }
    }
    self.names = names
    emptyNonTerminals = empty
    encoded = DNSEncodedAnswers(names, ttl: ttl)
  }

  /// The zone a name falls in, if any.
  func apex(of key: String) -> String? {
    for (apex, suffix) in zip(apexes, apexSuffixes) where key == apex || key.hasSuffix(suffix) { return apex }
    return nil
  }

  func soa(_ apex: String) -> DNSResource {
    DNSResource(name: DomainName(apex), type: DNSType.soa, ttl: ttl, data: .soa(
      primary: DomainName(zone.serverName), mailbox: DomainName("hostmaster." + zone.domain),
      numbers: [serial, 3600, 600, 86400, ttl]))
  }

  func ns(_ apex: String) -> DNSResource {
    DNSResource(name: DomainName(apex), type: DNSType.ns, ttl: ttl, data: .name(DomainName(zone.serverName)))
  }

  /// What a name holds: the records of `type` (all for ANY), the apex's SOA
  /// and NS; nil when the name does not exist in the zone.
  func lookup(_ key: String, type: UInt16, apex: String) -> [(UInt16, DNSRecordData)]? {
    guard key == apex else {
      guard let sets = names[key], !sets.isEmpty else { return emptyNonTerminals.contains(key) ? [] : nil }
      // One type asked (nearly every query): its records only, no copy of the name's sets.
      if type != DNSType.any { return (sets[type] ?? []).map { (type, $0) } }
      return sets.keys.sorted().flatMap { t in sets[t]!.map { (t, $0) } }
    }
    var sets = names[key] ?? [:]
    sets[DNSType.soa] = [soa(apex).data]
    sets[DNSType.ns] = [ns(apex).data]
    let types = type == DNSType.any ? sets.keys.sorted() : [type]
    return types.flatMap { t in (sets[t] ?? []).map { (t, $0) } }
  }
}
