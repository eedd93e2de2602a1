import Lang

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
