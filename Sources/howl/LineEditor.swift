import CLibedit
import Foundation

/// Terminal line editing with libedit's native API: emacs keys, arrows,
/// history (Up/Down, Ctrl-R incremental search), TAB completion through a
/// `Completer`, Ctrl-C to drop the entry being typed.
///
/// Ctrl-C reaches the editor as a key, not a signal: while a line is being
/// edited the terminal's `isig` is off (`setty -d -isig`). `~/.editrc` (or
/// `$EDITRC`) is read before Howl's own key bindings are made.
final class LineEditor: LineSource {
  let completer: Completer
  private let editLine: OpaquePointer
  private let history: OpaquePointer
  private let historyFile: HistoryFile?
  private let color: Bool
  /// The prompt libedit is showing; it reads it back through a callback.
  private(set) var promptText: UnsafeMutablePointer<CChar>?
  /// Set by the Ctrl-C key while `el_gets` runs.
  var cancelRequested = false
  private var lastEntry: String?

  /// Nil when libedit cannot start on this terminal.
  init?(completer: Completer, historyFile: HistoryFile?, color: Bool) {
    setlocale(LC_CTYPE, "")
    guard let editLine = el_init(CommandLine.arguments.first ?? "howl", stdin, stdout, stderr) else { return nil }
    guard let history = history_init() else {
      el_end(editLine)
      return nil
    }
    self.editLine = editLine
    self.history = history
    self.completer = completer
    self.historyFile = historyFile
    self.color = color
    configure()
    let loaded = historyFile?.load() ?? []
    for entry in loaded { howl_history_enter(history, entry) }
    lastEntry = loaded.last
  }

  deinit {
    el_end(editLine)
    history_end(history)
    free(promptText)
  }

  private func configure() {
    howl_history_set_size(history, Int32(historyFile?.limit ?? 1_000))
    howl_history_set_unique(history, 1)
    howl_el_set_editor(editLine, "emacs")
    howl_el_set_signal_handling(editLine, 1)
    howl_el_set_history(editLine, history)
    el_source(editLine, nil)
    EditLineCallbacks.install(on: editLine, for: self)
    howl_el_bind(editLine, "^R", "em-inc-search-prev")
    howl_el_set_edit_tty_mode(editLine, "-isig")
  }

  func read(prompt: Prompt, continuing: Bool) -> LineInput {
    let shown = continuing ? prompt.continuation
      : color ? prompt.colored(delimiter: EditLineCallbacks.promptDelimiter) : prompt.text
    free(promptText)
    promptText = strdup(shown)
    cancelRequested = false
    fflush(stdout)
    var count: Int32 = 0
    let line = el_gets(editLine, &count)
    if cancelRequested { return .cancelled }
    guard let line, count > 0 else { return .end }
    var text = String(cString: line)
    if text.hasSuffix("\n") { text.removeLast() }
    return .line(text)
  }

  func addToHistory(_ entry: String) {
    guard !entry.allSatisfy(\.isWhitespace), entry != lastEntry else { return }
    lastEntry = entry
    howl_history_enter(history, entry)
    historyFile?.append(entry)
  }

  /// Prints completion candidates in columns below the line being edited.
  func list(_ candidates: [String]) {
    var size = winsize()
    let width = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    let columnWidth = (candidates.map(\.count).max() ?? 0) + 2
    let columns = max(1, width / columnWidth)
    var out = ""
    for (i, candidate) in candidates.enumerated() {
      if i % columns == 0 { out += "\n" }
      let endsRow = i % columns == columns - 1 || i == candidates.count - 1
      out += endsRow ? candidate : candidate.padding(toLength: columnWidth, withPad: " ", startingAt: 0)
    }
    fputs(out + "\n", stdout)
    fflush(stdout)
  }
}
