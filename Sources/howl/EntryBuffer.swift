import Lang

/// Collects lines into one REPL entry: a statement (or several) that parses
/// without needing more input, however many lines it spans.
///
/// While the parser asks for more input (an open brace, a trailing operator,
/// an unterminated string) the entry continues. A blank line in that state
/// ends the entry early if it also holds a real syntax error, so a mistake
/// inside an unfinished block is reported instead of waiting for a `}` that
/// would not fix it.
struct EntryBuffer {
  private var lines: [String] = []

  /// Whether some lines are waiting for the rest of their entry.
  var isContinuing: Bool { !lines.isEmpty }

  /// The text typed so far, one line per element.
  var text: String { lines.joined(separator: "\n") }

  /// Adds a line (which may itself hold several, from a recalled history
  /// entry); returns the finished entry, if this line finishes one.
  mutating func add(_ line: String) -> SourceFile? {
    let wasContinuing = isContinuing
    lines.append(line)
    let file = source()
    let parsed = Parser.parse(file)
    guard parsed.needsMoreInput else { return take(file) }
    let blank = line.allSatisfy(\.isWhitespace)
    if wasContinuing && blank && parsed.diagnostics.contains(where: { !Self.isAtEnd($0, of: file) }) {
      return take(file)
    }
    return nil
  }

  /// Ends the entry as it is (at the end of the input): the caller runs it
  /// so an unfinished construct is reported.
  mutating func finish() -> SourceFile? {
    guard isContinuing else { return nil }
    return take(source())
  }

  /// Drops the lines collected so far (Ctrl-C).
  mutating func cancel() { lines.removeAll() }

  private func source() -> SourceFile { SourceFile(name: "<repl>", text: text + "\n") }

  private mutating func take(_ file: SourceFile) -> SourceFile {
    lines.removeAll()
    return file
  }

  /// A diagnostic caused only by the input stopping early.
  private static func isAtEnd(_ d: Diagnostic, of file: SourceFile) -> Bool {
    d.message.hasPrefix("unterminated") || (d.span?.start ?? 0) >= file.bytes.count
  }
}
