/// Sprig's list and dict functions.
enum SprigCollections {
  /// mergo's `Merge` as Sprig uses it: keys missing or empty in `dst` are filled from
  /// `src`, nested maps are merged recursively, nothing non-empty is overwritten.
  static func merge(_ src: TemplateMap, into dst: TemplateMap) {
    for (key, value) in src.entries {
      if case .map(let inner)? = dst[key], case .map(let source) = value {
        merge(source, into: inner)
      } else if !(dst[key]?.isTruthy ?? false) {
        dst[key] = value
      }
    }
  }

  static func register(into r: inout TemplateFunctionRegistry) {
    typealias C = SprigConvert
    r.register("list", .variadic { .list($0) })
    r.register("first", .fixed(1) { try C.list($0[0], "find first on").first ?? .null })
    r.register("last", .fixed(1) { try C.list($0[0], "find last on").last ?? .null })
    r.register("rest", .fixed(1) { args in
      .list(Array(try C.list(args[0], "find rest on").dropFirst()))
    })
    r.register("initial", .fixed(1) { args in
      .list(Array(try C.list(args[0], "find initial on").dropLast()))
    })
    r.register("append", .fixed(2) { .list(try C.list($0[0], "push on") + [$0[1]]) })
    r.register("push", .fixed(2) { .list(try C.list($0[0], "push on") + [$0[1]]) })
    r.register("prepend", .fixed(2) { .list([$0[1]] + (try C.list($0[0], "prepend on"))) })
    r.register("concat", .variadic { args in
      var out: [TemplateValue] = []
      for a in args {
        if case .null = a { throw C.nilDereference }
        guard case .list(let l) = a else { throw TemplateFunctionError("Cannot concat type \(C.goKind(a)) as list") }
        out += l
      }
      return .list(out)
    })
    r.register("reverse", .fixed(1) { .list(try C.list($0[0], "find reverse on").reversed()) })
    r.register("uniq", .fixed(1) { args in
      var out: [TemplateValue] = []
      for v in try C.list(args[0], "find uniq on") where !out.contains(where: { C.deepEqual($0, v) }) { out.append(v) }
      return .list(out)
    })
    r.register("without", .variadic(1) { args in
      let omit = args.dropFirst()
      return .list(try C.list(args[0], "find without on").filter { v in !omit.contains { C.deepEqual($0, v) } })
    })
    r.register("has", .fixed(2) { args in
      if case .null = args[1] { return false }
      return .bool(try C.list(args[1], "find has on").contains { C.deepEqual($0, args[0]) })
    })
    r.register("compact", .fixed(1) { .list(try C.list($0[0], "compact on").filter { $0.isTruthy }) })
    r.register("slice", .variadic(1) { args in
      if case .null = args[0] { throw C.nilDereference }
      guard case .list(let l) = args[0] else {
        throw TemplateFunctionError("list should be type of slice or array but \(C.goKind(args[0]))")
      }
      if l.isEmpty { return .null }
      let start = args.count > 1 ? C.int(args[1]) : 0
      let end = args.count > 2 ? C.int(args[2]) : l.count
      guard start >= 0, end <= l.count, start <= end else {
        throw TemplateFunctionError("reflect.Value.Slice: slice index out of bounds")
      }
      return .list(Array(l[start..<end]))
    })
    r.register("dict", .variadic { args in
      let map = TemplateMap()
      var i = 0
      while i < args.count {
        map[C.string(args[i])] = i + 1 < args.count ? args[i + 1] : .string("")
        i += 2
      }
      return .map(map)
    })
    r.register("get", .fixed(2, [.map, .string]) { args in
      try C.requireMap(args, 0)?[try C.requireString(args, 1)] ?? .string("")
    })
    r.register("set", .fixed(3, [.map, .string, .any]) { args in
      guard let map = try C.requireMap(args, 0) else { throw TemplateFunctionError("assignment to entry in nil map") }
      map[try C.requireString(args, 1)] = args[2]
      return .map(map)
    })
    r.register("unset", .fixed(2, [.map, .string]) { args in
      let map = try C.requireMap(args, 0) ?? TemplateMap()
      map[try C.requireString(args, 1)] = nil
      return .map(map)
    })
    r.register("hasKey", .fixed(2, [.map, .string]) { .bool(try C.requireMap($0, 0)?[try C.requireString($0, 1)] != nil) })
    r.register("keys", .variadic(0, [.map]) { args in
      var keys: [TemplateValue] = []
      for i in args.indices { keys += try C.requireMap(args, i)?.entries.keys.map { .string($0) } ?? [] }
      return .list(keys)
    })
    r.register("values", .fixed(1, [.map]) { .list(Array(try C.requireMap($0, 0)?.entries.values ?? [:].values)) })
    r.register("pluck", .variadic(1, [.string, .map]) { args in
      let key = try C.requireString(args, 0)
      var out: [TemplateValue] = []
      for i in args.indices.dropFirst() { if let v = try C.requireMap(args, i)?[key] { out.append(v) } }
      return .list(out)
    })
    r.register("merge", .variadic(1, [.map]) { args in
      let dst = try C.requireMap(args, 0) ?? TemplateMap()
      for i in args.indices.dropFirst() {
        if let src = try C.requireMap(args, i) { merge(src, into: dst) }
      }
      return .map(dst)
    })
  }
}
