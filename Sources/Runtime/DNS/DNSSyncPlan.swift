/// What `dns.sync` sends to one zone of a site's server: Howl's record sets
/// against those the server holds, so only differences go. Howl removes
/// only names it manages (those it put there before, `DNSSyncLedger`) and
/// touches only A, AAAA and PTR, so records made by hand stay.
public struct DNSSyncPlan: Equatable, Sendable {
  public var zone: String
  public var changes: [DNSRRSetChange]

  /// Howl's record sets in `zone` (the cluster zone or a reverse one), each with `ttl`.
  public static func desired(_ data: DNSZoneData, zone: String) -> [DNSRRSet] {
    var sets: [String: DNSRRSet] = [:]
    var order: [String] = []
    for record in data.records where record.name == zone || record.name.hasSuffix("." + zone) {
      let key = record.name + " " + record.kind.rawValue
      if sets[key] == nil {
        order.append(key)
        sets[key] = DNSRRSet(name: record.name, kind: record.kind, ttl: data.ttl, values: [])
      }
      sets[key]!.values.append(record.value)
    }
    return order.map { key in
      let set = sets[key]!
      return DNSRRSet(name: set.name, kind: set.kind, ttl: set.ttl, values: set.values)
    }
  }

  /// The changes that make `held` what `desired` says, at the names of
  /// `desired` and the `managed` ones only.
  public init(zone: String, desired: [DNSRRSet], held: [DNSRRSet], managed: Set<String>) {
    self.zone = zone
    var server: [String: DNSRRSet] = [:]
    for set in held { server[set.name + " " + set.kind.rawValue] = set }
    var changes: [DNSRRSetChange] = []
    var wanted = Set<String>()
    for set in desired {
      let key = set.name + " " + set.kind.rawValue
      wanted.insert(key)
      let before = server[key]
      if before != set { changes.append(DNSRRSetChange(before: before, after: set)) }
    }
    for set in held where managed.contains(set.name) && !wanted.contains(set.name + " " + set.kind.rawValue) {
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
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return Set(text.split(separator: "\n").map(String.init))
  }

  public func save(_ names: Set<String>) throws {
    try AtomicFile.makeDirectories(AtomicFile.parent(of: path))
    try AtomicFile.write(names.sorted().map { $0 + "\n" }.joined(), to: path)
  }
}
