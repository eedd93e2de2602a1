/// JSON reading and writing. Numbers without a fraction or exponent read as
/// integers; maps keep the order of the text.
enum JSON {
  static func parse(_ text: String) throws -> Value {
    var p = JSONParser(bytes: Array(text.utf8))
    p.skipSpace()
    let v = try p.value(depth: 0)
    p.skipSpace()
    guard p.pos == p.bytes.count else { throw p.error("unexpected text after the JSON value") }
    return v
  }

  static func serialize(_ v: Value, indent: Int, level: Int = 0, into out: inout String) throws {
    guard level < 200 else { throw LangError("to_json: value is nested too deeply") }
    let pad = indent > 0 ? "\n" + String(repeating: " ", count: indent * (level + 1)) : ""
    let closePad = indent > 0 ? "\n" + String(repeating: " ", count: indent * level) : ""
    switch v {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .float(let f):
      guard f.isFinite else { throw LangError("to_json: \(f) has no JSON form") }
      out += f.description
    case .string(let s): out += jsonQuote(s)
    case .list(let l):
      if l.items.isEmpty { out += "[]"; return }
      out += "["
      for (i, item) in l.items.enumerated() {
        out += (i > 0 ? "," : "") + pad
        try serialize(item, indent: indent, level: level + 1, into: &out)
      }
      out += closePad + "]"
    case .map(let m):
      if m.entries.isEmpty { out += "{}"; return }
      out += "{"
      var first = true
      for (k, item) in m.entries.pairs {
        out += (first ? "" : ",") + pad + jsonQuote(k.description) + (indent > 0 ? ": " : ":")
        first = false
        try serialize(item, indent: indent, level: level + 1, into: &out)
      }
      out += closePad + "}"
    case .range, .function:
      throw LangError("to_json: a \(v.typeName) has no JSON form")
    default:
      out += jsonQuote(try v.checkedDescription())
    }
  }

  static func jsonQuote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

private struct JSONParser {
  let bytes: [UInt8]
  var pos = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  func error(_ message: String) -> LangError {
    var line = 1, column = 1
    for b in bytes[..<min(pos, bytes.count)] {
      if b == 10 { line += 1; column = 1 } else { column += 1 }
    }
    return LangError("json: \(message) at line \(line), column \(column)")
  }

  mutating func skipSpace() {
    while pos < bytes.count, [32, 9, 10, 13].contains(bytes[pos]) { pos += 1 }
  }

  mutating func literal(_ word: String, _ v: Value) throws -> Value {
    let w = Array(word.utf8)
    guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else { throw error("invalid literal") }
    pos += w.count
    return v
  }

  mutating func value(depth: Int) throws -> Value {
    guard depth < 200 else { throw error("nested too deeply") }
    guard pos < bytes.count else { throw error("unexpected end of input") }
    switch bytes[pos] {
    case UInt8(ascii: "{"):
      pos += 1
      var map = OrderedMap()
      skipSpace()
      if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return .map(MapRef(map)) }
      while true {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
        let key = try string()
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
        pos += 1
        skipSpace()
        map[string: key] = try value(depth: depth + 1)
        skipSpace()
        guard pos < bytes.count else { throw error("unexpected end of input") }
        if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
        if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .map(MapRef(map)) }
        throw error("expected ',' or '}'")
      }
    case UInt8(ascii: "["):
      pos += 1
      var items: [Value] = []
      skipSpace()
      if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(items) }
      while true {
        skipSpace()
        items.append(try value(depth: depth + 1))
        skipSpace()
        guard pos < bytes.count else { throw error("unexpected end of input") }
        if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
        if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(items) }
        throw error("expected ',' or ']'")
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    default: return try number()
    }
  }

  mutating func number() throws -> Value {
    let start = pos
    var isFloat = false
    if pos < bytes.count && bytes[pos] == UInt8(ascii: "-") { pos += 1 }
    while pos < bytes.count {
      let c = bytes[pos]
      if Lexer.isDigit(c) { pos += 1 }
      else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") ||
                ((c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && isFloat) { isFloat = true; pos += 1 }
      else { break }
    }
    let text = String(decoding: bytes[start..<pos], as: UTF8.self)
    guard !text.isEmpty, text != "-" else { throw error("unexpected character") }
    if !isFloat, let i = Int(text) { return .int(i) }
    guard let f = Double(text) else { throw error("invalid number '\(text)'") }
    return .float(f)
  }

  mutating func string() throws -> String {
    pos += 1
    var out: [UInt8] = []
    while pos < bytes.count {
      let c = bytes[pos]
      pos += 1
      if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
      if c < 0x20 { throw error("control character in string") }
      guard c == UInt8(ascii: "\\") else { out.append(c); continue }
      guard pos < bytes.count else { break }
      let e = bytes[pos]
      pos += 1
      switch e {
      case UInt8(ascii: "n"): out.append(10)
      case UInt8(ascii: "t"): out.append(9)
      case UInt8(ascii: "r"): out.append(13)
      case UInt8(ascii: "b"): out.append(8)
      case UInt8(ascii: "f"): out.append(12)
      case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"),
           bytes[pos + 1] == UInt8(ascii: "u") {
          pos += 2
          let low = try hex4()
          code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00 & 0x3FF)
        }
        out += Array(String(Character(UnicodeScalar(code) ?? "\u{FFFD}")).utf8)
      default: throw error("invalid escape")
      }
    }
    throw error("unterminated string")
  }

  mutating func hex4() throws -> UInt32 {
    guard pos + 4 <= bytes.count else { throw error("invalid \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      guard let d = Lexer.hexValue(bytes[pos]) else { throw error("invalid \\u escape") }
      v = v << 4 | UInt32(d)
      pos += 1
    }
    return v
  }
}
