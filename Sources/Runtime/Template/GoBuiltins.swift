/// Go's predefined template functions.
enum GoBuiltins {
  static let registry: TemplateFunctionRegistry = {
    var r = TemplateFunctionRegistry()
    r.register("and", TemplateFunction(shortCircuit: .and))
    r.register("or", TemplateFunction(shortCircuit: .or))
    r.register("not", .fixed(1) { .bool(!$0[0].isTruthy) })
    r.register("len", .fixed(1) { try length($0[0]) })
    r.register("index", .variadic(1) { try index($0[0], $0.dropFirst()) })
    r.register("slice", .variadic(1) { try slice($0[0], $0.dropFirst()) })
    r.register("print", .variadic { .string(GoFormatter.sprint($0)) })
    r.register("println", .variadic { .string(GoFormatter.sprintln($0)) })
    r.register("printf", .variadic(1, [.string, .any]) { args in
      guard case .string(let format) = args[0] else { throw TemplateArgumentError(index: 0, expected: .string) }
      return .string(GoFormatter.sprintf(format, Array(args.dropFirst())))
    })
    r.register("eq", .variadic(1) { .bool(try GoComparison.eq($0[0], $0.dropFirst())) })
    r.register("ne", .fixed(2) { .bool(!(try GoComparison.eq($0[0], [$0[1]]))) })
    r.register("lt", .fixed(2) { .bool(try GoComparison.lt($0[0], $0[1])) })
    r.register("le", .fixed(2) { .bool(try GoComparison.le($0[0], $0[1])) })
    r.register("gt", .fixed(2) { .bool(!(try GoComparison.le($0[0], $0[1]))) })
    r.register("ge", .fixed(2) { .bool(!(try GoComparison.lt($0[0], $0[1]))) })
    r.register("html", .variadic { .string(GoEscaping.html(GoEscaping.argumentText($0))) })
    r.register("js", .variadic { .string(GoEscaping.js(GoEscaping.argumentText($0))) })
    r.register("urlquery", .variadic { .string(GoEscaping.queryEscape(GoEscaping.argumentText($0))) })
    r.register("call", TemplateFunction(arity: .atLeast(1)) { args, context in
      switch args[0] {
      case .function(let f):
        let rest = Array(args.dropFirst())
        switch f.arity {
        case .exactly(let n) where rest.count != n:
          throw TemplateFunctionError("wrong number of args: got \(rest.count) want \(n)")
        case .atLeast(let n) where rest.count < n:
          throw TemplateFunctionError("wrong number of args: got \(rest.count) want at least \(n)")
        default:
          return try f.body(rest, context)
        }
      case .null: throw TemplateFunctionError("call of nil")
      default: throw TemplateFunctionError("non-function of type \(args[0].goTypeName)")
      }
    })
    return r
  }()

  static func length(_ v: TemplateValue) throws -> TemplateValue {
    switch v {
    case .string(let s): return .int(s.utf8.count)
    case .list(let l): return .int(l.count)
    case .map(let m): return .int(m.count)
    case .null: throw TemplateFunctionError("len of nil pointer")
    case .object(let o as TemplateSequence): return .int(o.templateElements.count)
    default: throw TemplateFunctionError("len of type \(v.goTypeName)")
    }
  }

  /// An integer index argument checked against `bound` (Go's `indexArg`).
  static func indexArgument(_ v: TemplateValue, bound: Int) throws -> Int {
    switch v {
    case .int(let i):
      if i < 0 || i > bound { throw TemplateFunctionError("index out of range: \(i)") }
      return i
    case .null: throw TemplateFunctionError("cannot index slice/array with nil")
    default: throw TemplateFunctionError("cannot index slice/array with type \(v.goTypeName)")
    }
  }

  static func index(_ item: TemplateValue, _ indexes: ArraySlice<TemplateValue>) throws -> TemplateValue {
    if case .null = item { throw TemplateFunctionError("index of untyped nil") }
    var item = item
    for key in indexes {
      switch item {
      case .null: throw TemplateFunctionError("index of nil pointer")
      case .list(let l):
        let i = try indexArgument(key, bound: l.count)
        if i == l.count { throw TemplateFunctionError("reflect: slice index out of range") }
        item = l[i]
      case .string(let s):
        let bytes = Array(s.utf8)
        let i = try indexArgument(key, bound: bytes.count)
        if i == bytes.count { throw TemplateFunctionError("reflect: string index out of range") }
        item = .int(Int(bytes[i]))
      case .map(let m):
        guard case .string(let k) = key else {
          if case .null = key { throw TemplateFunctionError("value is nil; should be of type string") }
          throw TemplateFunctionError("value has type \(key.goTypeName); should be string")
        }
        item = m[k] ?? m.missingValue
      default:
        throw TemplateFunctionError("can't index item of type \(item.goTypeName)")
      }
    }
    return item
  }

  static func slice(_ item: TemplateValue, _ indexes: ArraySlice<TemplateValue>) throws -> TemplateValue {
    if case .null = item { throw TemplateFunctionError("slice of untyped nil") }
    if indexes.count > 3 { throw TemplateFunctionError("too many slice indexes: \(indexes.count)") }
    let count: Int
    switch item {
    case .string(let s):
      if indexes.count == 3 { throw TemplateFunctionError("cannot 3-index slice a string") }
      count = s.utf8.count
    case .list(let l): count = l.count
    default: throw TemplateFunctionError("can't slice item of type \(item.goTypeName)")
    }
    var bounds = [0, count]
    for (i, index) in indexes.enumerated() {
      let value = try indexArgument(index, bound: count)
      if i < 2 { bounds[i] = value } else { bounds.append(value) }
    }
    if bounds[0] > bounds[1] { throw TemplateFunctionError("invalid slice index: \(bounds[0]) > \(bounds[1])") }
    if bounds.count == 3 && bounds[1] > bounds[2] {
      throw TemplateFunctionError("invalid slice index: \(bounds[1]) > \(bounds[2])")
    }
    switch item {
    case .string(let s):
      let bytes = Array(s.utf8)[bounds[0]..<bounds[1]]
      return .string(String(decoding: bytes, as: UTF8.self))
    case .list(let l):
      return .list(Array(l[bounds[0]..<bounds[1]]))
    default:
      return item
    }
  }
}
