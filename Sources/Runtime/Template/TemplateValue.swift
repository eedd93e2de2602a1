/// A value as a template sees it: Go's dynamic values reduced to the kinds
/// templates meet (JSON-like data, host objects and functions).
///
/// `.null` is Go's nil interface value. A missing map key is not a value at
/// all: the executor keeps it apart and prints it as `<no value>`.
public enum TemplateValue {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case list([TemplateValue])
  /// A string-keyed map, shared by reference like a Go map (Sprig's `set` mutates it);
  /// ranged over and printed in sorted key order.
  case map(TemplateMap)
  /// A host object reached by `.Field` and `.Method args`.
  case object(any TemplateObject)
  /// A function value, usable with the `call` built-in.
  case function(TemplateFunction)
}

/// A host object exposed to templates the way Go exposes a struct (through a
/// pointer): named fields and methods, looked up lazily when a template asks
/// for them. Objects are classes so template values stay small and cheap to copy.
public protocol TemplateObject: AnyObject {
  /// The type name used in error messages (Go prints e.g. `node.NodeConf`).
  var templateTypeName: String { get }
  /// The value of a field, or nil when the object has no such field.
  func templateField(_ name: String) -> TemplateValue?
  /// A method callable with arguments (`.Method a b`), or nil when there is none.
  func templateMethod(_ name: String) -> TemplateFunction?
  /// How `{{.}}` and `%v` print the object.
  var templateDescription: String { get }
  /// Go's truth of the value the object stands for: true for a struct
  /// pointer; an object standing for a slice (such as `net.IP`) is false when empty.
  var templateIsTruthy: Bool { get }
}

extension TemplateObject {
  public func templateMethod(_ name: String) -> TemplateFunction? { nil }
  public var templateDescription: String { "{\(templateTypeName)}" }
  public var templateIsTruthy: Bool { true }
}

/// A host object that `range` can iterate like a list.
public protocol TemplateSequence: TemplateObject {
  var templateElements: [TemplateValue] { get }
}

extension TemplateValue {
  var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// Go's name for the value's dynamic type, as `%T` and bad-verb messages print it.
  public var goTypeName: String {
    switch self {
    case .null: return "<nil>"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float64"
    case .string: return "string"
    case .list: return "[]interface {}"
    case .map: return "map[string]interface {}"
    case .object(let o): return o.templateTypeName
    case .function: return "func"
    }
  }

  /// Go's truth: false, 0, nil and empty strings, lists and maps are false.
  public var isTruthy: Bool {
    switch self {
    case .null: return false
    case .bool(let b): return b
    case .int(let i): return i != 0
    case .float(let f): return f != 0
    case .string(let s): return !s.isEmpty
    case .list(let l): return !l.isEmpty
    case .map(let m): return !m.isEmpty
    case .object(let o): return o.templateIsTruthy
    case .function: return true
    }
  }

  /// Builds a value from Foundation-style JSON objects (`[String: Any]`, `[Any]`, numbers…).
  public init(any value: Any?) {
    guard let value else { self = .null; return }
    switch value {
    case let v as TemplateValue: self = v
    case let b as Bool: self = .bool(b)
    case let i as Int: self = .int(i)
    case let d as Double: self = .float(d)
    case let s as String: self = .string(s)
    case let l as [Any?]: self = .list(l.map { TemplateValue(any: $0) })
    case let m as [String: Any?]: self = .map(TemplateMap(m.mapValues { TemplateValue(any: $0) }))
    case let o as any TemplateObject: self = .object(o)
    default: self = .string(String(describing: value))
    }
  }
}

extension TemplateValue: ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .float(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
  public init(dictionaryLiteral elements: (String, TemplateValue)...) {
    self = .map(TemplateMap(Dictionary(elements, uniquingKeysWith: { _, last in last })))
  }
}

/// The storage of a template map: a reference type, so functions such as
/// Sprig's `set` change the map every holder sees, as in Go.
public final class TemplateMap {
  public var entries: [String: TemplateValue]
  /// What `index` gives for a missing key: nil, as for Go's
  /// `map[string]interface{}`; "" for a map standing for a `map[string]string`.
  public let missingValue: TemplateValue

  public init(_ entries: [String: TemplateValue] = [:], missingValue: TemplateValue = .null) {
    self.entries = entries
    self.missingValue = missingValue
  }

  public subscript(key: String) -> TemplateValue? {
    get { entries[key] }
    set { entries[key] = newValue }
  }

  public var count: Int { entries.count }
  public var isEmpty: Bool { entries.isEmpty }
  /// Keys in Go's order for ranging and printing (byte-wise ascending).
  public var sortedKeys: [String] { entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
  /// Entries in the same order.
  public var sortedEntries: [(key: String, value: TemplateValue)] {
    entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
  }
}

extension TemplateValue: CustomStringConvertible {
  /// The value as `{{.}}` prints it (Go's `%v`).
  public var description: String { GoFormatter.string(self) }
}
