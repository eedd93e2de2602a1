/// Go's `strconv.Quote`: a double-quoted literal with Go escapes.
func goQuote(_ s: String, asciiOnly: Bool = false) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    appendQuotedScalar(scalar, quote: "\"", asciiOnly: asciiOnly, to: &out)
  }
  out += "\""
  return out
}

/// Go's `strconv.QuoteRune`: a single-quoted character literal.
func goQuoteRune(_ value: Int, asciiOnly: Bool = false) -> String {
  let scalar = (value >= 0 && value <= 0x10FFFF ? Unicode.Scalar(UInt32(value)) : nil) ?? "\u{FFFD}"
  var out = "'"
  appendQuotedScalar(scalar, quote: "'", asciiOnly: asciiOnly, to: &out)
  return out + "'"
}

/// Whether Go's `unicode.IsPrint` holds (letters, marks, numbers, punctuation, symbols and ASCII space).
func goIsPrint(_ scalar: Unicode.Scalar) -> Bool {
  if scalar.value < 0x80 { return scalar.value >= 0x20 && scalar.value < 0x7F }
  switch scalar.properties.generalCategory {
  case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
    return false
  default:
    return true
  }
}

private func hex(_ value: UInt32, width: Int) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

private func appendQuotedScalar(_ scalar: Unicode.Scalar, quote: Character, asciiOnly: Bool, to out: inout String) {
  switch scalar {
  case "\u{07}": out += "\\a"
  case "\u{08}": out += "\\b"
  case "\u{0C}": out += "\\f"
  case "\n": out += "\\n"
  case "\r": out += "\\r"
  case "\t": out += "\\t"
  case "\u{0B}": out += "\\v"
  case "\\": out += "\\\\"
  default:
    if Character(scalar) == quote {
      out += "\\" + String(quote)
    } else if goIsPrint(scalar) && !(asciiOnly && scalar.value >= 0x80) {
      out.unicodeScalars.append(scalar)
    } else if scalar.value < 0x80 {
      out += "\\x" + hex(scalar.value, width: 2)
    } else if scalar.value < 0x10000 {
      out += "\\u" + hex(scalar.value, width: 4)
    } else {
      out += "\\U" + hex(scalar.value, width: 8)
    }
  }
}

/// Go's `strconv.Unquote` for "…", `…` and '…' literals; nil when malformed.
func goUnquote(_ literal: String) -> String? {
  let bytes = Array(literal.utf8)
  guard bytes.count >= 2, let quote = bytes.first, bytes.last == quote else { return nil }
  let body = bytes[1..<(bytes.count - 1)]
  if quote == UInt8(ascii: "`") {
    if body.contains(UInt8(ascii: "`")) { return nil }
    return String(decoding: body.filter { $0 != 0x0D }, as: UTF8.self)
  }
  guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
  var result: [UInt8] = []
  var i = body.startIndex
  func appendScalar(_ v: UInt32) -> Bool {
    guard let s = Unicode.Scalar(v) else { return false }
    result.append(contentsOf: Array(String(s).utf8))
    return true
  }
  while i < body.endIndex {
    let c = body[i]
    if c == quote && quote == UInt8(ascii: "\"") { return nil }
    if c != UInt8(ascii: "\\") {
      result.append(c)
      i += 1
      continue
    }
    i += 1
    guard i < body.endIndex else { return nil }
    let e = body[i]
    i += 1
    switch e {
    case UInt8(ascii: "a"): result.append(0x07)
    case UInt8(ascii: "b"): result.append(0x08)
    case UInt8(ascii: "f"): result.append(0x0C)
    case UInt8(ascii: "n"): result.append(0x0A)
    case UInt8(ascii: "r"): result.append(0x0D)
    case UInt8(ascii: "t"): result.append(0x09)
    case UInt8(ascii: "v"): result.append(0x0B)
    case UInt8(ascii: "\\"): result.append(0x5C)
    case UInt8(ascii: "'"), UInt8(ascii: "\""):
      guard e == quote else { return nil }
      result.append(e)
    case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
      let n = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
      guard i + n <= body.endIndex, let v = UInt32(String(decoding: body[i..<(i + n)], as: UTF8.self), radix: 16) else { return nil }
      i += n
      if e == UInt8(ascii: "x") { result.append(UInt8(v)) } else if !appendScalar(v) { return nil }
    case UInt8(ascii: "0")...UInt8(ascii: "7"):
      guard i + 2 <= body.endIndex, let v = UInt32(String(decoding: body[(i - 1)..<(i + 2)], as: UTF8.self), radix: 8), v < 256 else { return nil }
      i += 2
      result.append(UInt8(v))
    default:
      return nil
    }
  }
  let text = String(decoding: result, as: UTF8.self)
  if quote == UInt8(ascii: "'") && text.unicodeScalars.count != 1 { return nil }
  return text
}
