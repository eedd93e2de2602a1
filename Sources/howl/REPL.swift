import Foundation
import Lang

/// The interactive session: reads entries (one or more lines that parse as
/// a whole), runs them in one interpreter, prints the value of a final
/// expression, and keeps going after errors with every global intact.
///
/// On a terminal it edits lines with libedit (history, completion, a prompt
/// showing the selection and uncommitted changes). When standard input is
/// not a terminal it reads lines plainly and prints no prompts, so
/// `echo 'expr' | howl` works in a pipeline: the exit status is 1 if the
/// last entry failed and 0 otherwise (earlier failures are reported but do
/// not change it). Interactively the exit status is always 0.
struct REPL {
  func run() -> Int32 {
    let session = Session(arguments: [])
    let interactive = isatty(STDIN_FILENO) == 1
    let source = interactive ? Self.lineEditor(for: session) : PlainLineSource()
    var entry = EntryBuffer()
    var lastEntryFailed = false
    reading: while true {
      let prompt = Prompt(selection: session.interpreter.selection, uncommitted: session.hasUncommittedChanges())
      switch source.read(prompt: prompt, continuing: entry.isContinuing) {
      case .cancelled:
        entry.cancel()
      case .end:
        if interactive {
          print()
        } else if let file = entry.finish() {
          lastEntryFailed = !evaluate(file, in: session)
        }
        break reading
      case .line(let line):
        guard let file = entry.add(line) else { continue }
        source.addToHistory(String(file.text.dropLast()))
        guard Self.hasStatements(file) else { continue }
        lastEntryFailed = !evaluate(file, in: session)
      }
    }
    warnIfUncommitted(session)
    fflush(stdout)
    return !interactive && lastEntryFailed ? 1 : 0
  }

  private static func lineEditor(for session: Session) -> LineSource {
    let completer = Completer(interpreter: session.interpreter)
    let color = Terminal.stdoutIsTerminal && Terminal.colorAllowed
    return LineEditor(completer: completer, historyFile: HistoryFile.standard(), color: color) ?? PlainLineSource()
  }

  /// Blank and comment-only entries are not run (and do not count as the
  /// last entry for the exit status).
  private static func hasStatements(_ file: SourceFile) -> Bool {
    let parsed = Parser.parse(file)
    return !parsed.statements.isEmpty || !parsed.diagnostics.isEmpty
  }

  /// Runs one entry and prints its value or its error; false if it failed.
  /// Ctrl-C while it runs stops the entry, not the session.
  private func evaluate(_ file: SourceFile, in session: Session) -> Bool {
    Interpreter.interruptFlag.pointee = 0
    let previous = signal(SIGINT) { _ in Interpreter.interruptFlag.pointee = 1 }
    defer {
      signal(SIGINT, previous)
      fflush(stdout)
    }
    do {
      if let text = try Self.display(try session.interpreter.run(file, recordLastValue: true)) { print(text) }
      return true
    } catch {
      fflush(stdout)
      Terminal.printError(error as? LangError ?? LangError("\(error)"))
      return false
    }
  }

  /// How the REPL shows a final value: nothing for nil, an object as its
  /// block, anything else as it would be written in source. Throws when an
  /// object cannot be read (a broken `nodes.conf`), as `print` does.
  static func display(_ value: Value?) throws -> String? {
    switch value {
    case nil, .null?: return nil
    case .object(let object)?:
      let block = try object.blockDescription
      return block.hasSuffix("\n") ? String(block.dropLast()) : block
    case let value?: return try value.checkedRepr()
    }
  }

  /// The exit hook for the transaction: changes staged in the session and
  /// not committed are lost, so say so.
  private func warnIfUncommitted(_ session: Session) {
    guard session.hasUncommittedChanges() else { return }
    fflush(stdout)
    FileHandle.standardError.write(Data("howl: warning: staged changes were not committed\n".utf8))
  }
}
