import Foundation

/// Go's float formatting (`strconv.FormatFloat` as `fmt` uses it).
enum GoFloat {
  /// The shortest decimal digits that round-trip, and the decimal point position
  /// (value = 0.DIGITS × 10^point).
  static func shortestDigits(_ value: Double) -> (digits: [UInt8], point: Int) {
    let text = abs(value).description
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<e]
      exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    var digits: [UInt8] = []
    var point = 0
    var seenPoint = false
    for c in mantissa.utf8 {
      if c == UInt8(ascii: ".") { seenPoint = true; continue }
      digits.append(c)
      if !seenPoint { point += 1 }
    }
    while let first = digits.first, first == UInt8(ascii: "0"), digits.count > 1 {
      digits.removeFirst()
      point -= 1
    }
    while let last = digits.last, last == UInt8(ascii: "0"), digits.count > 1 { digits.removeLast() }
    if digits == [UInt8(ascii: "0")] { point = 1 }
    return (digits, point + exponent)
  }

  /// `%v` and `%g` without precision: shortest digits, exponent form when the
  /// exponent is below -4 or at least 6 (Go's rule for the shortest `%g`).
  static func formatShortest(_ value: Double, upper: Bool = false) -> String {
    if let special = specialValue(value) { return special }
    let (digits, point) = shortestDigits(value)
    let sign = value.sign == .minus ? "-" : ""
    let exp = point - 1
    if exp < -4 || exp >= shortestExponentThreshold {
      return sign + exponentForm(digits, exp: exp, upper: upper)
    }
    return sign + fixedForm(digits, point: point)
  }

  /// The exponent from which the shortest `%g` switches to exponent form.
  static let shortestExponentThreshold = 6

  static func specialValue(_ value: Double) -> String? {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
    return nil
  }

  static func exponentForm(_ digits: [UInt8], exp: Int, upper: Bool) -> String {
    var s = String(decoding: digits.prefix(1), as: UTF8.self)
    if digits.count > 1 { s += "." + String(decoding: digits.dropFirst(), as: UTF8.self) }
    s += upper ? "E" : "e"
    s += exp < 0 ? "-" : "+"
    let e = abs(exp)
    s += e < 10 ? "0\(e)" : "\(e)"
    return s
  }

  static func fixedForm(_ digits: [UInt8], point: Int) -> String {
    let d = String(decoding: digits, as: UTF8.self)
    if point <= 0 { return "0." + String(repeating: "0", count: -point) + d }
    if point >= digits.count { return d + String(repeating: "0", count: point - digits.count) }
    let i = d.index(d.startIndex, offsetBy: point)
    return String(d[..<i]) + "." + String(d[i...])
  }

  /// `%e`, `%f`, `%g` with an explicit precision and `%x` (hex float), via C's printf
  /// (same rounding as Go) adjusted to Go's spelling; `%b` and the `#` flag in Go's own way.
  static func format(_ value: Double, verb: Character, precision: Int?, sharp: Bool) -> String {
    if let special = specialValue(value) { return special }
    var s: String
    switch verb {
    case "b":
      return binaryExponentForm(value)
    case "g", "G":
      if let precision {
        s = String(format: "%.\(max(precision, 1))\(verb)", value)
      } else {
        s = formatShortest(value, upper: verb == "G")
      }
    case "x", "X":
      s = String(format: precision.map { "%.\($0)\(verb == "x" ? "a" : "A")" } ?? (verb == "x" ? "%a" : "%A"), value)
      if let p = s.lastIndex(where: { $0 == "p" || $0 == "P" }) {
        let sign = s[s.index(after: p)]
        let digits = s[s.index(p, offsetBy: 2)...]
        if digits.count < 2 { s = String(s[...p]) + String(sign) + "0" + digits }
      }
    default:
      s = String(format: "%.\(precision ?? 6)\(verb)", value)
    }
    return sharp ? applySharp(s, verb: verb, precision: precision) : s
  }

  /// Go's `%b` of a float: `MANTISSAp±EXP` with an integer mantissa.
  static func binaryExponentForm(_ value: Double) -> String {
    let sign = value.sign == .minus ? "-" : ""
    var mantissa = value.significandBitPattern
    var exponent = Int(value.exponentBitPattern)
    if exponent == 0 {
      exponent = 1
    } else {
      mantissa |= 1 << 52
    }
    exponent -= 1075
    return sign + String(mantissa) + "p" + (exponent >= 0 ? "+" : "-") + String(abs(exponent))
  }

  /// Go's `#` flag for floats: always a decimal point and, for `%g`/`%v`/`%x`, trailing
  /// zeros up to the precision (6 when none was given) counted in significant digits.
  static func applySharp(_ formatted: String, verb: Character, precision: Int?) -> String {
    var digits = 0
    if "vgGxX".contains(verb) { digits = precision ?? 6 }
    var body = Array(formatted.unicodeScalars)
    var sign: [Unicode.Scalar] = []
    if let first = body.first, first == "-" || first == "+" { sign = [first]; body.removeFirst() }
    var tail: [Unicode.Scalar] = []
    var hasPoint = false
    var sawNonzero = false
    var i = 0
    while i < body.count {
      let c = body[i]
      if c == "." {
        hasPoint = true
      } else if c == "p" || c == "P" || ((c == "e" || c == "E") && verb != "x" && verb != "X") {
        tail = Array(body[i...])
        body = Array(body[..<i])
        break
      } else {
        if c != "0" { sawNonzero = true }
        if sawNonzero { digits -= 1 }
      }
      i += 1
    }
    if !hasPoint {
      if body.count == 1 && body[0] == "0" { digits -= 1 }
      body.append(".")
    }
    if digits > 0 { body += Array(repeating: "0", count: digits) }
    return String(String.UnicodeScalarView(sign + body + tail))
  }
}
