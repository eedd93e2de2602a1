/// Methods of lists: `xs.append(x)`, `xs.sort(key: f)`, …
enum ListMethods {
  static func call(_ l: ListRef, _ name: String, _ args: Arguments, _ interpreter: Interpreter) throws -> Value {
    var fn: String { "list.\(name)" }
    switch name {
    case "append":
      try args.expect(fn, count: 1...1)
      l.items.append(args[0])
      return .null
    case "extend":
      try args.expect(fn, count: 1...1)
      l.items += try Library.iterate(args[0], interpreter)
      return .null
    case "insert":
      try args.expect(fn, count: 2...2)
      let i = try Library.int(args[0], "\(fn) index")
      let p = i < 0 ? max(0, l.items.count + i) : min(i, l.items.count)
      l.items.insert(args[1], at: p)
      return .null
    case "pop":
      try args.expect(fn, count: 0...1)
      guard !l.items.isEmpty else { throw LangError("pop from an empty list") }
      let i = args.count == 1 ? try Members.position(try Library.int(args[0], "\(fn) index"), count: l.items.count)
                              : l.items.count - 1
      return l.items.remove(at: i)
    case "remove":
      try args.expect(fn, count: 1...1)
      guard let i = l.items.firstIndex(of: args[0]) else { throw LangError("\(args[0].repr) is not in the list") }
      l.items.remove(at: i)
      return .null
    case "contains":
      try args.expect(fn, count: 1...1)
      return .bool(l.items.contains(args[0]))
    case "index":
      try args.expect(fn, count: 1...1)
      return .int(l.items.firstIndex(of: args[0]) ?? -1)
    case "sort":
      try args.expect(fn, count: 0...0, labels: ["key", "reverse"])
      l.items = try Library.sorted(l.items, key: args.named("key"), reverse: args.named("reverse")?.isTruthy ?? false,
                                   interpreter)
      return .null
    case "reverse":
      try args.expect(fn, count: 0...0)
      l.items.reverse()
      return .null
    case "copy":
      try args.expect(fn, count: 0...0)
      return .list(ListRef(l.items))
    case "clear":
      try args.expect(fn, count: 0...0)
      l.items.removeAll()
      return .null
    case "join":
      try args.expect(fn, count: 0...1)
      return .string(try l.items.map { try $0.checkedDescription() }.joined(separator: args.count == 1 ? try Library.string(args[0], "separator") : ""))
    case "map":
      try args.expect(fn, count: 1...1)
      return .list(try l.items.map { try interpreter.call(args[0], $0) })
    case "filter":
      try args.expect(fn, count: 1...1)
      return .list(try l.items.filter { try interpreter.call(args[0], $0).isTruthy })
    case "first":
      try args.expect(fn, count: 0...0)
      return l.items.first ?? .null
    case "last":
      try args.expect(fn, count: 0...0)
      return l.items.last ?? .null
    default:
      throw Members.noMember(.list(l), name)
    }
  }
}

/// Methods of strings: `s.upper()`, `s.split(",")`, …
enum StringMethods {
  static func call(_ s: String, _ name: String, _ args: Arguments) throws -> Value {
    var fn: String { "string.\(name)" }
    func arg(_ i: Int) throws -> String { try Library.string(args[i], "\(fn) argument") }
    switch name {
    case "upper": try args.expect(fn, count: 0...0); return .string(s.uppercased())
    case "lower": try args.expect(fn, count: 0...0); return .string(s.lowercased())
    case "trim": try args.expect(fn, count: 0...0); return .string(s.trimmingSpaces)
    case "len": try args.expect(fn, count: 0...0); return .int(s.count)
    case "split":
      try args.expect(fn, count: 0...1)
      return .list(try Library.split(s, args.count == 1 ? try arg(0) : nil).map { .string($0) })
    case "lines":
      try args.expect(fn, count: 0...0)
      var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.last == "" { lines.removeLast() }
      return .list(lines.map { .string($0.hasSuffix("\r") ? String($0.dropLast()) : $0) })
    case "starts_with": try args.expect(fn, count: 1...1); return .bool(s.hasPrefix(try arg(0)))
    case "ends_with": try args.expect(fn, count: 1...1); return .bool(s.hasSuffix(try arg(0)))
    case "contains":
      try args.expect(fn, count: 1...1)
      let sub = try arg(0)
      return .bool(sub.isEmpty || s.contains(sub))
    case "replace":
      try args.expect(fn, count: 2...2)
      return .string(Library.replace(s, try arg(0), try arg(1)))
    case "find":
      try args.expect(fn, count: 1...1)
      let sub = try arg(0)
      guard let r = s.range(of: sub) else { return .int(-1) }
      return .int(s.distance(from: s.startIndex, to: r.lowerBound))
    case "trim_prefix":
      try args.expect(fn, count: 1...1)
      let p = try arg(0)
      return .string(s.hasPrefix(p) ? String(s.dropFirst(p.count)) : s)
    case "trim_suffix":
      try args.expect(fn, count: 1...1)
      let p = try arg(0)
      return .string(s.hasSuffix(p) && !p.isEmpty ? String(s.dropLast(p.count)) : s)
    default:
      throw Members.noMember(.string(s), name)
    }
  }
}

/// Methods of maps: `m.keys()`, `m.get(k, default)`, …
enum MapMethods {
  static func call(_ m: MapRef, _ name: String, _ args: Arguments) throws -> Value {
    var fn: String { "map.\(name)" }
    switch name {
    case "keys": try args.expect(fn, count: 0...0); return .list(m.entries.keys)
    case "values": try args.expect(fn, count: 0...0); return .list(m.entries.values)
    case "len": try args.expect(fn, count: 0...0); return .int(m.entries.count)
    case "items":
      try args.expect(fn, count: 0...0)
      return .list(m.entries.pairs.map { .list([$0, $1]) })
    case "get":
      try args.expect(fn, count: 1...2)
      return m.entries[args[0]] ?? args[1]
    case "has":
      try args.expect(fn, count: 1...1)
      return .bool(m.entries[args[0]] != nil)
    case "remove":
      try args.expect(fn, count: 1...1)
      let old = m.entries[args[0]] ?? .null
      m.entries[args[0]] = nil
      return old
    case "copy": try args.expect(fn, count: 0...0); return .map(MapRef(m.entries))
    case "clear": try args.expect(fn, count: 0...0); m.entries = OrderedMap(); return .null
    default:
      throw Members.noMember(.map(m), name)
    }
  }
}
