/// JSON reading and writing for template values, following Go's
/// `encoding/json`: sorted object keys, `<>&` escaped, Go's float spelling.
public enum TemplateJSON {
  public struct SyntaxError: Error, CustomStringConvertible {
    public let description: String
  }

  /// Parses JSON. Integral numbers become `.int` when `integersStayIntegers`
  /// (Go's `UseNumber` then `Int64`), otherwise every number is a `.float` as in plain `json.Unmarshal`.
  public static func parse(_ text: String, integersStayIntegers: Bool = true) throws -> TemplateValue {
    var reader = Reader(bytes: Array(text.utf8), integers: integersStayIntegers)
    reader.skipSpace()
    let value = try reader.value()
    reader.skipSpace()
    guard reader.index == reader.bytes.count else { throw reader.error("invalid character after top-level value") }
    return value
  }

  private struct Reader {
    let bytes: [UInt8]
    let integers: Bool
    var index = 0

    init(bytes: [UInt8], integers: Bool) {
      self.bytes = bytes
      self.integers = integers
    }

    func error(_ message: String) -> SyntaxError { SyntaxError(description: "\(message) at offset \(index)") }

    mutating func skipSpace() {
      while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func literal(_ word: String, _ value: TemplateValue) throws -> TemplateValue {
      let w = Array(word.utf8)
      guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else { throw error("invalid literal") }
      index += w.count
      return value
    }

    mutating func value() throws -> TemplateValue {
      guard index < bytes.count else { throw error("unexpected end of JSON input") }
      switch bytes[index] {
      case UInt8(ascii: "{"):
        index += 1
        let map = TemplateMap()
        skipSpace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return .map(map) }
        while true {
          skipSpace()
          guard case .string(let key) = try value() else { throw error("object key must be a string") }
          skipSpace()
          guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected colon") }
          index += 1
          skipSpace()
          map[key] = try value()
          skipSpace()
          guard index < bytes.count else { throw error("unexpected end of JSON input") }
          if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
          if bytes[index] == UInt8(ascii: "}") { index += 1; return .map(map) }
          throw error("expected , or }")
        }
      case UInt8(ascii: "["):
        index += 1
        var list: [TemplateValue] = []
        skipSpace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return .list(list) }
        while true {
          skipSpace()
          list.append(try value())
          skipSpace()
          guard index < bytes.count else { throw error("unexpected end of JSON input") }
          if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
          if bytes[index] == UInt8(ascii: "]") { index += 1; return .list(list) }
          throw error("expected , or ]")
        }
      case UInt8(ascii: "\""):
        return .string(try string())
      case UInt8(ascii: "t"): return try literal("true", .bool(true))
      case UInt8(ascii: "f"): return try literal("false", .bool(false))
      case UInt8(ascii: "n"): return try literal("null", .null)
      default:
        return try number()
      }
    }

    mutating func number() throws -> TemplateValue {
      let start = index
      while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard !text.isEmpty else { throw error("invalid character") }
      if integers, let i = Int(text) { return .int(i) }
      guard let d = Double(text) else { throw error("invalid number \(text)") }
      if integers, d == d.rounded(), abs(d) < 9.2e18, !text.contains("."), !text.contains("e"), !text.contains("E") {
        return .int(Int(d))
      }
      return .float(d)
    }

    mutating func string() throws -> String {
      index += 1
      var out: [UInt8] = []
      while true {
        guard index < bytes.count else { throw error("unterminated string") }
        let b = bytes[index]
        index += 1
        if b == UInt8(ascii: "\"") { break }
        if b != UInt8(ascii: "\\") { out.append(b); continue }
        guard index < bytes.count else { throw error("unterminated string") }
        let e = bytes[index]
        index += 1
        switch e {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
          var code = try hex4()
          if code >= 0xD800 && code < 0xDC00, index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u") {
            index += 2
            let low = try hex4()
            guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid surrogate pair") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
        default: out.append(e)
        }
      }
      return String(decoding: out, as: UTF8.self)
    }

    mutating func hex4() throws -> UInt32 {
      guard index + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
      else { throw error("invalid escape") }
      index += 4
      return v
    }
  }

  /// Go's `json.Marshal` (or `MarshalIndent(v, "", "  ")` when `indent`).
  public static func encode(_ value: TemplateValue, indent: Bool = false) -> String {
    var out = ""
    write(value, indent: indent, level: 0, to: &out)
    return out
  }

  private static func write(_ value: TemplateValue, indent: Bool, level: Int, to out: inout String) {
    let newline = indent ? "\n" + String(repeating: "  ", count: level + 1) : ""
    let closing = indent ? "\n" + String(repeating: "  ", count: level) : ""
    switch value {
    case .null, .function: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .float(let f): out += jsonFloat(f)
    case .string(let s): out += quote(s)
    case .object(let o): out += quote(o.templateDescription)
    case .list(let list):
      if list.isEmpty { out += "[]"; return }
      out += "["
      for (i, element) in list.enumerated() {
        if i > 0 { out += "," }
        out += newline
        write(element, indent: indent, level: level + 1, to: &out)
      }
      out += closing + "]"
    case .map(let map):
      if map.isEmpty { out += "{}"; return }
      out += "{"
      for (i, key) in map.sortedKeys.enumerated() {
        if i > 0 { out += "," }
        out += newline + quote(key) + (indent ? ": " : ":")
        write(map[key] ?? .null, indent: indent, level: level + 1, to: &out)
      }
      out += closing + "}"
    }
  }

  /// Go's JSON float spelling: like `%g` shortest but exponent only below 1e-6 or from 1e21.
  static func jsonFloat(_ f: Double) -> String {
    guard f.isFinite else { return "null" }
    if f == 0 { return f.sign == .minus ? "-0" : "0" }
    let (digits, point) = GoFloat.shortestDigits(f)
    let sign = f < 0 ? "-" : ""
    let exp = point - 1
    if abs(f) < 1e-6 || abs(f) >= 1e21 {
      return sign + GoFloat.exponentForm(digits, exp: exp, upper: false)
        .droppingExponentPadding()
    }
    return sign + GoFloat.fixedForm(digits, point: point)
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "<", ">", "&", "\u{2028}", "\u{2029}":
        let h = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
      default:
        if scalar.value < 0x20 {
          let h = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

private extension String {
  /// Go's JSON shortens a two-digit exponent with a leading zero: `1e-07` becomes `1e-7`.
  func droppingExponentPadding() -> String {
    guard let e = firstIndex(of: "e") else { return self }
    let mantissa = self[..<e]
    let sign = self[index(after: e)]
    var digits = self[index(e, offsetBy: 2)...]
    if digits.count == 2 && digits.first == "0" { digits = digits.dropFirst() }
    return mantissa + "e" + String(sign) + digits
  }
}
