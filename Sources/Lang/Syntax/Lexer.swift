/// Turns source bytes into tokens. It never stops at an error: it records a
/// diagnostic, skips the bad input and goes on, so one run reports several.
///
/// Newlines end statements, except inside `(…)` and `[…]`, after a token that
/// continues a line (a binary operator, `,`, `|`, `=`…), and before a line that
/// starts with `|` or `.name` (a pipeline or method chain laid out downwards).
public struct Lexer {
  private let file: SourceFile
  private let bytes: [UInt8]
  private var pos: Int
  private let end: Int
  private var tokens: [Token] = []
  private var brackets: [UInt8] = []
  public private(set) var diagnostics: [Diagnostic] = []

  /// Lexes `file`, or only the byte range `range` of it (for `${…}`).
  public init(file: SourceFile, range: Range<Int>? = nil) {
    self.file = file
    self.bytes = file.bytes
    self.pos = range?.lowerBound ?? 0
    self.end = range?.upperBound ?? file.bytes.count
    if range == nil && bytes.starts(with: [UInt8(ascii: "#"), UInt8(ascii: "!")]) {
      while pos < end && bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
    }
  }

  public static func tokenize(_ file: SourceFile, range: Range<Int>? = nil) -> ([Token], [Diagnostic]) {
    var lexer = Lexer(file: file, range: range)
    lexer.run()
    return (lexer.tokens, lexer.diagnostics)
  }

  private mutating func run() {
    while true {
      skipSpaceAndComments()
      guard pos < end else { break }
      let c = bytes[pos]
      if c == UInt8(ascii: "\n") {
        newline()
        continue
      }
      lexToken(c)
    }
    if let last = tokens.last, last.kind != .newline {
      tokens.append(Token(kind: .newline, span: Span(end, end), value: .none, text: ""))
    }
    tokens.append(Token(kind: .eof, span: Span(end, end), value: .none, text: ""))
  }

  private mutating func error(_ message: String, _ start: Int, _ stop: Int, suggestion: String? = nil) {
    diagnostics.append(Diagnostic(message, file: file, span: Span(start, max(stop, start + 1)), suggestion: suggestion))
  }

  private func peek(_ offset: Int = 0) -> UInt8 {
    pos + offset < end ? bytes[pos + offset] : 0
  }

  private mutating func add(_ kind: TokenKind, _ start: Int, value: TokenValue = .none, text: String = "") {
    tokens.append(Token(kind: kind, span: Span(start, pos), value: value, text: text))
  }

  private mutating func skipSpaceAndComments() {
    while pos < end {
      let c = bytes[pos]
      if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
        pos += 1
      } else if c == UInt8(ascii: "#") {
        while pos < end && bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
      } else if c == UInt8(ascii: "\\") && peek(1) == UInt8(ascii: "\n") {
        pos += 2
      } else {
        return
      }
    }
  }

  private mutating func newline() {
    let start = pos
    pos += 1
    if let top = brackets.last, top != UInt8(ascii: "{") { return }
    guard let last = tokens.last, last.kind != .newline, last.kind != .semicolon,
          last.kind != .lbrace, !last.kind.continuesLine else { return }
    if nextLineContinues() { return }
    tokens.append(Token(kind: .newline, span: Span(start, start + 1), value: .none, text: ""))
  }

  /// Whether the next non-blank line starts with `|` or `.name`.
  private func nextLineContinues() -> Bool {
    var p = pos
    while p < end {
      let c = bytes[p]
      if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n") {
        p += 1
      } else if c == UInt8(ascii: "#") {
        while p < end && bytes[p] != UInt8(ascii: "\n") { p += 1 }
      } else {
        let next = p + 1 < end ? bytes[p + 1] : 0
        if c == UInt8(ascii: "|") { return next != UInt8(ascii: "|") }
        if c == UInt8(ascii: ".") { return Lexer.isIdentStart(next) }
        return false
      }
    }
    return false
  }

  static func isIdentStart(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
      || c == UInt8(ascii: "_")
  }

  static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

  static func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

  static func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
  }

  private mutating func lexToken(_ c: UInt8) {
    let start = pos
    if let mac = scanMAC() {
      add(.mac, start, value: .mac(mac))
      return
    }
    if Lexer.isDigit(c) {
      lexNumber()
      return
    }
    if Lexer.isIdentStart(c) {
      while pos < end && Lexer.isIdentChar(bytes[pos]) { pos += 1 }
      let text = String(decoding: bytes[start..<pos], as: UTF8.self)
      add(TokenKind.keywords[text] ?? .identifier, start, text: text)
      return
    }
    if c == UInt8(ascii: "\"") {
      lexString()
      return
    }
    if c == UInt8(ascii: "'") {
      lexRawString()
      return
    }
    pos += 1
    let n = peek()
    switch c {
    case UInt8(ascii: "("): brackets.append(c); add(.lparen, start)
    case UInt8(ascii: "["): brackets.append(c); add(.lbracket, start)
    case UInt8(ascii: "{"): brackets.append(c); add(.lbrace, start)
    case UInt8(ascii: ")"): closeBracket(UInt8(ascii: "(")); add(.rparen, start)
    case UInt8(ascii: "]"): closeBracket(UInt8(ascii: "[")); add(.rbracket, start)
    case UInt8(ascii: "}"): closeBracket(UInt8(ascii: "{")); add(.rbrace, start)
    case UInt8(ascii: ","): add(.comma, start)
    case UInt8(ascii: ";"): add(.semicolon, start)
    case UInt8(ascii: ":"): add(.colon, start)
    case UInt8(ascii: "."):
      if n == UInt8(ascii: ".") { pos += 1; add(.dotDot, start) } else { add(.dot, start) }
    case UInt8(ascii: "|"):
      if n == UInt8(ascii: "|") {
        pos += 1
        error("unexpected '||'", start, pos, suggestion: "use 'or'")
        add(.kwOr, start)
      } else {
        add(.pipe, start)
      }
    case UInt8(ascii: "&"):
      if n == UInt8(ascii: "&") { pos += 1 }
      error("unexpected '\(n == UInt8(ascii: "&") ? "&&" : "&")'", start, pos, suggestion: "use 'and'")
      add(.kwAnd, start)
    case UInt8(ascii: "="):
      if n == UInt8(ascii: "=") { pos += 1; add(.equal, start) }
      else if n == UInt8(ascii: ">") { pos += 1; add(.arrow, start) }
      else { add(.assign, start) }
    case UInt8(ascii: "!"):
      if n == UInt8(ascii: "=") { pos += 1; add(.notEqual, start) }
      else {
        error("unexpected '!'", start, pos, suggestion: "use 'not'")
        add(.kwNot, start)
      }
    case UInt8(ascii: "<"):
      if n == UInt8(ascii: "=") { pos += 1; add(.lessEqual, start) } else { add(.less, start) }
    case UInt8(ascii: ">"):
      if n == UInt8(ascii: "=") { pos += 1; add(.greaterEqual, start) } else { add(.greater, start) }
    case UInt8(ascii: "+"):
      if n == UInt8(ascii: "=") { pos += 1; add(.plusAssign, start) } else { add(.plus, start) }
    case UInt8(ascii: "-"):
      if n == UInt8(ascii: "=") { pos += 1; add(.minusAssign, start) } else { add(.minus, start) }
    case UInt8(ascii: "*"): add(.star, start)
    case UInt8(ascii: "/"): add(.slash, start)
    case UInt8(ascii: "%"): add(.percent, start)
    default:
      // Skip a whole UTF-8 scalar so the message shows the character.
      while pos < end && bytes[pos] & 0xC0 == 0x80 { pos += 1 }
      let text = String(decoding: bytes[start..<pos], as: UTF8.self)
      error("unexpected character '\(text)'", start, pos)
    }
  }

  private mutating func closeBracket(_ open: UInt8) {
    if let top = brackets.last, top == open { brackets.removeLast() }
    else if let index = brackets.lastIndex(of: open) { brackets.removeSubrange(index...) }
  }

  // MARK: - Addresses

  /// `hh:hh:hh:hh:hh:hh` not followed by a name character.
  private mutating func scanMAC() -> UInt64? {
    guard pos + 17 <= end else { return nil }
    var value: UInt64 = 0
    for group in 0..<6 {
      let p = pos + group * 3
      guard let hi = Lexer.hexValue(bytes[p]), let lo = Lexer.hexValue(bytes[p + 1]) else { return nil }
      if group < 5 && bytes[p + 2] != UInt8(ascii: ":") { return nil }
      value = value << 8 | UInt64(hi << 4 | lo)
    }
    if pos + 17 < end && (Lexer.isIdentChar(bytes[pos + 17]) || bytes[pos + 17] == UInt8(ascii: ":")) { return nil }
    pos += 17
    return value
  }

  /// `a.b.c.d` and `a.b.c.d/n`; nil (position unchanged) when it is not one.
  private mutating func scanIPv4() -> Bool {
    let start = pos
    var p = pos
    var octets: [Int] = []
    for i in 0..<4 {
      let digitsStart = p
      var v = 0
      while p < end && Lexer.isDigit(bytes[p]) && p - digitsStart < 4 {
        v = v * 10 + Int(bytes[p] - UInt8(ascii: "0"))
        p += 1
      }
      if p == digitsStart { return false }
      octets.append(v)
      if i < 3 {
        guard p < end && bytes[p] == UInt8(ascii: ".") && p + 1 < end && Lexer.isDigit(bytes[p + 1]) else { return false }
        p += 1
      }
    }
    if p < end && (Lexer.isIdentChar(bytes[p]) || (bytes[p] == UInt8(ascii: ".") && p + 1 < end && Lexer.isDigit(bytes[p + 1]))) {
      return false
    }
    pos = p
    if octets.contains(where: { $0 > 255 }) {
      error("invalid IPv4 address: each part must be 0-255", start, pos)
    }
    let ip = octets.reduce(UInt32(0)) { $0 << 8 | UInt32(min($1, 255)) }
    if peek() == UInt8(ascii: "/") && Lexer.isDigit(peek(1)) {
      pos += 1
      let prefixStart = pos
      var prefix = 0
      while pos < end && Lexer.isDigit(bytes[pos]) {
        prefix = min(prefix * 10 + Int(bytes[pos] - UInt8(ascii: "0")), 1000)
        pos += 1
      }
      if prefix > 32 {
        error("invalid CIDR prefix length \(prefix): must be 0-32", prefixStart, pos)
        prefix = 32
      }
      add(.cidr, start, value: .cidr(ip, prefix))
    } else {
      add(.ip, start, value: .ip(ip))
    }
    return true
  }

  // MARK: - Numbers, sizes, durations

  private mutating func lexNumber() {
    let start = pos
    if scanIPv4() { return }
    if bytes[pos] == UInt8(ascii: "0"), let radix = radixFor(peek(1)) {
      pos += 2
      lexRadixInteger(radix: radix, start: start)
      return
    }
    var digits = scanDigits()
    var isFloat = false
    if peek() == UInt8(ascii: ".") && Lexer.isDigit(peek(1)) {
      isFloat = true
      pos += 1
      digits += "." + scanDigits()
    }
    if peek() == UInt8(ascii: "e") && (Lexer.isDigit(peek(1)) ||
        ((peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")) && Lexer.isDigit(peek(2)))) {
      isFloat = true
      digits += "e"
      pos += 1
      if !Lexer.isDigit(bytes[pos]) { digits += String(UnicodeScalar(bytes[pos])); pos += 1 }
      digits += scanDigits()
    }
    if pos < end && Lexer.isIdentStart(bytes[pos]) {
      lexUnit(number: digits, start: start)
      return
    }
    if isFloat {
      add(.float, start, value: .float(Double(digits) ?? 0))
    } else if let v = Int(digits) {
      add(.int, start, value: .int(v))
    } else {
      error("integer literal \(digits) does not fit in 64 bits", start, pos)
      add(.int, start, value: .int(0))
    }
  }

  private func radixFor(_ c: UInt8) -> Int? {
    switch c {
    case UInt8(ascii: "x"), UInt8(ascii: "X"): return 16
    case UInt8(ascii: "o"), UInt8(ascii: "O"): return 8
    case UInt8(ascii: "b"), UInt8(ascii: "B"): return 2
    default: return nil
    }
  }

  private mutating func scanDigits() -> String {
    var s = ""
    while pos < end && (Lexer.isDigit(bytes[pos]) || bytes[pos] == UInt8(ascii: "_")) {
      if bytes[pos] != UInt8(ascii: "_") { s.append(Character(UnicodeScalar(bytes[pos]))) }
      pos += 1
    }
    return s
  }

  private mutating func lexRadixInteger(radix: Int, start: Int) {
    var value = 0
    var overflow = false
    var count = 0
    while pos < end {
      let c = bytes[pos]
      if c == UInt8(ascii: "_") { pos += 1; continue }
      guard let d = Lexer.hexValue(c), Int(d) < radix else { break }
      let (m, o1) = value.multipliedReportingOverflow(by: radix)
      let (a, o2) = m.addingReportingOverflow(Int(d))
      overflow = overflow || o1 || o2
      value = a
      count += 1
      pos += 1
    }
    if pos < end && Lexer.isIdentChar(bytes[pos]) {
      while pos < end && Lexer.isIdentChar(bytes[pos]) { pos += 1 }
      error("invalid digit in base-\(radix) literal", start, pos)
    } else if count == 0 {
      error("missing digits after base prefix", start, pos)
    } else if overflow {
      error("integer literal does not fit in 64 bits", start, pos)
    }
    add(.int, start, value: .int(overflow ? 0 : value))
  }

  private static let sizeUnits: [String: Int] = [
    "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50,
    "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40, "PB": 1 << 50,
    "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "PiB": 1 << 50,
  ]
  /// Duration units in milliseconds.
  private static let durationUnits: [String: Int] = [
    "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000,
  ]

  private mutating func lexUnit(number: String, start: Int) {
    let unitStart = pos
    while pos < end && Lexer.isIdentStart(bytes[pos]) { pos += 1 }
    let unit = String(decoding: bytes[unitStart..<pos], as: UTF8.self)
    let amount = Double(number) ?? 0
    if let scale = Lexer.sizeUnits[unit] {
      if pos < end && Lexer.isIdentChar(bytes[pos]) {
        while pos < end && Lexer.isIdentChar(bytes[pos]) { pos += 1 }
        error("invalid size literal", start, pos)
        add(.size, start, value: .size(0))
        return
      }
      let bytesValue = amount * Double(scale)
      guard bytesValue < 9.2e18 else {
        error("size literal is too large", start, pos)
        add(.size, start, value: .size(0))
        return
      }
      add(.size, start, value: .size(Int(bytesValue.rounded())))
      return
    }
    guard let scale = Lexer.durationUnits[unit] else {
      while pos < end && Lexer.isIdentChar(bytes[pos]) { pos += 1 }
      error("unknown unit '\(unit)' after a number", unitStart, pos,
            suggestion: "sizes take K, M, G, T, P (binary); durations take ms, s, m, h, d, w")
      add(.int, start, value: .int(0))
      return
    }
    var total = amount * Double(scale)
    // Compound durations: 1h30m, 2m30s.
    while pos < end && Lexer.isDigit(bytes[pos]) {
      let partStart = pos
      let digits = scanDigits()
      let uStart = pos
      while pos < end && Lexer.isIdentStart(bytes[pos]) { pos += 1 }
      let u = String(decoding: bytes[uStart..<pos], as: UTF8.self)
      guard let s = Lexer.durationUnits[u] else {
        error("invalid duration literal", partStart, pos, suggestion: "write durations like 1h30m or 90s")
        break
      }
      total += (Double(digits) ?? 0) * Double(s)
    }
    if pos < end && Lexer.isIdentChar(bytes[pos]) {
      while pos < end && Lexer.isIdentChar(bytes[pos]) { pos += 1 }
      error("invalid duration literal", start, pos)
    }
    guard total < 9.2e18 else {
      error("duration literal is too large", start, pos)
      add(.duration, start, value: .duration(0))
      return
    }
    add(.duration, start, value: .duration(Int(total.rounded())))
  }

  // MARK: - Strings

  private mutating func lexRawString() {
    let start = pos
    pos += 1
    let contentStart = pos
    while pos < end && bytes[pos] != UInt8(ascii: "'") { pos += 1 }
    guard pos < end else {
      error("unterminated string", start, start + 1, suggestion: "close it with '")
      add(.string, start, value: .string([.text(String(decoding: bytes[contentStart..<pos], as: UTF8.self))]))
      return
    }
    let text = String(decoding: bytes[contentStart..<pos], as: UTF8.self)
    pos += 1
    add(.string, start, value: .string([.text(text)]))
  }

  private mutating func lexString() {
    let start = pos
    pos += 1
    var parts: [StringPart] = []
    var buffer: [UInt8] = []
    func flush() {
      if !buffer.isEmpty { parts.append(.text(String(decoding: buffer, as: UTF8.self))); buffer.removeAll() }
    }
    while true {
      guard pos < end else {
        error("unterminated string", start, start + 1, suggestion: "close it with \"")
        if let newline = bytes[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
          pos = newline
          buffer.removeAll()
          parts.removeAll()
        }
        break
      }
      let c = bytes[pos]
      if c == UInt8(ascii: "\"") { pos += 1; break }
      if c == UInt8(ascii: "\\") {
        lexEscape(into: &buffer)
        continue
      }
      if c == UInt8(ascii: "$") && peek(1) == UInt8(ascii: "{") {
        flush()
        let exprStart = pos + 2
        guard let close = matchingBrace(from: exprStart) else {
          error("unterminated '${' in string", pos, pos + 2, suggestion: "close the interpolation with '}'")
          pos = end
          break
        }
        if close == exprStart { error("empty interpolation '${}'", pos, close + 1) }
        else { parts.append(.interpolation(Span(exprStart, close))) }
        pos = close + 1
        continue
      }
      buffer.append(c)
      pos += 1
    }
    flush()
    add(.string, start, value: .string(parts))
  }

  private mutating func lexEscape(into buffer: inout [UInt8]) {
    let start = pos
    pos += 1
    guard pos < end else { return }
    let e = bytes[pos]
    pos += 1
    switch e {
    case UInt8(ascii: "n"): buffer.append(10)
    case UInt8(ascii: "t"): buffer.append(9)
    case UInt8(ascii: "r"): buffer.append(13)
    case UInt8(ascii: "0"): buffer.append(0)
    case UInt8(ascii: "e"): buffer.append(27)
    case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "$"), UInt8(ascii: "'"): buffer.append(e)
    case UInt8(ascii: "\n"): break
    case UInt8(ascii: "u"):
      guard peek() == UInt8(ascii: "{") else {
        error("invalid unicode escape", start, pos, suggestion: "write \\u{1F600}")
        return
      }
      pos += 1
      var v: UInt32 = 0
      var count = 0
      while pos < end, let d = Lexer.hexValue(bytes[pos]), count < 8 {
        v = v << 4 | UInt32(d)
        pos += 1
        count += 1
      }
      if peek() == UInt8(ascii: "}"), count > 0, let scalar = UnicodeScalar(v) {
        pos += 1
        buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
      } else {
        error("invalid unicode escape", start, pos, suggestion: "write \\u{1F600}")
      }
    default:
      error("unknown escape '\\\(String(UnicodeScalar(e)))'", start, pos,
            suggestion: "escapes are \\n \\t \\r \\0 \\e \\\\ \\\" \\$ \\u{…}; use '…' for raw text")
    }
  }

  /// The offset of the `}` closing an interpolation that starts at `from`.
  private func matchingBrace(from: Int) -> Int? {
    var p = from
    var depth = 0
    while p < end {
      let c = bytes[p]
      if c == UInt8(ascii: "{") { depth += 1 }
      else if c == UInt8(ascii: "}") {
        if depth == 0 { return p }
        depth -= 1
      } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
        p += 1
        while p < end && bytes[p] != c {
          if bytes[p] == UInt8(ascii: "\\") && c == UInt8(ascii: "\"") { p += 1 }
          p += 1
        }
      } else if c == UInt8(ascii: "\n") && depth == 0 {
        return nil
      }
      p += 1
    }
    return nil
  }
}
