/// What `dns.sync` sends to one zone of a site's server: Howl's record sets
/// against those the server holds, so only differences go. Howl removes
/// only names it manages (those it put there before, `DNSSyncLedger`) and
/// touches only A, AAAA and PTR, so records made by hand stay.
public struct DNSSyncPlan: Equatable, Sendable {
  public var zone: String
  public var changes: [DNSRRSetChange]

  /// Howl's record sets in `zone` (the cluster zone or a reverse one), each with `ttl`.
  public static func desired(_ data: DNSZoneData, zone: String) -> [DNSRRSet] {
    var index: [DNSRRSet.Key: Int] = [:]
    index.reserveCapacity(data.records.count)
    var sets: [DNSRRSet] = []
    let suffix = "." + zone
    for record in data.records where record.name == zone || record.name.hasSuffix(suffix) {
      // Record names are normalized already: the set is made once and filled.
      let key = DNSRRSet.Key(name: record.name, kind: record.kind)
      if let at = index[key] {
        sets[at].values.append(record.value)
      } else {
        index[key] = sets.count
        sets.append(DNSRRSet(name: record.name, kind: record.kind, ttl: data.ttl, values: [record.value]))
      }
    }
    for at in sets.indices where sets[at].values.count > 1 { sets[at].values.sort() }
    return sets
  }

  /// The changes that make `held` what `desired` says, at the names of
  /// `desired` and the `managed` ones only.
  public init(zone: String, desired: [DNSRRSet], held: [DNSRRSet], managed: Set<String>) {
    self.zone = zone
    var server: [DNSRRSet.Key: DNSRRSet] = [:]
    server.reserveCapacity(held.count)
    for set in held { server[set.key] = set }
    var changes: [DNSRRSetChange] = []
    var wanted = Set<DNSRRSet.Key>()
    wanted.reserveCapacity(desired.count)
    for set in desired {
      let key = set.key
      wanted.insert(key)
      let before = server[key]
      if before != set { changes.append(DNSRRSetChange(before: before, after: set)) }
    }
    for set in held where managed.contains(set.name) && !wanted.contains(set.key) {
      changes.append(DNSRRSetChange(before: set, after: nil))
    }
    self.changes = changes
  }

  /// The changes in groups that each fit one UPDATE message of at most
  /// `budget` bytes (TCP carries 65,535), counted as Howl's encoder writes
  /// them: each owner name relative to the zone and a pointer to it.
  public func messages(budget: Int = 60_000) -> [[DNSRRSetChange]] {
    var groups: [[DNSRRSetChange]] = []
    var current: [DNSRRSetChange] = []
    var size = 12 + zone.utf8.count + 6
    for change in changes {
      let cost = bound(change)
      if !current.isEmpty && size + cost > budget {
        groups.append(current)
        current = []
        size = 12 + zone.utf8.count + 6
      }
      current.append(change)
      size += cost
    }
    if !current.isEmpty { groups.append(current) }
    return groups
  }

  /// The most bytes a change takes: its prerequisite, the deletion of what
  /// was there and the records added.
  private func bound(_ change: DNSRRSetChange) -> Int {
    let owner = change.name == zone ? 2 : change.name.utf8.count - zone.utf8.count + 2
    func data(_ value: String) -> Int {
      switch change.kind {
      case .a: return 4
      case .aaaa: return 16
      case .ptr: return value.utf8.count + 2
      }
    }
    var total = 0
    if let before = change.before {
      total += before.values.reduce(0) { $0 + owner + 10 + data($1) } + owner + 10
    } else {
      total += owner + 10
    }
    total += (change.after?.values ?? []).reduce(0) { $0 + owner + 10 + data($1) }
    return total
  }
}

/// The names Howl put into a zone of a site's server, kept under
/// `$HOWL_ROOT/var/lib/howl/dns-sync/`: what a later sync may remove.
/// Written after each message the server accepted, so it never claims more
/// than the server holds.
public struct DNSSyncLedger {
  public let path: String

  public init(stateDirectory: String, server: DNSSyncServer, zone: String) {
    path = stateDirectory + "/dns-sync/\(server.address)-\(server.port)-\(zone).names"
  }

  public func load() -> Set<String> {
    guard let text = try? AtomicFile.read(path) else { return [] }
    var names = Set<String>(minimumCapacity: text.utf8.count / 16)
    for line in text.utf8.split(separator: UInt8(ascii: "\n")) { names.insert(String(decoding: line, as: UTF8.self)) }
    return names
  }

  public func save(_ names: Set<String>) throws {
    try AtomicFile.makeDirectories(AtomicFile.parent(of: path))
    try AtomicFile.write(names.sorted().map { $0 + "\n" }.joined(), to: path)
  }
}
