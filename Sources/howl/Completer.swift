import Lang

/// What TAB offers for the word before the cursor.
struct Completion: Equatable {
  /// The text before the cursor that every candidate starts with.
  var word: String
  /// Sorted, without duplicates.
  var candidates: [String]
  /// Added after the only candidate (the closing `"]` of an index key).
  var closing = ""

  /// What to type at the cursor: the rest of the only candidate, or the
  /// longer prefix all candidates share; nil when nothing can be added
  /// (then the candidates are listed).
  var insertion: String? {
    if candidates.count == 1 { return String(candidates[0].dropFirst(word.count)) + closing }
    let shared = candidates.dropFirst().reduce(candidates.first ?? "") { $0.commonPrefix(with: $1) }
    return shared.count > word.count ? String(shared.dropFirst(word.count)) : nil
  }
}

/// Completes names in scope and keywords, members after `a.b.`, and keys
/// inside `a["…`.
///
/// The expression left of a `.` or `[` is evaluated only when it is a name
/// followed by members and literal indexes (reading globals, members and
/// elements, never calling a function), so completing cannot change anything.
struct Completer {
  let interpreter: Interpreter

  /// The completion for the line's text before and after the cursor; nil
  /// when there is nothing to complete (inside a string, after a number).
  func complete(before: String, after: String = "") -> Completion? {
    let text = Array(before)
    if let key = keyCompletion(text, after: after) { return key }
    if before.allSatisfy(\.isWhitespace) { return Completion(word: "", candidates: [Self.indent]) }
    if isInsideString(before) { return nil }
    let wordStart = Self.identifierStart(in: text, before: text.count)
    let word = String(text[wordStart...])
    if word.first?.isNumber == true { return nil }
    if wordStart > 0 && text[wordStart - 1] == "." {
      guard let value = evaluateChain(in: text, endingBefore: wordStart - 1) else { return nil }
      return Self.matching(word, among: Members.names(of: value).filter(Self.isName))
    }
    guard !word.isEmpty else { return nil }
    return Self.matching(word, among: interpreter.globals.allNames + TokenKind.keywordSpellings)
  }

  /// What TAB inserts at the start of a line: one level of indentation.
  static let indent = "  "

  // MARK: - Contexts

  /// `chain["partial` or `chain['partial`: the keys of the chain's value.
  private func keyCompletion(_ text: [Character], after: String) -> Completion? {
    var quoteIndex = text.count - 1
    while quoteIndex >= 0 && !"\"'[]".contains(text[quoteIndex]) { quoteIndex -= 1 }
    guard quoteIndex >= 1, text[quoteIndex] == "\"" || text[quoteIndex] == "'", text[quoteIndex - 1] == "[" else {
      return nil
    }
    let quote = text[quoteIndex]
    guard let value = evaluateChain(in: text, endingBefore: quoteIndex - 1) else { return nil }
    let keys: [String]
    switch value {
    case .object(let object): keys = object.indexKeys
    case .map(let map): keys = map.entries.keys.compactMap(\.stringValue)
    default: return nil
    }
    let unsafe: Set<Character> = quote == "'" ? ["'", "\n"] : ["\"", "\\", "$", "\n"]
    let word = String(text[(quoteIndex + 1)...])
    guard var completion = Self.matching(word, among: keys.filter { !$0.contains(where: unsafe.contains) }) else {
      return nil
    }
    if !after.hasPrefix(String(quote)) { completion.closing = String(quote) + "]" }
    return completion
  }

  /// The value of the expression that ends just before `end`, when the REPL
  /// can know it without running anything: a name followed by members and
  /// by indexes with a literal key (`nodes["sc[001-004]"].tags`, `nodes[0]`,
  /// `server.nfs`). Members and indexes are read, never called.
  private func evaluateChain(in text: [Character], endingBefore end: Int) -> Value? {
    enum Step { case member(String), index(Value) }
    let (tokens, _) = Lexer.tokenize(SourceFile(name: "<completion>", text: String(text[..<end])))
    var steps: [Step] = []
    var i = tokens.lastIndex { $0.kind != .eof && $0.kind != .newline } ?? -1
    walk: while i >= 0 {
      switch tokens[i].kind {
      case .rbracket:
        guard i >= 2, tokens[i - 2].kind == .lbracket, let key = Self.literalKey(tokens[i - 1]) else { return nil }
        steps.append(.index(key))
        i -= 3
      case .identifier where i >= 1 && tokens[i - 1].kind == .dot:
        steps.append(.member(tokens[i].text))
        i -= 2
      default:
        break walk
      }
    }
    guard i >= 0, tokens[i].kind == .identifier, var value = interpreter.globals[tokens[i].text] else { return nil }
    for step in steps.reversed() {
      switch step {
      case .member(let name):
        guard let member = try? Members.get(value, name, interpreter) else { return nil }
        value = member
      case .index(let key):
        guard let element = try? Members.index(value, key, interpreter) else { return nil }
        value = element
      }
    }
    return value
  }

  /// The key of an index the completer may read: a string without
  /// interpolation, or an int.
  private static func literalKey(_ token: Token) -> Value? {
    switch token.value {
    case .int(let n): return .int(n)
    case .string(let parts):
      var text = ""
      for part in parts {
        guard case .text(let piece) = part else { return nil }
        text += piece
      }
      return .string(text)
    default: return nil
    }
  }

  private func isInsideString(_ text: String) -> Bool {
    Lexer.tokenize(SourceFile(name: "<completion>", text: text)).1.contains { $0.message == "unterminated string" }
  }

  // MARK: - Helpers

  private static func matching(_ word: String, among names: [String]) -> Completion? {
    let candidates = Set(names.filter { $0.hasPrefix(word) }).sorted()
    return candidates.isEmpty ? nil : Completion(word: word, candidates: candidates)
  }

  private static func identifierStart(in text: [Character], before end: Int) -> Int {
    var start = end
    while start > 0 && isIdentifierCharacter(text[start - 1]) { start -= 1 }
    return start
  }

  private static func isIdentifierCharacter(_ c: Character) -> Bool {
    c == "_" || (c.isASCII && (c.isLetter || c.isNumber))
  }

  private static func isName(_ s: String) -> Bool {
    guard let first = s.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
    return s.allSatisfy(isIdentifierCharacter)
  }
}
