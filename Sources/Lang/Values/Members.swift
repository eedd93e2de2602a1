/// Members, methods and indexing of the built-in types.
///
/// A map's keys read as members (`m.name` is `m["name"]`); its methods
/// (`keys`, `get`, …) are found when no key of that name exists.
public enum Members {
  static let listMethods = ["append", "extend", "insert", "pop", "remove", "contains", "index", "sort", "reverse",
                            "copy", "clear", "join", "map", "filter", "first", "last"]
  static let stringMethods = ["upper", "lower", "trim", "split", "lines", "starts_with", "ends_with", "contains",
                              "replace", "find", "trim_prefix", "trim_suffix", "len"]
  static let mapMethods = ["keys", "values", "items", "get", "has", "remove", "copy", "clear", "len"]
  static let cidrMembers = ["address", "network", "netmask", "prefix", "broadcast", "size"]

  /// Member names of a value, for completion and suggestions.
  public static func names(of v: Value) -> [String] {
    switch v {
    case .list: return listMethods
    case .string: return stringMethods
    case .map(let m): return m.entries.keys.compactMap(\.stringValue) + mapMethods
    case .cidr: return cidrMembers
    case .ip: return ["octets"]
    case .size: return ["bytes"]
    case .duration: return ["seconds", "ms"]
    case .device: return ["path", "name"]
    case .range: return ["start", "end"]
    case .function: return ["name"]
    case .object(let o): return o.memberNames
    default: return []
    }
  }

  static func noMember(_ v: Value, _ name: String) -> LangError {
    LangError.noMember(name, of: v.typeName, candidates: names(of: v))
  }

  public static func get(_ v: Value, _ name: String, _ interpreter: Interpreter) throws -> Value {
    switch v {
    case .object(let o): return try o.member(name, in: interpreter)
    case .map(let m):
      if let value = m.entries[string: name] { return value }
      guard mapMethods.contains(name) else {
        throw LangError("map has no key '\(name)'",
                        suggestion: Suggestions.didYouMean(name, among: m.entries.keys.compactMap(\.stringValue)))
      }
    case .cidr(let c):
      switch name {
      case "address": return .ip(c.address)
      case "network": return .ip(c.network)
      case "netmask": return .ip(c.netmask)
      case "prefix": return .int(c.prefix)
      case "broadcast": return .ip(c.broadcast)
      case "size": return .int(c.count)
      default: throw noMember(v, name)
      }
    case .ip(let ip) where name == "octets":
      return .list([24, 16, 8, 0].map { .int(Int(ip.raw >> UInt32($0) & 0xff)) })
    case .size(let s) where name == "bytes": return .int(s)
    case .duration(let d) where name == "seconds": return .float(Double(d) / 1000)
    case .duration(let d) where name == "ms": return .int(d)
    case .device(let path) where name == "path": return .string(path)
    case .device(let path) where name == "name": return .string(String(path.split(separator: "/").last ?? ""))
    case .range(let lo, _) where name == "start": return .int(lo)
    case .range(_, let hi) where name == "end": return .int(hi)
    case .function(let f) where name == "name": return .string(f.name)
    default: break
    }
    guard names(of: v).contains(name) else { throw noMember(v, name) }
    return .function(NativeFunction(name) { interpreter, args in try call(v, name, args, interpreter) })
  }

  public static func set(_ v: Value, _ name: String, _ newValue: Value, _ interpreter: Interpreter) throws {
    switch v {
    case .object(let o): try o.setMember(name, to: newValue, in: interpreter)
    case .map(let m): m.entries[string: name] = newValue
    default: throw LangError("cannot set member '\(name)' on \(v.typeName)")
    }
  }

  // MARK: - Indexing

  static func position(_ i: Int, count: Int) throws -> Int {
    let p = i < 0 ? count + i : i
    guard p >= 0 && p < count else { throw LangError("index \(i) is out of range for length \(count)") }
    return p
  }

  public static func index(_ v: Value, _ key: Value, _ interpreter: Interpreter) throws -> Value {
    switch (v, key) {
    case (.list(let l), .int(let i)): return l.items[try position(i, count: l.items.count)]
    case (.list(let l), .range(let lo, let hi)):
      return .list(Array(l.items[try slice(lo, hi, count: l.items.count)]))
    case (.map(let m), _):
      if let value = m.entries[key] { return value }
      let keys = m.entries.keys.compactMap(\.stringValue)
      throw LangError("map has no key \(key.repr)",
                      suggestion: key.stringValue.flatMap { Suggestions.didYouMean($0, among: keys) }
                        ?? "use m.get(key, default) for a key that may be missing")
    case (.string(let s), .int(let i)):
      let chars = Array(s)
      return .string(String(chars[try position(i, count: chars.count)]))
    case (.string(let s), .range(let lo, let hi)):
      let chars = Array(s)
      return .string(String(chars[try slice(lo, hi, count: chars.count)]))
    case (.range(let lo, let hi), .int(let i)):
      let count = hi >= lo ? hi - lo + 1 : 0
      return .int(lo + (try position(i, count: count)))
    case (.object(let o), _): return try o.index(key, in: interpreter)
    default:
      throw LangError("cannot index \(v.typeName) with \(key.typeName)")
    }
  }

  /// The positions of an inclusive range `lo..hi`, clamped to the length.
  static func slice(_ lo: Int, _ hi: Int, count: Int) throws -> Range<Int> {
    let a = max(0, lo < 0 ? count + lo : lo)
    let b = min(count - 1, hi < 0 ? count + hi : hi)
    return a <= b ? a..<(b + 1) : 0..<0
  }

  public static func setIndex(_ v: Value, _ key: Value, _ newValue: Value, _ interpreter: Interpreter) throws {
    switch (v, key) {
    case (.list(let l), .int(let i)): l.items[try position(i, count: l.items.count)] = newValue
    case (.map(let m), _): m.entries[key] = newValue
    case (.object(let o), _): try o.setIndex(key, to: newValue, in: interpreter)
    default: throw LangError("cannot assign to an element of \(v.typeName)")
    }
  }

  // MARK: - Methods

  public static func call(_ v: Value, _ name: String, _ args: Arguments, _ interpreter: Interpreter) throws -> Value {
    switch v {
    case .list(let l): return try ListMethods.call(l, name, args, interpreter)
    case .string(let s): return try StringMethods.call(s, name, args)
    case .map(let m): return try MapMethods.call(m, name, args)
    case .object(let o): return try o.callMethod(name, args, in: interpreter)
    default:
      let member = try get(v, name, interpreter)
      return try interpreter.call(member, args)
    }
  }
}
