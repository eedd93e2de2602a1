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
    return DNSSyncServer(address: text, port: port, key: key.key, timeout: try CallOptions.timeout(args, default: 5))
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
