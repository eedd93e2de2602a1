import Lang
import OrderedCollections

/// Converting between nodes.conf values and language values.
enum ConfConversion {
  /// A stored value as the language shows it, for fields without a live view.
  static func value(_ conf: ConfValue?, kind: FieldSpec.Kind) -> Value {
    guard let conf else {
      if case .list = kind { return .list([]) }
      if case .profiles = kind { return .list([]) }
      return .null
    }
    switch kind {
    case .ip: return conf.stringValue.flatMap(IPv4.init).map { .ip($0) } ?? data(conf)
    case .mac: return conf.stringValue.flatMap(MAC.init).map { .mac($0) } ?? data(conf)
    case .bool: return conf.stringValue.map { .bool(parseBool($0) ?? false) } ?? data(conf)
    case .list, .profiles:
      if case .list(let items) = conf { return .list(items.map(data)) }
      if let s = conf.stringValue { return .list(s.split(separator: ",").map { .string(String($0)) }) }
      return data(conf)
    default: return data(conf)
    }
  }

  /// Any stored value, by its YAML kind.
  static func data(_ conf: ConfValue) -> Value {
    switch conf {
    case .scalar(let text, let kind):
      switch kind {
      case .int: return Int(text).map { .int($0) } ?? .string(text)
      case .float: return Double(text).map { .float($0) } ?? .string(text)
      case .bool: return parseBool(text).map { .bool($0) } ?? .string(text)
      case .null: return .null
      case .string: return .string(text)
      }
    case .list(let items): return .list(items.map(data))
    case .map(let fields):
      var map = OrderedMap()
      for (k, v) in fields { map[string: k] = data(v) }
      return .map(MapRef(map))
    }
  }

  static func parseBool(_ s: String) -> Bool? {
    switch s.lowercased() {
    case "true", "yes", "on", "1": return true
    case "false", "no", "off", "0": return false
    default: return nil
    }
  }

  /// A language value to store; nil means "remove the node's own value".
  static func conf(_ value: Value, kind: FieldSpec.Kind, field: String) throws -> ConfValue? {
    switch (kind, value) {
    case (_, .null): return nil
    case (.ip, .ip(let ip)): return .string(ip.description)
    case (.ip, .string(let s)):
      guard IPv4(s) != nil else { throw LangError("\(field): \(Value.quote(s)) is not an IPv4 address") }
      return .string(s)
    case (.ip, .cidr(let c)): return .string(c.address.description)
    case (.mac, .mac(let m)): return .string(m.description)
    case (.mac, .string(let s)):
      guard let m = MAC(s) else { throw LangError("\(field): \(Value.quote(s)) is not a MAC address") }
      return .string(m.description)
    case (.bool, .bool(let b)): return .string(b ? "true" : "false")
    case (.list, .list(let l)), (.profiles, .list(let l)):
      return .list(try l.items.map { try scalarText($0, field: field) }.map { .string($0) })
    case (.list, _), (.profiles, _):
      return .list([.string(try scalarText(value, field: field))])
    case (.string, _), (.image, _): return .string(try scalarText(value, field: field))
    case (.data, _), (.tags, _), (.dataMap, _): return try data(value, field: field)
    default:
      throw LangError("\(field) cannot be set to \(value.typeName)")
    }
  }

  /// Text of a scalar value: strings as they are, addresses and sizes printed.
  static func scalarText(_ value: Value, field: String) throws -> String {
    switch value {
    case .list, .map, .function, .range, .object, .null:
      throw LangError("\(field) needs a string, not \(value.typeName)")
    default: return value.description
    }
  }

  /// Any language value as free-form YAML.
  static func data(_ value: Value, field: String) throws -> ConfValue {
    switch value {
    case .null: return .scalar("", .null)
    case .bool(let b): return .scalar(b ? "true" : "false", .bool)
    case .int(let i): return .scalar(String(i), .int)
    case .float(let f): return .scalar(f.description, .float)
    case .list(let l): return .list(try l.items.map { try data($0, field: field) })
    case .map(let m):
      var out = OrderedDictionary<String, ConfValue>()
      for (k, v) in m.entries.pairs { out[k.description] = try data(v, field: field) }
      return .map(out)
    case .function, .object, .range: throw LangError("\(field) cannot hold a \(value.typeName)")
    default: return .string(value.description)
    }
  }
}
