import Foundation
import Lang

/// Runs a script file or `-c` text and reports errors the compiler way.
struct ScriptRunner {
  let arguments: [String]
  let dryRun: Bool

  /// Runs the script as one transaction: its staged changes are committed
  /// when it ends without error (or shown, with `--dry-run`), and rolled
  /// back (files of renamed images moved back) when it fails.
  func run(_ file: SourceFile) -> Int32 {
    let session = Session(arguments: arguments)
    do {
      try session.interpreter.run(file)
      if let failures = session.cluster.operations.unhandledFailures() { throw failures }
      fflush(stdout)
      if dryRun {
        let lines = session.cluster.diff()
        print(lines.isEmpty ? "dry run: no changes" : "dry run: would commit\n" + lines.map { "  " + $0 }.joined(separator: "\n"))
        session.cluster.rollback()
      } else {
        try session.cluster.commit()
      }
      return 0
    } catch let error as LangError {
      session.cluster.rollback()
      Terminal.printError(error)
      return 1
    } catch {
      session.cluster.rollback()
      Terminal.printError(LangError("\(error)"))
      return 1
    }
  }

  static func usage(_ message: String) -> Int32 {
    FileHandle.standardError.write(Data("howl: \(message)\nUsage: howl [FILE [ARGS…]] | -c TEXT | --dry-run FILE\n".utf8))
    return 2
  }
}

/// Where output goes and whether it may be coloured.
enum Terminal {
  static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
  static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
  static var colorAllowed: Bool { ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

  static func printError(_ error: LangError) {
    let renderer = DiagnosticRenderer(color: stderrIsTerminal && colorAllowed)
    FileHandle.standardError.write(Data(renderer.render(error).utf8))
  }
}
