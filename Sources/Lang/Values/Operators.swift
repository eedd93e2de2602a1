/// Arithmetic, comparison and membership on values, as the language defines
/// them. Integer arithmetic never traps: overflow is an error.
public enum Operators {
  static let maxRepeat = 10_000_000

  static func typeError(_ op: String, _ a: Value, _ b: Value) -> LangError {
    var hint: String?
    if op == "+" && (a.stringValue != nil || b.stringValue != nil) {
      hint = "turn the other value into a string with str(…), or write \"${…}\""
    }
    return LangError("cannot apply '\(op)' to \(a.typeName) and \(b.typeName)", suggestion: hint)
  }

  static func overflow() -> LangError { LangError("integer overflow") }

  public static func add(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      if o { throw overflow() }
      return .int(r)
    case (.float(let x), .float(let y)): return .float(x + y)
    case (.int(let x), .float(let y)): return .float(Double(x) + y)
    case (.float(let x), .int(let y)): return .float(x + Double(y))
    case (.string(let x), .string(let y)): return .string(x + y)
    case (.list(let x), .list(let y)): return .list(x.items + y.items)
    case (.map(let x), .map(let y)):
      var merged = x.entries
      for (k, v) in y.entries.pairs { merged[k] = v }
      return .map(MapRef(merged))
    case (.ip(let ip), .int(let n)), (.int(let n), .ip(let ip)):
      return .ip(try offset(ip, by: n))
    case (.cidr(let c), .int(let n)):
      return .ip(try offset(c.network, by: n))
    case (.size(let x), .size(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      if o { throw overflow() }
      return .size(r)
    case (.duration(let x), .duration(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      if o { throw overflow() }
      return .duration(r)
    default:
      throw typeError("+", a, b)
    }
  }

  static func offset(_ ip: IPv4, by n: Int) throws -> IPv4 {
    let r = Int(ip.raw) + n
    guard r >= 0 && r <= Int(UInt32.max) else { throw LangError("address \(ip) + \(n) is out of the IPv4 range") }
    return IPv4(UInt32(r))
  }

  public static func subtract(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.subtractingReportingOverflow(y)
      if o { throw overflow() }
      return .int(r)
    case (.float(let x), .float(let y)): return .float(x - y)
    case (.int(let x), .float(let y)): return .float(Double(x) - y)
    case (.float(let x), .int(let y)): return .float(x - Double(y))
    case (.ip(let ip), .int(let n)):
      guard n != Int.min else { throw overflow() }
      return .ip(try offset(ip, by: -n))
    case (.ip(let x), .ip(let y)): return .int(Int(x.raw) - Int(y.raw))
    case (.size(let x), .size(let y)):
      let (r, o) = x.subtractingReportingOverflow(y)
      if o { throw overflow() }
      return .size(r)
    case (.duration(let x), .duration(let y)):
      let (r, o) = x.subtractingReportingOverflow(y)
      if o { throw overflow() }
      return .duration(r)
    case (.list(let x), _):
      let removed = removalSet(b)
      return .list(x.items.filter { !removed.contains($0) })
    case (.map(let x), _):
      var rest = x.entries
      for k in removalSet(b) { rest[k] = nil }
      return .map(MapRef(rest))
    default:
      throw typeError("-", a, b)
    }
  }

  /// What `list - x` and `list -= x` remove: the items of a list, or x itself.
  static func removalSet(_ v: Value) -> [Value] {
    if case .list(let l) = v { return l.items }
    return [v]
  }

  public static func multiply(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.multipliedReportingOverflow(by: y)
      if o { throw overflow() }
      return .int(r)
    case (.float(let x), .float(let y)): return .float(x * y)
    case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return .float(Double(x) * y)
    case (.size(let s), .int(let n)), (.int(let n), .size(let s)):
      let (r, o) = s.multipliedReportingOverflow(by: n)
      if o { throw overflow() }
      return .size(r)
    case (.size(let s), .float(let f)), (.float(let f), .size(let s)):
      return .size(try scaled(s, f))
    case (.duration(let d), .int(let n)), (.int(let n), .duration(let d)):
      let (r, o) = d.multipliedReportingOverflow(by: n)
      if o { throw overflow() }
      return .duration(r)
    case (.duration(let d), .float(let f)), (.float(let f), .duration(let d)):
      return .duration(try scaled(d, f))
    case (.string(let s), .int(let n)), (.int(let n), .string(let s)):
      guard n >= 0, n.multipliedReportingOverflow(by: max(1, s.utf8.count)).partialValue <= maxRepeat else {
        throw LangError("cannot repeat a string \(n) times")
      }
      return .string(String(repeating: s, count: n))
    case (.list(let l), .int(let n)), (.int(let n), .list(let l)):
      guard n >= 0, n.multipliedReportingOverflow(by: max(1, l.items.count)).partialValue <= maxRepeat else {
        throw LangError("cannot repeat a list \(n) times")
      }
      var out: [Value] = []
      out.reserveCapacity(l.items.count * n)
      for _ in 0..<n { out += l.items }
      return .list(out)
    default:
      throw typeError("*", a, b)
    }
  }

  static func scaled(_ x: Int, _ f: Double) throws -> Int {
    let r = (Double(x) * f).rounded()
    guard r.isFinite, r.magnitude < 9.2e18 else { throw overflow() }
    return Int(r)
  }

  /// `/` truncates between integers (as Go and Swift do), and divides
  /// sizes and durations by numbers or by each other.
  public static func divide(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      if y == 0 { throw LangError("division by zero") }
      if x == Int.min && y == -1 { throw overflow() }
      return .int(x / y)
    case (.float(let x), .float(let y)): return .float(x / y)
    case (.int(let x), .float(let y)): return .float(Double(x) / y)
    case (.float(let x), .int(let y)): return .float(x / Double(y))
    case (.size(let x), .size(let y)), (.duration(let x), .duration(let y)):
      if y == 0 { throw LangError("division by zero") }
      return .float(Double(x) / Double(y))
    case (.size(let x), .int(let y)):
      if y == 0 { throw LangError("division by zero") }
      return .size(x == Int.min && y == -1 ? x : x / y)
    case (.size(let x), .float(let y)):
      return .size(try scaled(x, 1 / y))
    case (.duration(let x), .int(let y)):
      if y == 0 { throw LangError("division by zero") }
      return .duration(x == Int.min && y == -1 ? x : x / y)
    case (.duration(let x), .float(let y)):
      return .duration(try scaled(x, 1 / y))
    default:
      throw typeError("/", a, b)
    }
  }

  public static func remainder(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      if y == 0 { throw LangError("division by zero") }
      if y == -1 { return .int(0) }
      return .int(x % y)
    case (.float(let x), .float(let y)): return .float(x.truncatingRemainder(dividingBy: y))
    case (.int(let x), .float(let y)): return .float(Double(x).truncatingRemainder(dividingBy: y))
    case (.float(let x), .int(let y)): return .float(x.truncatingRemainder(dividingBy: Double(y)))
    case (.size(let x), .size(let y)):
      if y == 0 { throw LangError("division by zero") }
      return .size(y == -1 ? 0 : x % y)
    default:
      throw typeError("%", a, b)
    }
  }

  public static func negate(_ a: Value) throws -> Value {
    switch a {
    case .int(let x):
      if x == Int.min { throw overflow() }
      return .int(-x)
    case .float(let x): return .float(-x)
    case .size(let x) where x != Int.min: return .size(-x)
    case .duration(let x) where x != Int.min: return .duration(-x)
    default: throw LangError("cannot negate \(a.typeName)")
    }
  }

  /// Orders two values of comparable types; nil when they are not comparable.
  public static func compare(_ a: Value, _ b: Value) -> Int? {
    func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x == y ? 0 : 1 }
    switch (a, b) {
    case (.int(let x), .int(let y)): return cmp(x, y)
    case (.float(let x), .float(let y)): return x.isNaN || y.isNaN ? nil : cmp(x, y)
    case (.int(let x), .float(let y)): return y.isNaN ? nil : cmp(Double(x), y)
    case (.float(let x), .int(let y)): return x.isNaN ? nil : cmp(x, Double(y))
    case (.string(let x), .string(let y)): return cmp(x, y)
    case (.bool(let x), .bool(let y)): return cmp(x ? 1 : 0, y ? 1 : 0)
    case (.ip(let x), .ip(let y)): return cmp(x, y)
    case (.mac(let x), .mac(let y)): return cmp(x.raw, y.raw)
    case (.size(let x), .size(let y)), (.duration(let x), .duration(let y)): return cmp(x, y)
    case (.device(let x), .device(let y)): return cmp(x, y)
    case (.cidr(let x), .cidr(let y)):
      return x.address == y.address ? cmp(x.prefix, y.prefix) : cmp(x.address, y.address)
    case (.list(let x), .list(let y)):
      for (p, q) in zip(x.items, y.items) {
        guard let c = compare(p, q) else { return nil }
        if c != 0 { return c }
      }
      return cmp(x.items.count, y.items.count)
    default: return nil
    }
  }

  static func ordered(_ op: String, _ a: Value, _ b: Value) throws -> Int {
    guard let c = compare(a, b) else {
      throw LangError("cannot compare \(a.typeName) and \(b.typeName) with '\(op)'")
    }
    return c
  }

  /// `needle in haystack`.
  public static func contains(_ haystack: Value, _ needle: Value, interpreter: Interpreter) throws -> Bool {
    switch (haystack, needle) {
    case (.list(let l), _): return l.items.contains(needle)
    case (.map(let m), _): return m.entries[needle] != nil
    case (.string(let s), .string(let sub)): return sub.isEmpty || s.contains(sub)
    case (.cidr(let c), .ip(let ip)): return c.contains(ip)
    case (.cidr(let c), .cidr(let inner)): return inner.prefix >= c.prefix && c.contains(inner.address)
    case (.range(let lo, let hi), .int(let i)): return lo <= i && i <= hi
    case (.object(let o), _): return try o.contains(needle, in: interpreter)
    default:
      throw LangError("cannot look for \(needle.typeName) in \(haystack.typeName)")
    }
  }
}
