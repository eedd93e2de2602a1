/// How YAML reads a plain (unquoted) scalar, and whether a string may be
/// written plain. Deliberately the union of YAML 1.1 (Yams, PyYAML, Go's
/// yaml.v2) and 1.2 (yaml.v3) so that whatever reads Howl's output gets the
/// same string back: `yes`, `on`, `10:00`, `0x1f`, `1e3`, `~`, `2024-01-01`
/// are all quoted when they are strings.
enum ScalarStyle {
  /// The kind a YAML reader may give the plain scalar `text`.
  static func kind(ofPlain text: String) -> ScalarKind {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
         "true", "True", "TRUE", "false", "False", "FALSE",
         "on", "On", "ON", "off", "Off", "OFF": return .bool
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
         ".nan", ".NaN", ".NAN": return .float
    default: return number(text.utf8) ?? .string
    }
  }

  /// `.int` or `.float` if `bytes` is a YAML 1.1 or 1.2 number (decimal,
  /// 0x/0o/0b, underscores, sexagesimal `1:30`), else nil.
  static func number(_ bytes: String.UTF8View) -> ScalarKind? {
    var index = bytes.startIndex
    guard index != bytes.endIndex else { return nil }
    let first = bytes[index]
    if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { index = bytes.index(after: index) }
    let body = bytes[index...]
    guard let lead = body.first else { return nil }
    let isDigit = { (c: UInt8) in c >= 48 && c <= 57 }
    if lead == UInt8(ascii: "0"), body.count > 2 {
      let marker = body[body.index(after: body.startIndex)]
      let digits = body.dropFirst(2)
      let allowed: (UInt8) -> Bool
      switch marker {
      case UInt8(ascii: "x"): allowed = { isDigit($0) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) || $0 == 95 }
      case UInt8(ascii: "o"): allowed = { ($0 >= 48 && $0 <= 55) || $0 == 95 }
      case UInt8(ascii: "b"): allowed = { $0 == 48 || $0 == 49 || $0 == 95 }
      default: allowed = { _ in false }
      }
      if marker > 57, !digits.isEmpty { return digits.allSatisfy(allowed) ? .int : nil }
    }
    var digits = 0, dots = 0, colons = 0, exponent = false, afterExponent = 0
    var previous: UInt8 = 0
    for c in body {
      if isDigit(c) {
        if exponent { afterExponent += 1 } else { digits += 1 }
      } else if c == 95 {  // _
        if exponent || digits == 0 { return nil }
      } else if c == 46 {  // .
        if exponent { return nil }
        dots += 1
        if dots > 1 { return nil }
      } else if c == 58 {  // :
        if exponent || dots > 0 || digits == 0 { return nil }
        colons += 1
      } else if c == 101 || c == 69 {  // e E
        if exponent || digits == 0 || colons > 0 { return nil }
        exponent = true
      } else if c == 43 || c == 45 {  // + - only right after e
        if !(previous == 101 || previous == 69) { return nil }
      } else {
        return nil
      }
      previous = c
    }
    if digits == 0 { return nil }
    if exponent && afterExponent == 0 { return nil }
    if previous == 58 { return nil }
    return dots > 0 || exponent ? .float : .int
  }

  /// Whether the string `text` can be written as a plain scalar and read back
  /// as the same string.
  static func canBePlain(_ text: String) -> Bool {
    let bytes = text.utf8
    guard let first = bytes.first, let last = bytes.last else { return false }
    if kind(ofPlain: text) != .string { return false }
    switch first {
    case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
         UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"),
         UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""),
         UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: " "):
      return false
    case UInt8(ascii: "-"):
      if bytes.count == 1 || text.hasPrefix("- ") || text.hasPrefix("---") { return false }
    case UInt8(ascii: "."):
      if text.hasPrefix("...") { return false }
    case UInt8(ascii: "<"), UInt8(ascii: "="):
      if text == "<<" || text == "=" { return false }
    default: break
    }
    if last == UInt8(ascii: " ") || last == UInt8(ascii: ":") { return false }
    if looksLikeTimestamp(bytes) { return false }
    var previous: UInt8 = 0
    for c in bytes {
      if c < 0x20 || c == 0x7f { return false }
      if c == UInt8(ascii: " ") && previous == UInt8(ascii: ":") { return false }
      if c == UInt8(ascii: "#") && previous == UInt8(ascii: " ") { return false }
      previous = c
    }
    for scalar in text.unicodeScalars where scalar.value >= 0x80 {
      switch scalar.value {
      case 0x85, 0xA0, 0x2028, 0x2029, 0xFEFF: return false
      case 0x80...0x9F, 0xD800...0xDFFF, 0xFFFE, 0xFFFF: return false
      default: continue
      }
    }
    return true
  }

  /// `2001-12-14`-like text, which YAML 1.1 reads as a timestamp.
  static func looksLikeTimestamp(_ bytes: String.UTF8View) -> Bool {
    guard bytes.count >= 8 else { return false }
    let prefix = Array(bytes.prefix(5))
    return prefix[0...3].allSatisfy { $0 >= 48 && $0 <= 57 } && prefix[4] == UInt8(ascii: "-")
  }

  /// `text` as a double-quoted YAML scalar.
  static func doubleQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\0": out += "\\0"
      default:
        let v = scalar.value
        if v < 0x20 || v == 0x7f || (v >= 0x80 && v <= 0xA0) || v == 0x2028 || v == 0x2029 || v == 0xFEFF
          || v == 0xFFFE || v == 0xFFFF {
          out += v <= 0xff ? "\\x" + hex(v, 2) : "\\u" + hex(v, 4)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  static func hex(_ value: UInt32, _ width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// A scalar as Howl writes it: strings plain when that reads back the
  /// same, else double-quoted; other kinds verbatim (as they were read)
  /// unless their text would read as another kind.
  static func render(_ text: String, _ kind: ScalarKind) -> String {
    if kind == .string { return canBePlain(text) ? text : doubleQuoted(text) }
    if kind == .null && text.isEmpty { return "" }
    return ScalarStyle.kind(ofPlain: text) == kind ? text : doubleQuoted(text)
  }
}
