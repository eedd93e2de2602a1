/// A host object that is a map (a node's tags, its network devices): it
/// reads, iterates (`for k, v in`), counts, tests `in` and prints as the
/// language's maps do, and has their methods (`get`, `has`, `keys`, …).
///
/// As on a language map, `m.name` reads the key `name` when there is one
/// and the method otherwise, while `m.name(…)` always calls the method;
/// `m["name"]` always reads the key.
public protocol HostMap: HostObject {
  /// The entries, in order.
  func entries() throws -> OrderedMap
  /// The keys, in order (by default, those of `entries`).
  func entryKeys() throws -> [Value]
  /// One key's value; nil when the key is absent.
  func lookup(_ key: String) throws -> Value?
  /// Whether the key is present (by default, whether `lookup` finds it).
  func hasKey(_ key: String) throws -> Bool
  /// Writes one key; nil removes it.
  func setEntry(_ key: String, to value: Value) throws
  /// The error for reading a key that is absent.
  func missingKey(_ key: String) -> LangError
}

extension HostMap {
  public func hasKey(_ key: String) throws -> Bool { try lookup(key) != nil }
  public func entryKeys() throws -> [Value] { try entries().keys }

  public func missingKey(_ key: String) -> LangError {
    LangError("\(typeName) has no key '\(key)'", suggestion: Suggestions.didYouMean(key, among: indexKeys))
  }

  public func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    if isMapMethod(name), try !hasKey(name) { return mapMethod(name) }
    guard let value = try lookup(name) else { throw missingKey(name) }
    return value
  }

  public func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    try setEntry(name, to: value)
  }

  public func callMethod(_ name: String, _ arguments: Arguments, in interpreter: Interpreter) throws -> Value {
    if isMapMethod(name) { return try callMapMethod(name, arguments) }
    return try interpreter.call(try member(name, in: interpreter), arguments)
  }

  public func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    let name = key.description
    guard let value = try lookup(name) else { throw missingKey(name) }
    return value
  }

  public func setIndex(_ key: Value, to value: Value, in interpreter: Interpreter) throws {
    try setEntry(key.description, to: value)
  }

  public func elements(in interpreter: Interpreter) throws -> [Value] { try entryKeys() }
  public var count: Int? { try? entryKeys().count }
  public func contains(_ value: Value, in interpreter: Interpreter) throws -> Bool { try hasKey(value.description) }
  public var indexKeys: [String] { ((try? entryKeys()) ?? []).map(\.description) }
  public var memberNames: [String] { indexKeys + Members.mapMethods }
  public var inlineDescription: String { get throws { try Value.map(MapRef(try entries())).checkedRepr() } }

  /// Whether `name` is one of the language's map methods.
  public func isMapMethod(_ name: String) -> Bool { Members.mapMethods.contains(name) }

  /// A map method as a function value (`let f = m.keys`).
  public func mapMethod(_ name: String) -> Value {
    .function(NativeFunction(name) { [self] _, args in try callMapMethod(name, args) })
  }

  /// `get` and `has` read one key, `keys` and `len` only the keys, `remove`
  /// and `clear` write through the host; the rest are the language's own,
  /// on a copy of the entries.
  public func callMapMethod(_ name: String, _ args: Arguments) throws -> Value {
    let fn = "\(typeName).\(name)"
    switch name {
    case "keys":
      try args.expect(fn, count: 0...0)
      return .list(ListRef(try entryKeys()))
    case "len":
      try args.expect(fn, count: 0...0)
      return .int(try entryKeys().count)
    case "get":
      try args.expect(fn, count: 1...2)
      return try lookup(args[0].description) ?? (args.count == 2 ? args[1] : .null)
    case "has":
      try args.expect(fn, count: 1...1)
      return .bool(try hasKey(args[0].description))
    case "remove":
      try args.expect(fn, count: 1...1)
      let old = try lookup(args[0].description) ?? .null
      try setEntry(args[0].description, to: .null)
      return old
    case "clear":
      try args.expect(fn, count: 0...0)
      for key in try entryKeys() { try setEntry(key.description, to: .null) }
      return .null
    default:
      return try MapMethods.call(MapRef(try entries()), name, args)
    }
  }
}
