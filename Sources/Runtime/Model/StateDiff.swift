import OrderedCollections

/// What changed between two states, for people: one line per change,
/// identical changes on many nodes folded into one line with a hostlist.
public enum StateDiff {
  /// Human diff, grouped: identical changes on many nodes become one line with a compressed hostlist:
  /// "sc[001-270]: root initramfs → /dev/disk/..."; "+ node sc005", "- profile old", "server: dhcp.range start 10.0.0.100 → …".
  /// Order: profiles, nodes, other nodes.conf keys, server. A missing value shows as `(unset)`.
  public static func lines(from old: ClusterState, to new: ClusterState) -> [String] {
    var out: [String] = []
    out += entities("profile", old.cluster.profiles, new.cluster.profiles, grouped: false)
    out += entities("node", old.cluster.nodes, new.cluster.nodes, grouped: true)
    for change in changes(old.cluster.extra, new.cluster.extra) { out.append("nodes.conf: " + change) }
    if old.server != new.server {
      for change in changes(old.server.fileMap(), new.server.fileMap()) { out.append("server: " + change) }
    }
    return out
  }

  static func entities(_ kind: String, _ old: OrderedDictionary<String, Entity>, _ new: OrderedDictionary<String, Entity>,
                       grouped: Bool) -> [String] {
    let removed = old.keys.elements.filter { new[$0] == nil }
    let added = new.keys.elements.filter { old[$0] == nil }
    var out: [String] = []
    if !removed.isEmpty { out += names(removed, grouped).map { "- \(kind) \($0)" } }
    if !added.isEmpty { out += names(added, grouped).map { "+ \(kind) \($0)" } }
    var byChange = OrderedDictionary<String, [String]>()
    for (id, entity) in new {
      guard let before = old[id], before != entity else { continue }
      for change in changes(before.fields, entity.fields) { byChange[change, default: []].append(id) }
    }
    for (change, ids) in byChange {
      for label in names(ids, grouped) { out.append(grouped ? "\(label): \(change)" : "\(kind) \(label): \(change)") }
    }
    return out
  }

  static func names(_ ids: [String], _ grouped: Bool) -> [String] {
    grouped ? [Hostlist.compress(ids)] : ids
  }

  /// `path old → new` for each leaf (scalar, list, empty map) that differs.
  static func changes(_ old: OrderedDictionary<String, ConfValue>, _ new: OrderedDictionary<String, ConfValue>) -> [String] {
    var before = OrderedDictionary<FieldPath, ConfValue>()
    var after = OrderedDictionary<FieldPath, ConfValue>()
    flatten(old, FieldPath([]), &before)
    flatten(new, FieldPath([]), &after)
    // An empty map that gained (or lost) entries shows as its entries only.
    func isEmptyMapWithEntries(_ path: FieldPath, _ value: ConfValue, in other: OrderedDictionary<FieldPath, ConfValue>) -> Bool {
      guard case .map(let m) = value, m.isEmpty else { return false }
      return other.keys.contains { $0.keys.count > path.keys.count && $0.keys.starts(with: path.keys) }
    }
    var out: [String] = []
    for (path, value) in after where before[path] != value && !isEmptyMapWithEntries(path, value, in: before) {
      out.append("\(path) \(before[path].map { Secrets.shown($0, at: path) } ?? "(unset)") → \(Secrets.shown(value, at: path))")
    }
    for (path, value) in before where after[path] == nil && !isEmptyMapWithEntries(path, value, in: after) {
      out.append("\(path) \(Secrets.shown(value, at: path)) → (unset)")
    }
    return out
  }

  static func flatten(_ map: OrderedDictionary<String, ConfValue>, _ path: FieldPath, _ out: inout OrderedDictionary<FieldPath, ConfValue>) {
    for (key, value) in map {
      if case .map(let inner) = value, !inner.isEmpty { flatten(inner, path.appending(key), &out) }
      else { out[path.appending(key)] = value }
    }
  }
}
