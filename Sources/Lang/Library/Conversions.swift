/// Conversions: `str`, `int`, `float`, `bool`, and parsers for the address
/// and unit types (`ip("10.0.0.1")`, `size("512M")`, …) for data read from files.
enum Conversions {
  static func install(into i: Interpreter) {
    i.define("str") { _, args in
      try args.expect("str", count: 1...1)
      return .string(try args[0].checkedDescription())
    }
    i.define("repr") { _, args in
      try args.expect("repr", count: 1...1)
      return .string(try args[0].checkedRepr())
    }
    i.define("int") { _, args in
      try args.expect("int", count: 1...1)
      switch args[0] {
      case .int: return args[0]
      case .float(let f):
        guard f.isFinite, f.magnitude < 9.2e18 else { throw LangError("int(): \(f) does not fit in an int") }
        return .int(Int(f))
      case .bool(let b): return .int(b ? 1 : 0)
      case .string(let s):
        let t = s.trimmingSpaces
        if let v = Int(t) { return .int(v) }
        if t.hasPrefix("0x"), let v = Int(t.dropFirst(2), radix: 16) { return .int(v) }
        throw LangError("int(): \(Value.quote(s)) is not an integer")
      case .size(let s): return .int(s)
      case .duration(let d): return .int(d)
      case .ip(let ip): return .int(Int(ip.raw))
      case .mac(let m): return .int(Int(m.raw))
      default: throw LangError("int() of \(args[0].typeName) is not defined")
      }
    }
    i.define("float") { _, args in
      try args.expect("float", count: 1...1)
      switch args[0] {
      case .int(let x): return .float(Double(x))
      case .float: return args[0]
      case .string(let s):
        guard let f = Double(s.trimmingSpaces) else { throw LangError("float(): \(Value.quote(s)) is not a number") }
        return .float(f)
      default: throw LangError("float() of \(args[0].typeName) is not defined")
      }
    }
    i.define("bool") { _, args in
      try args.expect("bool", count: 1...1)
      return .bool(args[0].isTruthy)
    }
    define(i, "ip", "an IPv4 address such as 10.0.0.1") { v in
      if case .int(let n) = v, n >= 0, n <= Int(UInt32.max) { return .ip(IPv4(UInt32(n))) }
      return v.stringValue.flatMap(IPv4.init).map { .ip($0) }
    }
    define(i, "cidr", "a network such as 10.0.0.0/24") { v in v.stringValue.flatMap(CIDR.init).map { .cidr($0) } }
    define(i, "mac", "a MAC address such as 52:54:00:ab:cd:ef") { v in v.stringValue.flatMap(MAC.init).map { .mac($0) } }
    define(i, "size", "a size such as 512M or 10G") { v in
      if case .int(let n) = v { return .size(n) }
      return v.stringValue.flatMap(Units.parseSize).map { .size($0) }
    }
    define(i, "duration", "a duration such as 30s or 1h30m") { v in
      v.stringValue.flatMap(Units.parseDuration).map { .duration($0) }
    }
  }

  /// A one-argument parser that accepts its own type as is.
  private static func define(_ i: Interpreter, _ name: String, _ expected: String, _ parse: @escaping (Value) -> Value?) {
    i.define(name) { _, args in
      try args.expect(name, count: 1...1)
      if args[0].typeName == name { return args[0] }
      guard let v = parse(args[0]) else {
        throw LangError("\(name)(): \(args[0].repr) is not \(expected)")
      }
      return v
    }
  }
}
