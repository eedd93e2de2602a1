/// What reading one line gave.
enum LineInput: Equatable {
  case line(String)
  /// Ctrl-C: drop the entry being typed.
  case cancelled
  /// Ctrl-D on an empty line, or the end of piped input.
  case end
}

/// Where the REPL gets its lines: the line editor on a terminal, plain
/// reads from piped input.
protocol LineSource: AnyObject {
  /// Reads one line, showing `prompt` (or its continuation form) if the
  /// source shows prompts.
  func read(prompt: Prompt, continuing: Bool) -> LineInput
  /// Records a finished entry (all its lines) in the history, if any.
  func addToHistory(_ entry: String)
}

/// Lines from standard input without editing, prompts or history.
final class PlainLineSource: LineSource {
  func read(prompt: Prompt, continuing: Bool) -> LineInput {
    readLine().map(LineInput.line) ?? .end
  }

  func addToHistory(_ entry: String) {}
}
