/// The standard library: built-in functions registered on an interpreter.
/// The core language needs none of them; the host chooses what to install.
public enum Library {
  /// The basics, data formats and the host system (files, shell, env, args).
  public static func installAll(into interpreter: Interpreter, arguments: [String] = []) {
    installSafe(into: interpreter)
    System.install(into: interpreter, arguments: arguments)
  }

  /// Everything except the host system: for fuzzing and sandboxes.
  public static func installSafe(into interpreter: Interpreter) {
    Basics.install(into: interpreter)
    Conversions.install(into: interpreter)
    Collections.install(into: interpreter)
    DataFormats.install(into: interpreter)
    TextTable.install(into: interpreter)
  }

  // MARK: - Argument helpers shared by the built-ins

  static func int(_ v: Value, _ what: String) throws -> Int {
    switch v {
    case .int(let i): return i
    case .float(let f) where f == f.rounded() && f.magnitude < 9e18: return Int(f)
    default: throw LangError("\(what) must be an int, not \(v.typeName)")
    }
  }

  static func string(_ v: Value, _ what: String) throws -> String {
    guard case .string(let s) = v else { throw LangError("\(what) must be a string, not \(v.typeName)") }
    return s
  }

  static func function(_ v: Value, _ what: String) throws -> Value {
    guard case .function = v else { throw LangError("\(what) must be a function, not \(v.typeName)") }
    return v
  }

  /// The elements `for x in v` visits.
  static func iterate(_ v: Value, _ interpreter: Interpreter) throws -> [Value] {
    switch v {
    case .list(let l): return l.items
    case .map(let m): return m.entries.keys
    case .string(let s): return s.map { .string(String($0)) }
    case .range(let lo, let hi):
      guard hi >= lo else { return [] }
      guard hi - lo < 50_000_000 else { throw LangError("range \(lo)..\(hi) is too large to make a list of") }
      return (lo...hi).map { .int($0) }
    case .object(let o): return try o.elements(in: interpreter)
    default: throw LangError("cannot iterate over \(v.typeName)")
    }
  }

  static func sorted(_ items: [Value], key: Value?, reverse: Bool, _ interpreter: Interpreter) throws -> [Value] {
    var keyed: [(Value, Value)] = []
    keyed.reserveCapacity(items.count)
    for item in items {
      keyed.append((try key.map { try interpreter.call($0, item) } ?? item, item))
    }
    try keyed.sort { a, b in
      guard let c = Operators.compare(a.0, b.0) else {
        throw LangError("cannot sort: \(a.0.typeName) and \(b.0.typeName) do not compare")
      }
      return reverse ? c > 0 : c < 0
    }
    return keyed.map(\.1)
  }

  /// Splits on a separator, or on runs of white space when there is none.
  static func split(_ s: String, _ separator: String?) throws -> [String] {
    guard let separator else {
      return s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    }
    guard !separator.isEmpty else { throw LangError("split: the separator must not be empty") }
    let text = Array(s.utf8), sep = Array(separator.utf8)
    var parts: [String] = []
    var start = 0, i = 0
    while i + sep.count <= text.count {
      if text[i] == sep[0] && (sep.count == 1 || text[i..<i + sep.count].elementsEqual(sep)) {
        parts.append(String(decoding: text[start..<i], as: UTF8.self))
        i += sep.count
        start = i
      } else {
        i += 1
      }
    }
    parts.append(String(decoding: text[start...], as: UTF8.self))
    return parts
  }

  static func replace(_ s: String, _ old: String, _ new: String) -> String {
    guard !old.isEmpty else { return s }
    return (try? split(s, old).joined(separator: new)) ?? s
  }
}
