import Lang

/// `dns.sync(server: 10.0.0.53, key: tsig(...))`: pushes the committed
/// cluster zone and its reverse zones to a site's DNS server by dynamic
/// update (RFC 2136) signed with TSIG. Reads what the server holds, sends
/// only the differences (one UPDATE message per zone while it fits), and
/// returns what it added, changed and removed.
enum DNSSync {
  static let labels = ["server", "zone", "reverse", "key", "port", "timeout"]

  static func function(_ cluster: ClusterContext) -> Value {
    .function(NativeFunction("dns.sync") { _, args in
      try args.expect("dns.sync", count: 0...0, labels: labels)
      guard let syncer = cluster.dnsSync else { throw LangError("dns.sync() needs howl's DNS update client, not installed here") }
      let server = try DNSSync.server(args)
      let session = try cluster.session()
      if cluster.hasChanges { throw LangError("dns.sync() sends what is committed; there are staged changes", suggestion: "commit() first") }
      var state = session.base
      if let zone = args.named("zone") {
        let name = try ClusterFunctions.text(zone, "a zone name")
        if let problem = DNSName.problem(name) { throw LangError("dns.sync(zone:): \(problem)") }
        state.server.dns.domain = DNSName.normalized(name)
      }
      let data: DNSZoneData
      do { data = try DNSZoneData(state: state) } catch let error as DNSZoneError { throw LangError("dns.sync: \(error)") }
      var zones = [data.domain]
      if let reverse = args.named("reverse") {
        for name in try ClusterFunctions.names(reverse) {
          if let problem = DNSName.problem(name) { throw LangError("dns.sync(reverse:): \(name): \(problem)") }
          zones.append(DNSName.normalized(name))
        }
      } else {
        zones += data.reverse.map(\.name)
      }
      var results: [DNSSyncResult.Zone] = []
      for zone in zones {
        do {
          results.append(try push(zone, data, to: server, with: syncer, stateDirectory: cluster.store.stateDirectory))
        } catch let error as DNSSyncError {
          let done = results.filter { $0.messages > 0 }.map(\.name)
          throw LangError("dns.sync: \(error)" + (done.isEmpty ? "" : "; \(done.joined(separator: ", ")) were synced before it"))
        }
      }
      return .object(DNSSyncResult(results))
    })
  }

  static func server(_ args: Arguments) throws -> DNSSyncServer {
    guard let address = args.named("server") else { throw LangError("dns.sync() needs server: the address of the site's DNS server") }
    let text: String
    switch address {
    case .ip(let ip): text = ip.description
    case .string(let s) where IPAddressText.parse(s) != nil: text = IPAddressText.canonical(s)!
    default: throw LangError("dns.sync(server:) needs an IP address, not \(address.repr)")
    }
    guard case .object(let object)? = args.named("key"), let key = object as? TSIGKeyValue else {
      throw LangError("dns.sync() needs key: a TSIG key", suggestion: "key: tsig(file: \"/etc/howl/update.key\") or tsig(\"NAME\", \"hmac-sha256\", \"SECRET\")")
    }
    var port = 53
    if let value = args.named("port") {
      guard case .int(let p) = value, (1...65535).contains(p) else { throw LangError("dns.sync(port:) needs a port number, not \(value.repr)") }
      port = p
    }
    var timeout = 5.0
    if let value = args.named("timeout") {
      guard case .duration(let ms) = value, ms > 0 else { throw LangError("dns.sync(timeout:) needs a duration, such as 5s") }
      timeout = Double(ms) / 1000
    }
    return DNSSyncServer(address: text, port: port, key: key.key, timeout: timeout)
  }

  /// Reads one zone, sends its changes, and records the names Howl put there
  /// after each message the server accepted.
  static func push(_ zone: String, _ data: DNSZoneData, to server: DNSSyncServer, with syncer: any DNSSyncing,
                   stateDirectory: String) throws -> DNSSyncResult.Zone {
    let ledger = DNSSyncLedger(stateDirectory: stateDirectory, server: server, zone: zone)
    let managed = ledger.load()
    let desired = DNSSyncPlan.desired(data, zone: zone)
    let held = try syncer.read(zone: zone, names: managed.union(desired.map(\.name)), from: server)
    let plan = DNSSyncPlan(zone: zone, desired: desired, held: held, managed: managed)
    var owned = managed
    let messages = plan.messages()
    func record() throws {
      do { try ledger.save(owned) } catch { throw DNSSyncError("cannot record the names synced to \(zone) in \(ledger.path): \(error)") }
    }
    for (index, group) in messages.enumerated() {
      do {
        try syncer.update(zone: zone, group, on: server)
      } catch let error as DNSSyncError {
        try record()
        let applied = index == 0 ? "nothing of it was applied" : "\(index) of its \(messages.count) messages were applied, the rest not"
        throw DNSSyncError("\(error.description) (\(applied): \(DNSSyncResult.Zone(zone, group, messages: 1).summary))")
      }
      for change in group {
        if change.after == nil { owned.remove(change.name) } else { owned.insert(change.name) }
      }
    }
    owned.formUnion(desired.map(\.name))
    if owned != managed { try record() }
    return DNSSyncResult.Zone(zone, plan.changes, messages: messages.count)
  }
}

/// `tsig("NAME", "hmac-sha256", "BASE64SECRET")` or `tsig(file: PATH)`
/// (a BIND key file, as `tsig-keygen` writes it): a key for `dns.sync`.
/// It prints with its secret masked.
final class TSIGKeyValue: HostObject {
  let key: TSIGKey
  init(_ key: TSIGKey) { self.key = key }

  static func make(_ args: Arguments) throws -> Value {
    try args.expect("tsig", count: 0...3, labels: ["file"])
    do {
      if let file = args.named("file") {
        guard args.count == 0 else { throw LangError("tsig() takes a file or a name, algorithm and secret, not both") }
        return .object(TSIGKeyValue(try TSIGKey(file: try ClusterFunctions.text(file, "a key file path"))))
      }
      guard args.count == 3 else { throw LangError("tsig() takes a key name, its algorithm and its base64 secret, or file: PATH") }
      return .object(TSIGKeyValue(try TSIGKey(name: try ClusterFunctions.text(args[0], "a key name"),
                                              algorithm: try ClusterFunctions.text(args[1], "an algorithm such as hmac-sha256"),
                                              base64Secret: try ClusterFunctions.text(args[2], "a base64 secret"))))
    } catch let error as DNSZoneError { throw LangError(error.description) }
  }

  var typeName: String { "tsig key" }
  var memberNames: [String] { ["name", "algorithm"] }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "name": return .string(key.name)
    case "algorithm": return .string(key.algorithm)
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String { key.description }
  var blockDescription: String { key.description }
}

/// What `dns.sync` did, zone by zone: names added, changed and removed,
/// folded as hostlists (reverse names as the addresses they point from).
final class DNSSyncResult: HostObject {
  struct Zone {
    var name: String
    var added: [String] = []
    var changed: [String] = []
    var removed: [String] = []
    var messages: Int

    init(_ zone: String, _ changes: [DNSRRSetChange], messages: Int) {
      name = zone
      self.messages = messages
      var kinds: [String: Set<String>] = [:]
      var order: [String] = []
      for change in changes {
        if kinds[change.name] == nil { order.append(change.name) }
        kinds[change.name, default: []].insert(change.before == nil ? "added" : change.after == nil ? "removed" : "changed")
      }
      for name in order {
        switch kinds[name]! {
        case ["added"]: added.append(name)
        case ["removed"]: removed.append(name)
        default: changed.append(name)
        }
      }
    }

    /// `added n[1-3]; changed n4; removed n5`, or `no change`.
    var summary: String {
      let parts = [("added", added), ("changed", changed), ("removed", removed)].filter { !$0.1.isEmpty }
        .map { "\($0.0) \(Hostlist.compress($0.1.map(shown)))" }
      return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }

    /// A name as a sysadmin reads it: relative to the zone, or the IPv4 address a PTR is for.
    func shown(_ full: String) -> String {
      if full.hasSuffix(".in-addr.arpa") {
        return full.dropLast(".in-addr.arpa".count).split(separator: ".").reversed().joined(separator: ".")
      }
      return full == name ? "@" : DNSView.relative(full, to: name)
    }
  }

  let zones: [Zone]
  init(_ zones: [Zone]) { self.zones = zones }

  var typeName: String { "dns sync result" }
  var memberNames: [String] { ["added", "changed", "removed", "messages"] }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    func names(_ pick: (Zone) -> [String]) -> Value { .list(ListRef(zones.flatMap(pick).map(Value.string))) }
    switch name {
    case "added": return names(\.added)
    case "changed": return names(\.changed)
    case "removed": return names(\.removed)
    case "messages": return .int(zones.reduce(0) { $0 + $1.messages })
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String {
    "dns sync: \(zones.reduce(0) { $0 + $1.added.count }) added, \(zones.reduce(0) { $0 + $1.changed.count }) changed, \(zones.reduce(0) { $0 + $1.removed.count }) removed"
  }

  var blockDescription: String {
    let width = zones.map(\.name.count).max() ?? 0
    return zones.map { zone in
      zone.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + zone.summary
        + (zone.messages > 1 ? " (\(zone.messages) messages)" : "")
    }.joined(separator: "\n")
  }
}
