/// Fields whose values are never shown: BMC passwords. Tables, block
/// prints, diffs and messages print `Secrets.mask` in their place.
public enum Secrets {
  public static let mask = "********"

  /// Whether a field (its last key, `password` or Warewulf 4.5's flat
  /// `ipmi password`) holds a secret.
  public static func isSecret(_ key: String) -> Bool { key == "password" || key == "ipmi password" }

  /// How a value at `path` may be printed.
  static func shown(_ value: ConfValue, at path: FieldPath) -> String {
    guard let key = path.keys.last, isSecret(key), value.stringValue.map({ !$0.isEmpty }) ?? false else {
      return value.description
    }
    return mask
  }

  /// `value` (found at `path`) with every secret in it masked, maps searched.
  static func masked(_ value: ConfValue, at path: FieldPath) -> ConfValue {
    func mask(_ value: ConfValue, _ key: String) -> ConfValue {
      switch value {
      case .scalar(let text, _): return isSecret(key) && !text.isEmpty ? .string(Secrets.mask) : value
      case .list: return value
      case .map(let map):
        var out = map
        for (k, v) in map { out[k] = mask(v, k) }
        return .map(out)
      }
    }
    return mask(value, path.keys.last ?? "")
  }

  /// Whether any node or profile holds a password (nodes.conf is then
  /// written readable by its owner only).
  static func present(in cluster: ClusterConfig) -> Bool {
    func holds(_ value: ConfValue, _ key: String) -> Bool {
      switch value {
      case .scalar(let text, _): return isSecret(key) && !text.isEmpty
      case .list(let items): return items.contains { holds($0, key) }
      case .map(let map): return map.contains { holds($0.value, $0.key) }
      }
    }
    return (cluster.nodes.values.elements + cluster.profiles.values.elements).contains { entity in
      entity.fields.contains { holds($0.value, $0.key) }
    }
  }
}
