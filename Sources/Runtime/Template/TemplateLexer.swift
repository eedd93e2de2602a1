/// A lexical token of template source.
struct TemplateToken {
  enum Kind: Equatable {
    case text, leftDelim, rightDelim, space
    case identifier, field, variable, dot
    case bool, number, charConstant, string, rawString
    case assign, declare, pipe, leftParen, rightParen, char
    case keyword(Keyword)
    case eof
    /// A lexing failure; the token's text is the message.
    case error
  }

  enum Keyword: String {
    case block, `break`, `continue`, define, `else`, end, `if`, `nil`, range, template, with
  }

  let kind: Kind
  /// Byte offset of the token in the source.
  let position: Int
  let line: Int
  let bytes: ArraySlice<UInt8>

  var text: String { String(decoding: bytes, as: UTF8.self) }

  /// How Go's parser names the token in "unexpected …" messages.
  var goDescription: String {
    switch kind {
    case .eof: return "EOF"
    case .error: return text
    case .keyword: return "<\(text)>"
    case .space: return "space"
    default:
      let t = text
      return t.count > 10 ? goQuote(String(t.prefix(10))) + "..." : goQuote(t)
    }
  }
}

/// A lexing failure: message and the line it was found on.
struct TemplateLexError: Error {
  let message: String
  let line: Int
}

/// Splits template source into tokens, handling `{{- -}}` trimming and
/// dropping comments, as Go's text/template lexer does.
struct TemplateLexer {
  private let input: [UInt8]
  private var pos = 0
  private var start = 0
  private var line = 1
  private var startLine = 1
  private var parenDepth = 0
  private var tokens: [TemplateToken] = []

  /// The action delimiters, `{{` and `}}` unless the template says otherwise.
  private let left: [UInt8]
  private let right: [UInt8]

  init(_ input: [UInt8], delimiters: TemplateDelimiters) {
    self.input = input
    self.left = Array(delimiters.left.utf8)
    self.right = Array(delimiters.right.utf8)
  }

  /// Lexes the whole input. A failure ends the tokens with an `.error` token
  /// (its bytes are the message), which the parser reports when it reaches it.
  static func tokenize(_ input: [UInt8], delimiters: TemplateDelimiters = TemplateDelimiters()) -> [TemplateToken] {
    var lexer = TemplateLexer(input, delimiters: delimiters)
    do {
      try lexer.run()
    } catch {
      let failure = error as? TemplateLexError ?? TemplateLexError(message: "\(error)", line: lexer.line)
      lexer.tokens.append(TemplateToken(kind: .error, position: lexer.start, line: failure.line,
                                bytes: ArraySlice(Array(failure.message.utf8))))
    }
    return lexer.tokens
  }

  private func peek(_ offset: Int = 0) -> UInt8? {
    let i = pos + offset
    return i < input.count ? input[i] : nil
  }

  private func hasPrefix(_ bytes: [UInt8], at index: Int) -> Bool {
    guard index + bytes.count <= input.count else { return false }
    for k in 0..<bytes.count where input[index + k] != bytes[k] { return false }
    return true
  }

  private static func isSpace(_ b: UInt8?) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A
  }

  /// The byte length of the letter, digit or `_` at `index` (Go's `isAlphaNumeric`), or 0.
  private func alphaNumericLength(at index: Int) -> Int {
    guard index < input.count else { return 0 }
    let b = input[index]
    if b < 0x80 {
      let isWordByte = b == 0x5F || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
      return isWordByte ? 1 : 0
    }
    let scalar = scalarAt(index)
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
      return String(scalar).utf8.count
    default:
      return 0
    }
  }

  private mutating func skipAlphaNumerics() {
    while case let n = alphaNumericLength(at: pos), n > 0 { pos += n }
  }


  private mutating func emit(_ kind: TemplateToken.Kind) {
    tokens.append(TemplateToken(kind: kind, position: start, line: startLine, bytes: input[start..<pos]))
    ignore()
  }

  /// Drops the pending bytes, keeping the line count right.
  private mutating func ignore() {
    for b in input[start..<pos] where b == 0x0A { line += 1 }
    start = pos
    startLine = line
  }

  private mutating func fail(_ message: String) -> TemplateLexError {
    TemplateLexError(message: message, line: startLine)
  }

  private func hasLeftTrimMarker(at i: Int) -> Bool {
    i + 1 < input.count && input[i] == UInt8(ascii: "-") && Self.isSpace(input[i + 1])
  }

  private func hasRightTrimMarker(at i: Int) -> Bool {
    i + 1 < input.count && Self.isSpace(input[i]) && input[i + 1] == UInt8(ascii: "-")
  }

  /// Whether a right delimiter (possibly with trim marker) starts at `pos`.
  private func atRightDelim() -> (found: Bool, trim: Bool) {
    if hasRightTrimMarker(at: pos) && hasPrefix(right, at: pos + 2) { return (true, true) }
    if hasPrefix(right, at: pos) { return (true, false) }
    return (false, false)
  }

  private mutating func run() throws {
    while true {
      // Text up to the next left delimiter.
      var x = pos
      var found = false
      while x + left.count <= input.count {
        if input[x] == left[0] && hasPrefix(left, at: x) { found = true; break }
        x += 1
      }
      guard found else {
        pos = input.count
        if pos > start { emit(.text) }
        emit(.eof)
        return
      }
      pos = x
      var trimmed = pos
      if hasLeftTrimMarker(at: pos + left.count) {
        while trimmed > start && Self.isSpace(input[trimmed - 1]) { trimmed -= 1 }
      }
      let delimStart = pos
      pos = trimmed
      if pos > start { emit(.text) }
      pos = delimStart
      ignore()
      try lexAction()
    }
  }

  private mutating func skipLeadingSpace() {
    while pos < input.count && Self.isSpace(input[pos]) { pos += 1 }
    ignore()
  }

  /// Lexes from a left delimiter through the matching right delimiter.
  private mutating func lexAction() throws {
    pos += left.count
    let trimLeft = hasLeftTrimMarker(at: pos)
    let afterMarker = trimLeft ? 2 : 0
    if hasPrefix(Array("/*".utf8), at: pos + afterMarker) {
      pos += afterMarker
      ignore()
      try lexComment()
      return
    }
    emit(.leftDelim)
    pos += afterMarker
    ignore()
    parenDepth = 0
    while true {
      let (isDelim, trim) = atRightDelim()
      if isDelim {
        if parenDepth != 0 { throw fail("unclosed left paren") }
        if trim { pos += 2; ignore() }
        pos += right.count
        emit(.rightDelim)
        if trim { skipLeadingSpace() }
        return
      }
      guard let c = peek() else { throw fail("unclosed action") }
      switch c {
      case _ where Self.isSpace(c):
        var n = 0
        while Self.isSpace(peek()) { pos += 1; n += 1 }
        if hasRightTrimMarker(at: pos - 1) && hasPrefix(right, at: pos + 1) {
          pos -= 1
          if n == 1 { continue }
        }
        emit(.space)
      case UInt8(ascii: "="):
        pos += 1; emit(.assign)
      case UInt8(ascii: ":"):
        pos += 1
        guard peek() == UInt8(ascii: "=") else { throw fail("expected :=") }
        pos += 1; emit(.declare)
      case UInt8(ascii: "|"):
        pos += 1; emit(.pipe)
      case UInt8(ascii: "\""):
        try lexQuote()
      case UInt8(ascii: "`"):
        pos += 1
        while true {
          guard let b = peek() else { throw fail("unterminated raw quoted string") }
          pos += 1
          if b == UInt8(ascii: "`") { break }
        }
        emit(.rawString)
      case UInt8(ascii: "$"):
        pos += 1
        try lexFieldOrVariable(.variable)
      case UInt8(ascii: "'"):
        try lexChar()
      case UInt8(ascii: "."):
        if pos + 1 >= input.count || (input[pos + 1] >= 0x30 && input[pos + 1] <= 0x39) {
          try lexNumber()
        } else {
          pos += 1
          try lexFieldOrVariable(.field)
        }
      case UInt8(ascii: "+"), UInt8(ascii: "-"), 0x30...0x39:
        try lexNumber()
      case UInt8(ascii: "("):
        pos += 1; emit(.leftParen); parenDepth += 1
      case UInt8(ascii: ")"):
        pos += 1; emit(.rightParen); parenDepth -= 1
        if parenDepth < 0 { throw fail("unexpected right paren U+0029 ')'") }
      case _ where alphaNumericLength(at: pos) > 0:
        try lexIdentifier()
      case 0x21...0x7E:
        pos += 1; emit(.char)
      default:
        throw fail("unrecognized character in action: \(goUnicodeDescription(scalarAt(pos)))")
      }
    }
  }

  private mutating func lexComment() throws {
    pos += 2
    var i = pos
    var closed = false
    while i + 1 < input.count {
      if input[i] == UInt8(ascii: "*") && input[i + 1] == UInt8(ascii: "/") { closed = true; break }
      i += 1
    }
    guard closed else { throw fail("unclosed comment") }
    pos = i + 2
    let (isDelim, trim) = atRightDelim()
    guard isDelim else { throw fail("comment ends before closing delimiter") }
    pos += (trim ? 2 : 0) + right.count
    ignore()
    if trim { skipLeadingSpace() }
  }

  private func atTerminator() -> Bool {
    guard let c = peek() else { return true }
    if Self.isSpace(c) { return true }
    switch c {
    case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"),
      UInt8(ascii: ")"), UInt8(ascii: "("):
      return true
    default:
      return hasPrefix(right, at: pos)
    }
  }

  private mutating func badCharacter() -> TemplateLexError {
    fail("bad character \(goUnicodeDescription(scalarAt(pos)))")
  }

  /// The character starting at byte `index` (U+FFFD when the bytes are not UTF-8).
  private func scalarAt(_ index: Int) -> Unicode.Scalar {
    guard index < input.count else { return "\u{FFFD}" }
    return String(decoding: input[index..<min(index + 4, input.count)], as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
  }

  private mutating func lexFieldOrVariable(_ kind: TemplateToken.Kind) throws {
    if atTerminator() {
      emit(kind == .variable ? .variable : .dot)
      return
    }
    skipAlphaNumerics()
    guard atTerminator() else { throw badCharacter() }
    emit(kind)
  }

  private mutating func lexIdentifier() throws {
    skipAlphaNumerics()
    guard atTerminator() else { throw badCharacter() }
    let word = String(decoding: input[start..<pos], as: UTF8.self)
    if let keyword = TemplateToken.Keyword(rawValue: word) {
      emit(.keyword(keyword))
    } else if word == "true" || word == "false" {
      emit(.bool)
    } else {
      emit(.identifier)
    }
  }

  private mutating func lexQuote() throws {
    pos += 1
    while true {
      guard let b = peek(), b != 0x0A else { throw fail("unterminated quoted string") }
      pos += 1
      if b == UInt8(ascii: "\\") {
        guard let e = peek(), e != 0x0A else { throw fail("unterminated quoted string") }
        pos += 1
      } else if b == UInt8(ascii: "\"") {
        break
      }
    }
    emit(.string)
  }

  private mutating func lexChar() throws {
    pos += 1
    while true {
      guard let b = peek(), b != 0x0A else { throw fail("unterminated character constant") }
      pos += 1
      if b == UInt8(ascii: "\\") {
        guard let e = peek(), e != 0x0A else { throw fail("unterminated character constant") }
        pos += 1
      } else if b == UInt8(ascii: "'") {
        break
      }
    }
    emit(.charConstant)
  }

  private mutating func accept(_ set: String) -> Bool {
    if let c = peek(), set.utf8.contains(c) { pos += 1; return true }
    return false
  }

  private mutating func acceptRun(_ set: String) {
    while let c = peek(), set.utf8.contains(c) { pos += 1 }
  }

  /// Scans one number literal; false when an alphanumeric character follows it (consumed, as Go does).
  private mutating func scanNumber() -> Bool {
    _ = accept("+-")
    var digits = "0123456789_"
    if accept("0") {
      if accept("xX") { digits = "0123456789abcdefABCDEF_" }
      else if accept("oO") { digits = "01234567_" }
      else if accept("bB") { digits = "01_" }
    }
    acceptRun(digits)
    if accept(".") { acceptRun(digits) }
    if digits.count == 11 && accept("eE") { _ = accept("+-"); acceptRun("0123456789_") }
    if digits.count == 23 && accept("pP") { _ = accept("+-"); acceptRun("0123456789_") }
    _ = accept("i")
    if case let n = alphaNumericLength(at: pos), n > 0 {
      pos += n
      return false
    }
    return true
  }

  /// A number literal. Go's complex constants (`2i`, `1+2i`) are recognised but refused.
  private mutating func lexNumber() throws {
    let literal = { (lexer: TemplateLexer) in goQuote(String(decoding: lexer.input[lexer.start..<lexer.pos], as: UTF8.self)) }
    guard scanNumber() else { throw fail("bad number syntax: \(literal(self))") }
    if let c = peek(), c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
      guard scanNumber(), input[pos - 1] == UInt8(ascii: "i") else { throw fail("bad number syntax: \(literal(self))") }
      throw fail("complex constants are not supported: \(literal(self))")
    }
    if input[pos - 1] == UInt8(ascii: "i") { throw fail("complex constants are not supported: \(literal(self))") }
    emit(.number)
  }
}

/// Go's `%#U` of a character: `U+0023 '#'`.
func goUnicodeDescription(_ scalar: Unicode.Scalar) -> String {
  let hex = String(scalar.value, radix: 16, uppercase: true)
  let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  return goIsPrint(scalar) ? "U+\(padded) '\(Character(scalar))'" : "U+\(padded)"
}
