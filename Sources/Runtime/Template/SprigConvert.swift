/// Sprig's value conversions (`strval`, `cast.ToInt64`, `cast.ToFloat64`) and
/// the argument checks Go applies to typed parameters.
enum SprigConvert {
  /// Sprig's `strval`: strings as they are, anything else as `%v`.
  static func string(_ v: TemplateValue) -> String {
    GoFormatter.string(v)
  }

  /// `cast.ToInt64`: numbers truncated, numeric strings parsed (base prefixes allowed), bools 0/1, else 0.
  static func int(_ v: TemplateValue) -> Int {
    switch v {
    case .int(let i): return i
    case .float(let f): return f.isFinite && abs(f) < 9.2e18 ? Int(f) : 0
    case .bool(let b): return b ? 1 : 0
    case .string(let s):
      var text = s
      if text.contains("."), let dot = text.firstIndex(of: "."), text[text.index(after: dot)...].allSatisfy({ $0 == "0" }) {
        text = String(text[..<dot])
      }
      if let (magnitude, negative) = parseGoInteger(text), magnitude <= UInt64(Int.max) {
        return negative ? -Int(magnitude) : Int(magnitude)
      }
      return 0
    default: return 0
    }
  }

  /// `cast.ToFloat64`.
  static func float(_ v: TemplateValue) -> Double {
    switch v {
    case .int(let i): return Double(i)
    case .float(let f): return f
    case .bool(let b): return b ? 1 : 0
    case .string(let s): return parseFloat(s) ?? 0
    default: return 0
    }
  }

  /// Argument `index` as a `string` parameter: Go refuses other types before the call.
  static func requireString(_ args: [TemplateValue], _ index: Int) throws -> String {
    if case .string(let s) = args[index] { return s }
    throw TemplateArgumentError(index: index, expected: .string)
  }

  /// Argument `index` as an `int` parameter.
  static func requireInt(_ args: [TemplateValue], _ index: Int) throws -> Int {
    if case .int(let i) = args[index] { return i }
    throw TemplateArgumentError(index: index, expected: .int)
  }

  /// Argument `index` as a `bool` parameter.
  static func requireBool(_ args: [TemplateValue], _ index: Int) throws -> Bool {
    if case .bool(let b) = args[index] { return b }
    throw TemplateArgumentError(index: index, expected: .bool)
  }

  /// Argument `index` as a `map[string]interface{}` parameter; nil is Go's nil map.
  static func requireMap(_ args: [TemplateValue], _ index: Int) throws -> TemplateMap? {
    switch args[index] {
    case .map(let m): return m
    case .null: return nil
    default: throw TemplateArgumentError(index: index, expected: .map)
    }
  }


  /// Sprig's list coercion for list functions: lists as they are, else an error naming the Go kind.
  static func list(_ v: TemplateValue, _ what: String) throws -> [TemplateValue] {
    switch v {
    case .list(let l): return l
    case .null: throw nilDereference
    default: throw TemplateFunctionError("Cannot \(what) type \(goKind(v))")
    }
  }

  /// What Sprig's list functions die of when given nil (`reflect.TypeOf(nil).Kind()`).
  static let nilDereference = TemplateFunctionError("runtime error: invalid memory address or nil pointer dereference")

  /// Go's `strconv.ParseFloat` acceptance: decimal or `0x…p…` hex floats, `Inf`/`NaN`.
  static func parseFloat(_ s: String) -> Double? {
    let body = s.drop { $0 == "+" || $0 == "-" }.lowercased()
    if body.hasPrefix("0x") && !body.contains("p") { return nil }
    if body.contains("_") { return nil }
    return Double(s)
  }

  /// Go's `reflect.Kind` name of a value.
  static func goKind(_ v: TemplateValue) -> String {
    switch v {
    case .null: return "invalid"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float64"
    case .string: return "string"
    case .list: return "slice"
    case .map: return "map"
    case .object: return "struct"
    case .function: return "func"
    }
  }

  /// Sprig's `strslice`: a list's elements as strings, nils dropped; a lone value as one string.
  static func strings(_ v: TemplateValue) -> [String] {
    switch v {
    case .list(let l): return l.compactMap { $0.isNull ? nil : string($0) }
    case .null: return []
    default: return [string(v)]
    }
  }

  /// Sprig's `empty`.
  static func isEmpty(_ v: TemplateValue) -> Bool { !v.isTruthy }

  /// Go's `reflect.DeepEqual` for template values.
  static func deepEqual(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.float(let x), .float(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { deepEqual($0, $1) }
    case (.map(let x), .map(let y)):
      return x.count == y.count && x.entries.allSatisfy { key, value in y[key].map { deepEqual(value, $0) } ?? false }
    default: return false
    }
  }
}
