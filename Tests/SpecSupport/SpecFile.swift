import Foundation
import Lang

/// A spec file: a `.howl` program that says what it must print and which
/// errors it must fail with, in comments:
///
///     print(1 + 1)   # expect: 2
///     # expect: a line the program prints
///     # error: 3:7: undefined name
///
/// `expect` lines are the program's output, in order; `error` lines are the
/// diagnostics it must fail with (line:col and a part of the message).
public struct SpecFile {
  public let path: String
  public let text: String
  public var output: [String] = []
  public var errors: [(location: String, message: String)] = []

  public init(path: String) throws {
    self.path = path
    text = try String(contentsOfFile: path, encoding: .utf8)
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if let r = line.range(of: "# expect: ") {
        output.append(String(line[r.upperBound...]))
      } else if line.hasSuffix("# expect:") {
        output.append("")
      } else if let r = line.range(of: "# error: ") {
        let parts = line[r.upperBound...].split(separator: " ", maxSplits: 1)
        errors.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
      }
    }
  }

  /// The `.howl` files of a fixture directory, sorted.
  public static func files(in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".howl") }.sorted()
  }

  /// What running the file printed and which diagnostics it failed with
  /// (`line:col: message (suggestion)`).
  public struct Outcome {
    public var output: [String]
    public var diagnostics: [String]
  }

  /// Runs the file in `interpreter`, after `afterRun` (a commit, say) if it succeeds.
  public func run(in interpreter: Interpreter, afterRun: () throws -> Void = {}) -> Outcome {
    var printed = ""
    interpreter.output = { printed += $0 }
    var diagnostics: [Diagnostic] = []
    do {
      try interpreter.run(SourceFile(name: path, text: text))
      try afterRun()
    } catch let error as LangError {
      diagnostics = error.diagnostics
    } catch {
      diagnostics = [Diagnostic("\(error)")]
    }
    var lines = printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    let rendered = diagnostics.map { d -> String in
      guard let file = d.file, let span = d.span else { return "?:?: \(d.message)" }
      let (line, column) = file.lineAndColumn(of: span.start)
      return "\(line):\(column): \(d.message)" + (d.suggestion.map { " (\($0))" } ?? "")
    }
    return Outcome(output: lines, diagnostics: rendered)
  }

  /// The differences between what the file expects and `outcome`; empty when it passes.
  public func mismatches(_ outcome: Outcome) -> [String] {
    var problems: [String] = []
    if outcome.output != output {
      problems.append("output:\n  want \(output)\n  got  \(outcome.output)")
    }
    if outcome.diagnostics.count != errors.count {
      problems.append("diagnostics: want \(errors.count), got \(outcome.diagnostics)")
    }
    for (want, got) in zip(errors, outcome.diagnostics) where !(got.hasPrefix(want.location) && got.contains(want.message)) {
      problems.append("diagnostic: want \(want.location) \(want.message), got \(got)")
    }
    return problems
  }
}
