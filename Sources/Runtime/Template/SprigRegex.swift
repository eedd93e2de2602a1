import Foundation

/// Sprig's regular-expression functions (RE2 syntax, which NSRegularExpression accepts for common patterns).
enum SprigRegex {
  static func compile(_ pattern: String) throws -> NSRegularExpression {
    do {
      return try NSRegularExpression(pattern: pattern)
    } catch {
      throw TemplateFunctionError("error parsing regexp: \(pattern)")
    }
  }

  static func register(into r: inout TemplateFunctionRegistry) {
    typealias C = SprigConvert
    r.register("regexMatch", .fixed(2) { args in
      let re = try compile(try C.requireString(args, 0)), s = try C.requireString(args, 1)
      return .bool(re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil)
    })
    r.register("regexFind", .fixed(2) { args in
      let re = try compile(try C.requireString(args, 0)), s = try C.requireString(args, 1)
      guard let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)), let range = Range(m.range, in: s) else {
        return .string("")
      }
      return .string(String(s[range]))
    })
    r.register("regexReplaceAll", .fixed(3) { args in
      let re = try compile(try C.requireString(args, 0)), s = try C.requireString(args, 1)
      let template = goTemplateToNS(try C.requireString(args, 2))
      return .string(re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template))
    })
    r.register("regexSplit", .fixed(3) { args in
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

  /// Go's `${1}`/`$name` replacement syntax mapped to NSRegularExpression's `$1` (literal `\` escaped).
  static func goTemplateToNS(_ template: String) -> String {
    var out = ""
    var chars = Array(template)[...]
    while let c = chars.popFirst() {
      switch c {
      case "\\": out += "\\\\"
      case "$":
        if chars.first == "$" { chars.removeFirst(); out += "\\$" }
        else if chars.first == "{" {
          let name = chars.dropFirst().prefix { $0 != "}" }
          if Int(String(name)) != nil, chars.dropFirst(name.count + 1).first == "}" {
            chars = chars.dropFirst(name.count + 2)
            out += "$" + String(name)
          } else {
            out += "\\$"
          }
        } else if let d = chars.first, d.isNumber {
          let digits = chars.prefix { $0.isNumber }
          chars = chars.dropFirst(digits.count)
          out += "$" + String(digits)
        } else {
          let word = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
          chars = chars.dropFirst(word.count)
        }
      default: out.append(c)
      }
    }
    return out
  }
}
