import Foundation
import Lang
import Runtime
import Testing

/// The examples of the README and `docs/*.md` as written: each block fenced
/// by kind, every ```howl block parsed and compiled with the language and
/// the cluster library installed, and every ```howl run block (one that needs
/// nothing outside this machine) run by `howl` in an empty `HOWL_ROOT`.
@Suite(.serialized)
struct DocsExamplesTests {
  static let examples = (try? DocsExample.all()) ?? []
  static let howlExamples = examples.filter { $0.kind == "howl" }
  static let runnableExamples = examples.filter(\.runs)

  @Test func everyPageHasItsBlocksFencedByKind() throws {
    #expect(try DocsExample.pages().count > 1, "the docs/ pages are missing")
    for example in Self.examples {
      let known = ["howl": [[], ["run"]], "sh": [[]], "text": [[]]][example.kind] ?? []
      #expect(known.contains(Array(example.info.dropFirst())),
              "\(example): fence it as ```howl, ```howl run, ```sh or ```text")
    }
    #expect(!Self.runnableExamples.isEmpty)
  }

  @Test(arguments: howlExamples)
  func compiles(_ example: DocsExample) throws {
    let root = try ScratchDirectory()
    let interpreter = Interpreter()
    Library.installAll(into: interpreter)
    RuntimeLibrary.install(into: interpreter)
    ClusterLibrary.install(into: interpreter, cluster: ClusterContext(store: Store(root: root.path)))
    do {
      try interpreter.compile(SourceFile(name: example.description, text: example.text))
    } catch let error as LangError {
      Issue.record("\(example) does not compile:\n\(DiagnosticRenderer(color: false).render(error))")
    }
  }

  @Test(arguments: runnableExamples)
  func runsAsWritten(_ example: DocsExample) throws {
    let home = try ScratchDirectory()
    let script = home.path + "/example.howl"
    try example.text.write(toFile: script, atomically: true, encoding: .utf8)
    let result = try Shell.run([HowlProgram.executable, script], timeout: 60,
                               environment: HowlProgram.environment(home: home))
    #expect(result.status == 0, "\(example) failed in an empty HOWL_ROOT:\n\(result.errors)")
  }
}
