import Foundation

/// Sprig's string functions.
enum SprigStrings {
  static func register(into r: inout TemplateFunctionRegistry) {
    typealias C = SprigConvert
    func unary(_ name: String, _ f: @escaping (String) -> String) {
      r.register(name, .fixed(1, [.string]) { .string(f(try C.requireString($0, 0))) })
    }
    unary("trim") { $0.trimmingCharacters(in: goSpace) }
    unary("upper") { $0.uppercased() }
    unary("lower") { $0.lowercased() }
    unary("title", title)
    unary("nospace", deleteWhiteSpace)
    unary("snakecase") { SprigCase.lowerCaseWords($0, connector: "_") }
    unary("kebabcase") { SprigCase.lowerCaseWords($0, connector: "-") }
    unary("camelcase", SprigCase.pascalCase)
    r.register("trimAll", .fixed(2, [.string, .string]) { .string(trim(try C.requireString($0, 1), cutset: try C.requireString($0, 0))) })
    r.register("trimPrefix", .fixed(2, [.string, .string]) { args in
      let prefix = try C.requireString(args, 0), s = try C.requireString(args, 1)
      return .string(s.hasPrefix(prefix) ? String(s.dropFirst(prefix.count)) : s)
    })
    r.register("trimSuffix", .fixed(2, [.string, .string]) { args in
      let suffix = try C.requireString(args, 0), s = try C.requireString(args, 1)
      return .string(s.hasSuffix(suffix) ? String(s.dropLast(suffix.count)) : s)
    })
    r.register("repeat", .fixed(2, [.int, .string]) { args in
      let count = try C.requireInt(args, 0), s = try C.requireString(args, 1)
      guard count >= 0 else { throw TemplateFunctionError("strings: negative Repeat count") }
      guard count.multipliedReportingOverflow(by: max(s.utf8.count, 1)).overflow == false,
        count * s.utf8.count <= 1 << 30 else { throw TemplateFunctionError("strings: Repeat output length overflow") }
      return .string(String(repeating: s, count: count))
    })
    r.register("substr", .fixed(3, [.int, .int, .string]) { args in
      let start = try C.requireInt(args, 0), end = try C.requireInt(args, 1)
      let bytes = Array(try C.requireString(args, 2).utf8)
      let n = bytes.count
      func outOfRange(_ detail: String) -> TemplateFunctionError {
        TemplateFunctionError("runtime error: slice bounds out of range \(detail)")
      }
      if start < 0 {
        if end < 0 { throw outOfRange("[:\(end)]") }
        if end > n { throw outOfRange("[:\(end)] with length \(n)") }
        return .string(String(decoding: bytes[..<end], as: UTF8.self))
      }
      if end < 0 || end > n {
        if start > n { throw outOfRange("[\(start):\(n)]") }
        return .string(String(decoding: bytes[start...], as: UTF8.self))
      }
      if start > end { throw outOfRange("[\(start):\(end)]") }
      return .string(String(decoding: bytes[start..<end], as: UTF8.self))
    })
    r.register("trunc", .fixed(2, [.int, .string]) { args in
      let c = try C.requireInt(args, 0)
      let bytes = Array(try C.requireString(args, 1).utf8)
      if c < 0 && bytes.count + c > 0 { return .string(String(decoding: bytes[(bytes.count + c)...], as: UTF8.self)) }
      if c >= 0 && bytes.count > c { return .string(String(decoding: bytes[..<c], as: UTF8.self)) }
      return .string(String(decoding: bytes, as: UTF8.self))
    })
    r.register("abbrev", .fixed(2, [.int, .string]) { args in
      let width = try C.requireInt(args, 0), s = try C.requireString(args, 1)
      if width < 4 { return .string(s) }
      let chars = Array(s.unicodeScalars)
      if chars.count <= width { return .string(s) }
      return .string(String(String.UnicodeScalarView(chars[0..<(width - 3)])) + "...")
    })
    r.register("contains", .fixed(2, [.string, .string]) { args in
      let needle = try C.requireString(args, 0), s = try C.requireString(args, 1)
      return .bool(needle.isEmpty || s.contains(needle))
    })
    r.register("hasPrefix", .fixed(2, [.string, .string]) { .bool(try C.requireString($0, 1).hasPrefix(try C.requireString($0, 0))) })
    r.register("hasSuffix", .fixed(2, [.string, .string]) { .bool(try C.requireString($0, 1).hasSuffix(try C.requireString($0, 0))) })
    r.register("quote", .variadic { args in
      .string(args.filter { !$0.isNull }.map { goQuote(C.string($0)) }.joined(separator: " "))
    })
    r.register("squote", .variadic { args in
      .string(args.filter { !$0.isNull }.map { "'" + C.string($0) + "'" }.joined(separator: " "))
    })
    r.register("cat", .variadic { args in
      .string(args.filter { !$0.isNull }.map(C.string).joined(separator: " "))
    })
    r.register("indent", .fixed(2, [.int, .string]) { args in
      .string(try indent(try C.requireInt(args, 0), try C.requireString(args, 1)))
    })
    r.register("nindent", .fixed(2, [.int, .string]) { args in
      .string("\n" + (try indent(try C.requireInt(args, 0), try C.requireString(args, 1))))
    })
    r.register("replace", .fixed(3, [.string, .string, .string]) { args in
      let old = try C.requireString(args, 0), new = try C.requireString(args, 1), s = try C.requireString(args, 2)
      return .string(replaceAll(s, old, new))
    })
    r.register("plural", .fixed(3, [.string, .string, .int]) { args in
      let one = try C.requireString(args, 0), many = try C.requireString(args, 1)
      return .string(try C.requireInt(args, 2) == 1 ? one : many)
    })
    r.register("split", .fixed(2, [.string, .string]) { args in
      let parts = goSplit(try C.requireString(args, 1), separator: try C.requireString(args, 0))
      let map = TemplateMap()
      for (i, part) in parts.enumerated() { map["_\(i)"] = .string(part) }
      return .map(map)
    })
    r.register("splitList", .fixed(2, [.string, .string]) { args in
      .list(goSplit(try C.requireString(args, 1), separator: try C.requireString(args, 0)).map { .string($0) })
    })
    r.register("join", .fixed(2, [.string, .any]) { args in
      .string(C.strings(args[1]).joined(separator: try C.requireString(args, 0)))
    })
    r.register("sortAlpha", .fixed(1) { args in
      guard case .list = args[0] else { return .list([.string(C.string(args[0]))]) }
      return .list(C.strings(args[0]).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .string($0) })
    })
    r.register("toString", .fixed(1) { .string(C.string($0[0])) })
  }

  static let goSpace = CharacterSet(charactersIn: " \t\n\r\u{0B}\u{0C}\u{85}\u{A0}")
    .union(.whitespacesAndNewlines)

  static func trim(_ s: String, cutset: String) -> String {
    let cut = Set(cutset.unicodeScalars)
    var scalars = Array(s.unicodeScalars)
    while let first = scalars.first, cut.contains(first) { scalars.removeFirst() }
    while let last = scalars.last, cut.contains(last) { scalars.removeLast() }
    return String(String.UnicodeScalarView(scalars))
  }

  static func indent(_ spaces: Int, _ s: String) throws -> String {
    guard spaces >= 0 else { throw TemplateFunctionError("strings: negative Repeat count") }
    let pad = String(repeating: " ", count: min(spaces, 1 << 20))
    return pad + replaceAll(s, "\n", "\n" + pad)
  }

  /// goutils' `DeleteWhiteSpace`, which reads bytes as Latin-1 characters: non-ASCII text
  /// comes out re-encoded whenever any space was removed, as in Sprig.
  static func deleteWhiteSpace(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var removed = false
    for b in s.utf8 {
      let scalar = Unicode.Scalar(b)
      if SprigCase.isGoSpace(scalar) { removed = true } else { out.append(scalar) }
    }
    return removed ? String(out) : s
  }

  /// Go's `strings.Replace(s, old, new, -1)`.
  static func replaceAll(_ s: String, _ old: String, _ new: String) -> String {
    if old.isEmpty {
      var out = new
      for c in s.unicodeScalars { out.unicodeScalars.append(c); out += new }
      return out
    }
    return s.replacingOccurrences(of: old, with: new)
  }

  /// Go's `strings.Split`.
  static func goSplit(_ s: String, separator: String) -> [String] {
    if separator.isEmpty { return s.unicodeScalars.map { String($0) } }
    return s.components(separatedBy: separator)
  }

  /// Go's deprecated `strings.Title`: upper-cases letters that follow a non-letter.
  static func title(_ s: String) -> String {
    var out = ""
    var previousIsLetter = false
    for scalar in s.unicodeScalars {
      let isLetter = scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" || scalar == "'"
      if isLetter && !previousIsLetter {
        out += String(scalar).uppercased()
      } else {
        out.unicodeScalars.append(scalar)
      }
      previousIsLetter = isLetter
    }
    return out
  }
}
