/// `print`, `len`, `type`, `fail`, `assert` and other everyday functions.
enum Basics {
  /// How `print` shows a value: an object alone in full (a node as its
  /// block, a node set as its table), everything else as `str` does.
  static func printed(_ v: Value) throws -> String {
    if case .object(let o) = v { return try o.blockDescription }
    return try v.checkedDescription()
  }

  static func install(into i: Interpreter) {
    i.define("print") { interp, args in
      try args.expect("print", count: 0...Int.max, labels: ["end", "sep"])
      let sep = try args.named("sep").map { try Library.string($0, "sep") } ?? " "
      let end = try args.named("end").map { try Library.string($0, "end") } ?? "\n"
      interp.output(try args.positional.map(Basics.printed).joined(separator: sep) + end)
      return .null
    }
    i.define("len") { interp, args in
      try args.expect("len", count: 1...1)
      switch args[0] {
      case .string(let s): return .int(s.count)
      case .list(let l): return .int(l.items.count)
      case .map(let m): return .int(m.entries.count)
      case .range(let lo, let hi): return .int(hi >= lo ? hi - lo + 1 : 0)
      case .object(let o):
        if let n = o.count { return .int(n) }
        return .int(try o.elements(in: interp).count)
      default: throw LangError("len() of \(args[0].typeName) is not defined")
      }
    }
    i.define("type") { _, args in
      try args.expect("type", count: 1...1)
      return .string(args[0].typeName)
    }
    i.define("fail") { _, args in
      try args.expect("fail", count: 1...1)
      throw LangError(args[0].description)
    }
    i.define("assert") { _, args in
      try args.expect("assert", count: 1...2)
      if !args[0].isTruthy { throw LangError(args.count > 1 ? args[1].description : "assertion failed") }
      return .null
    }
    i.define("abs") { _, args in
      try args.expect("abs", count: 1...1)
      switch args[0] {
      case .int(let x):
        guard x != Int.min else { throw Operators.overflow() }
        return .int(abs(x))
      case .float(let x): return .float(abs(x))
      case .size(let x) where x != Int.min: return .size(abs(x))
      case .duration(let x) where x != Int.min: return .duration(abs(x))
      default: throw LangError("abs() of \(args[0].typeName) is not defined")
      }
    }
  }
}
