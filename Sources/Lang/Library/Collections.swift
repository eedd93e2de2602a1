/// Functions over collections: `map`, `filter`, `sorted`, `join`, `range`, …
/// Each takes the collection first, so it reads well after a pipe:
/// `nodes | filter(n => n.image == "rocky") | map(n => n.name)`.
enum Collections {
  static func install(into i: Interpreter) {
    i.define("keys") { interp, args in
      try args.expect("keys", count: 1...1)
      guard case .map(let m) = args[0] else { return .list(try Library.iterate(args[0], interp)) }
      return .list(m.entries.keys)
    }
    i.define("values") { _, args in
      try args.expect("values", count: 1...1)
      guard case .map(let m) = args[0] else { throw LangError("values() needs a map, not \(args[0].typeName)") }
      return .list(m.entries.values)
    }
    i.define("sorted") { interp, args in
      try args.expect("sorted", count: 1...1, labels: ["key", "reverse"])
      let items = try Library.iterate(args[0], interp)
      return .list(try Library.sorted(items, key: args.named("key"), reverse: args.named("reverse")?.isTruthy ?? false, interp))
    }
    i.define("reversed") { interp, args in
      try args.expect("reversed", count: 1...1)
      if case .string(let s) = args[0] { return .string(String(s.reversed())) }
      return .list(try Library.iterate(args[0], interp).reversed())
    }
    i.define("map") { interp, args in
      try args.expect("map", count: 2...2)
      let f = try Library.function(args[1], "map()'s second argument")
      return .list(try Library.iterate(args[0], interp).map { try interp.call(f, $0) })
    }
    i.define("filter") { interp, args in
      try args.expect("filter", count: 2...2)
      let f = try Library.function(args[1], "filter()'s second argument")
      return .list(try Library.iterate(args[0], interp).filter { try interp.call(f, $0).isTruthy })
    }
    i.define("reduce") { interp, args in
      try args.expect("reduce", count: 2...3)
      let f = try Library.function(args[1], "reduce()'s second argument")
      var items = try Library.iterate(args[0], interp)[...]
      var acc: Value
      if args.count == 3 { acc = args[2] } else {
        guard let first = items.popFirst() else { throw LangError("reduce() of an empty list with no initial value") }
        acc = first
      }
      for item in items { acc = try interp.call(f, acc, item) }
      return acc
    }
    i.define("join") { interp, args in
      try args.expect("join", count: 1...2)
      let sep = args.count == 2 ? try Library.string(args[1], "join()'s separator") : ""
      return .string(try Library.iterate(args[0], interp).map { try $0.checkedDescription() }.joined(separator: sep))
    }
    i.define("split") { _, args in
      try args.expect("split", count: 1...2)
      let s = try Library.string(args[0], "split()'s first argument")
      let sep = args.count == 2 ? try Library.string(args[1], "split()'s separator") : nil
      return .list(try Library.split(s, sep).map { .string($0) })
    }
    i.define("range") { _, args in
      try args.expect("range", count: 1...2)
      let lo = args.count == 2 ? try Library.int(args[0], "range() start") : 0
      let hi = try Library.int(args[args.count - 1], "range() end")
      guard hi > Int.min else { return .range(0, -1) }
      return .range(lo, hi - 1)
    }
    i.define("enumerate") { interp, args in
      try args.expect("enumerate", count: 1...1)
      return .list(try Library.iterate(args[0], interp).enumerated().map { .list([.int($0), $1]) })
    }
    i.define("zip") { interp, args in
      try args.expect("zip", count: 2...2)
      let a = try Library.iterate(args[0], interp), b = try Library.iterate(args[1], interp)
      return .list(zip(a, b).map { .list([$0, $1]) })
    }
    i.define("any") { interp, args in
      try args.expect("any", count: 1...2)
      let items = try Library.iterate(args[0], interp)
      if args.count == 2 { return .bool(try items.contains { try interp.call(args[1], $0).isTruthy }) }
      return .bool(items.contains { $0.isTruthy })
    }
    i.define("all") { interp, args in
      try args.expect("all", count: 1...2)
      let items = try Library.iterate(args[0], interp)
      if args.count == 2 { return .bool(try items.allSatisfy { try interp.call(args[1], $0).isTruthy }) }
      return .bool(items.allSatisfy { $0.isTruthy })
    }
    i.define("sum") { interp, args in
      try args.expect("sum", count: 1...1)
      let items = try Library.iterate(args[0], interp)
      guard var total = items.first else { return .int(0) }
      for item in items.dropFirst() { total = try Operators.add(total, item) }
      return total
    }
    for (name, wantLess) in [("min", true), ("max", false)] {
      i.define(name) { interp, args in
        try args.expect(name, count: 1...Int.max, labels: ["key"])
        let items = args.count == 1 ? try Library.iterate(args[0], interp) : args.positional
        guard !items.isEmpty else { throw LangError("\(name)() of an empty list") }
        let ordered = try Library.sorted(items, key: args.named("key"), reverse: !wantLess, interp)
        return ordered[0]
      }
    }
  }
}
