import Foundation

/// Sprig's regular-expression functions (RE2 syntax, which NSRegularExpression accepts for common patterns).
enum SprigRegex {
  static func compile(_ pattern: String) throws -> NSRegularExpression {
    do {
      let translated = pattern.isEmpty ? "(?:)" : pattern.replacingOccurrences(of: "(?P<", with: "(?<")
      return try NSRegularExpression(pattern: translated)
    } catch {
      throw TemplateFunctionError("regexp: Compile(`\(pattern)`): error parsing regexp")
    }
  }

  static func register(into r: inout TemplateFunctionRegistry) {
    typealias C = SprigConvert
    r.register("regexMatch", .fixed(2, [.string, .string]) { args in
      let pattern = try C.requireString(args, 0), s = try C.requireString(args, 1)
      guard let re = try? compile(pattern) else { return false }
      return .bool(re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil)
    })
    r.register("regexFind", .fixed(2, [.string, .string]) { args in
      let re = try compile(try C.requireString(args, 0)), s = try C.requireString(args, 1)
      guard let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)), let range = Range(m.range, in: s) else {
        return .string("")
      }
      return .string(String(s[range]))
    })
    r.register("regexReplaceAll", .fixed(3, [.string, .string, .string]) { args in
      let re = try compile(try C.requireString(args, 0)), s = try C.requireString(args, 1)
      return .string(replaceAll(s, re, template: try C.requireString(args, 2)))
    })
    r.register("regexSplit", .fixed(3, [.string, .string, .int]) { args in
      let re = try compile(try C.requireString(args, 0)), s = try C.requireString(args, 1)
      let n = try C.requireInt(args, 2)
      return .list(split(s, re, n).map { .string($0) })
    })
  }

  /// Go's `Regexp.Split(s, n)`.
  static func split(_ s: String, _ re: NSRegularExpression, _ n: Int) -> [String] {
    if n == 0 { return [] }
    if s.isEmpty { return [""] }
    let ns = s as NSString
    var matches = re.matches(in: s, range: NSRange(location: 0, length: ns.length))
    if n > 0 && matches.count > n - 1 { matches = Array(matches.prefix(n - 1)) }
    var parts: [String] = []
    var start = 0
    for m in matches {
      if m.range.length == 0 && m.range.location == 0 { continue }
      parts.append(ns.substring(with: NSRange(location: start, length: m.range.location - start)))
      start = m.range.location + m.range.length
    }
    parts.append(ns.substring(from: start))
    return parts
  }

  /// Go's `Regexp.ReplaceAllString`: `$1`, `${1}`, `$name`, `${name}` expand to groups
  /// (the longest name wins, unknown names expand to nothing), `$$` is a dollar.
  static func replaceAll(_ s: String, _ re: NSRegularExpression, template: String) -> String {
    let ns = s as NSString
    var out = ""
    var last = 0
    for match in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
      out += ns.substring(with: NSRange(location: last, length: match.range.location - last))
      out += expand(template, match, in: ns)
      last = match.range.location + match.range.length
    }
    return out + ns.substring(from: last)
  }

  private static func expand(_ template: String, _ match: NSTextCheckingResult, in ns: NSString) -> String {
    func group(_ name: String) -> String {
      let range: NSRange
      if let index = Int(name) {
        guard index >= 0, index < match.numberOfRanges else { return "" }
        range = match.range(at: index)
      } else {
        range = match.range(withName: name)
      }
      return range.location == NSNotFound ? "" : ns.substring(with: range)
    }
    var out = ""
    var chars = Array(template.unicodeScalars)[...]
    let isNameChar = { (c: Unicode.Scalar) in c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c) }
    while let c = chars.popFirst() {
      guard c == "$" else { out.unicodeScalars.append(c); continue }
      if chars.first == "$" {
        chars.removeFirst()
        out += "$"
      } else if chars.first == "{", let close = chars.firstIndex(of: "}") {
        let name = String(String.UnicodeScalarView(chars[chars.index(after: chars.startIndex)..<close]))
        if !name.isEmpty && name.unicodeScalars.allSatisfy(isNameChar) {
          out += group(name)
          chars = chars[chars.index(after: close)...]
        } else {
          out += "$"
        }
      } else {
        let name = String(String.UnicodeScalarView(chars.prefix(while: isNameChar)))
        if name.isEmpty {
          out += "$"
        } else {
          out += group(name)
          chars = chars.dropFirst(name.unicodeScalars.count)
        }
      }
    }
    return out
  }
}
