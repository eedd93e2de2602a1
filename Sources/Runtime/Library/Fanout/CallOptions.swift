import Lang

/// The `fanout:` and `timeout:` arguments of calls that reach nodes or a
/// server (`power`, `boot_once`, `sensors`, `exec`, `refresh`, `dns.sync`),
/// read the same way everywhere.
enum CallOptions {
  /// `fanout:`: how many nodes at once, at least 1.
  static func fanout(_ args: Arguments, default value: Int) throws -> Int {
    guard let given = args.named("fanout") else { return value }
    guard case .int(let n) = given, n > 0 else { throw LangError("fanout: is a number of nodes at once, at least 1") }
    return n
  }

  /// `timeout:` in seconds: a duration (`10s`) or a number of seconds.
  static func timeout(_ args: Arguments, default value: Double) throws -> Double {
    guard let given = args.named("timeout") else { return value }
    switch given {
    case .duration(let ms) where ms > 0: return Double(ms) / 1000
    case .int(let s) where s > 0: return Double(s)
    case .float(let s) where s > 0: return s
    default: throw LangError("timeout: is a duration (10s) or a number of seconds, more than 0")
    }
  }
}
