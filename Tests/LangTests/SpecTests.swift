import Foundation
import Lang
import Testing

/// The language spec suite: every `.howl` file under `Tests/Fixtures/lang/`
/// is one behaviour. Inside a file,
///
///     print(1 + 1)   # expect: 2
///     # expect: a line the program prints
///     # error: 3:7: undefined name
///
/// `expect` lines are the program's output, in order; `error` lines are the
/// diagnostics it must fail with (line:col and a part of the message).
struct SpecTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../Fixtures/lang").standardized

  static let files: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.filter { $0.hasSuffix(".howl") }.sorted()
  }()

  @Test func suiteIsNotEmpty() {
    #expect(SpecTests.files.count > 50)
  }

  @Test(arguments: SpecTests.files)
  func spec(_ name: String) throws {
    let path = SpecTests.root.appendingPathComponent(name).path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let expectation = SpecExpectation(parsing: text)
    let interpreter = Interpreter()
    var output = ""
    interpreter.output = { output += $0 }
    Library.installAll(into: interpreter, arguments: ["first", "second"])
    interpreter.modulePaths = [SpecTests.root.appendingPathComponent("modules").path]
    interpreter.maxCallDepth = 500
    var diagnostics: [Diagnostic] = []
    do {
      try interpreter.run(SourceFile(name: path, text: text))
    } catch let error as LangError {
      diagnostics = error.diagnostics
    }
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(Array(lines.dropLast(lines.last == "" ? 1 : 0)) == expectation.output, "output of \(name)")
    let rendered = diagnostics.map { d -> String in
      guard let file = d.file, let span = d.span else { return "?:?: \(d.message)" }
      let (line, column) = file.lineAndColumn(of: span.start)
      return "\(line):\(column): \(d.message)" + (d.suggestion.map { " (\($0))" } ?? "")
    }
    #expect(rendered.count == expectation.errors.count, "diagnostics of \(name): \(rendered)")
    for (want, got) in zip(expectation.errors, rendered) {
      #expect(got.hasPrefix(want.location) && got.contains(want.message), "want \(want), got \(got)")
    }
  }
}

/// What a spec file says it should do.
struct SpecExpectation {
  var output: [String] = []
  var errors: [(location: String, message: String)] = []

  init(parsing text: String) {
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if let r = line.range(of: "# expect: ") {
        output.append(String(line[r.upperBound...]))
      } else if line.hasSuffix("# expect:") {
        output.append("")
      } else if let r = line.range(of: "# error: ") {
        let rest = line[r.upperBound...]
        let parts = rest.split(separator: " ", maxSplits: 1)
        errors.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
      }
    }
  }
}
