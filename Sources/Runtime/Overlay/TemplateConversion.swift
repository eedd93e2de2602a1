import OrderedCollections

/// Converts nodes.conf values to template values: free-form data (resources)
/// keeps its YAML kinds; Warewulf's typed fields read as strings.
enum TemplateConversion {
  /// A value as Go would see it after YAML decoding into `interface{}`.
  static func value(_ conf: ConfValue) -> TemplateValue {
    switch conf {
    case .scalar(let text, let kind):
      switch kind {
      case .string: return .string(text)
      case .int: return Int(text).map { .int($0) } ?? .string(text)
      case .float: return Double(text).map { .float($0) } ?? .string(text)
      case .bool: return .bool(["true", "yes", "on"].contains(text.lowercased()))
      case .null: return .null
      }
    case .list(let items): return .list(items.map(value))
    case .map(let entries): return .map(TemplateMap(Dictionary(entries.map { ($0.key, value($0.value)) }, uniquingKeysWith: { a, _ in a })))
    }
  }

  /// A scalar field as a string ("" when unset).
  static func string(_ conf: ConfValue?) -> String { conf?.stringValue ?? "" }

  /// A list field as a list of strings (a scalar reads as a one-item list, as 4.5 wrote some).
  static func strings(_ conf: ConfValue?) -> TemplateValue {
    switch conf {
    case .list(let items)?: return .list(items.compactMap { $0.stringValue.map { .string($0) } })
    case .scalar(let text, let kind)? where kind != .null && !text.isEmpty: return .list([.string(text)])
    default: return .list([])
    }
  }

  /// A string-to-string map (tags): `index` of a missing key gives "", as in Go.
  static func stringMap(_ conf: ConfValue?) -> TemplateValue {
    guard case .map(let entries)? = conf else { return .map(TemplateMap(missingValue: "")) }
    var out: [String: TemplateValue] = [:]
    for (key, value) in entries { out[key] = .string(value.stringValue ?? "") }
    return .map(TemplateMap(out, missingValue: ""))
  }

  /// The entries of a map field, or none.
  static func entries(_ conf: ConfValue?) -> OrderedDictionary<String, ConfValue> {
    if case .map(let entries)? = conf { return entries }
    return [:]
  }
}

/// Warewulf's `WWbool`: prints as its string, with `.Bool` (unset ⇒ false)
/// and `.BoolDefaultTrue` (unset ⇒ true).
final class TemplateWWBool: TemplateObject {
  let text: String
  init(_ text: String) { self.text = text }

  var templateTypeName: String { "wwtype.WWbool" }
  var templateDescription: String { text }
  func templateField(_ name: String) -> TemplateValue? {
    let word = text.lowercased()
    switch name {
    case "Bool": return .bool(word == "true" || word == "yes")
    case "BoolDefaultTrue": return .bool(word.isEmpty || !(word == "false" || word == "no"))
    default: return nil
    }
  }
}

/// Warewulf's address fields (`net.IP`): printed in Go's form (`2001:db8::1`,
/// never `2001:0db8::0001`), `<nil>` when unset, and false in `if` when unset.
final class TemplateIP: TemplateObject {
  let text: String
  init(_ text: String) { self.text = text }

  var templateTypeName: String { "net.IP" }
  /// IPv4 text prints as it is (Go's form; Warewulf refuses any other);
  /// IPv6 is put in Go's form.
  var templateDescription: String {
    if text.isEmpty { return "<nil>" }
    guard text.utf8.contains(UInt8(ascii: ":")) else { return text }
    return IPAddressText.canonical(text) ?? text
  }
  var templateIsTruthy: Bool { !text.isEmpty }
  func templateField(_ name: String) -> TemplateValue? { nil }
}

/// A struct of string fields looked up by Warewulf's field name in a nodes.conf map.
final class TemplateRecord: TemplateObject {
  let typeName: String
  let fields: OrderedDictionary<String, ConfValue>
  /// Warewulf field name → nodes.conf key, and how to read it.
  let schema: [String: (key: String, kind: FieldKind)]
  let extras: [String: TemplateValue]

  /// How a field reads: a string, a list of strings, a `WWbool`, an address
  /// (`net.IP`), a tri-state flag read through Warewulf's method (`*bool`:
  /// unset is false), or a tag map.
  enum FieldKind { case string, strings, bool, ip, flag, tags }

  init(_ typeName: String, fields: OrderedDictionary<String, ConfValue>, schema: [String: (key: String, kind: FieldKind)],
       extras: [String: TemplateValue] = [:]) {
    self.typeName = typeName
    self.fields = fields
    self.schema = schema
    self.extras = extras
  }

  var templateTypeName: String { typeName }
  func templateField(_ name: String) -> TemplateValue? {
    if let extra = extras[name] { return extra }
    guard let (key, kind) = schema[name] else { return nil }
    switch kind {
    case .string: return .string(TemplateConversion.string(fields[key]))
    case .strings: return TemplateConversion.strings(fields[key])
    case .bool: return .object(TemplateWWBool(TemplateConversion.string(fields[key])))
    case .ip: return .object(TemplateIP(TemplateConversion.string(fields[key])))
    case .flag: return .bool(["true", "yes"].contains(TemplateConversion.string(fields[key]).lowercased()))
    case .tags: return TemplateConversion.stringMap(fields[key])
    }
  }
}
