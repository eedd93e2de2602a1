import Foundation
import Lang
import SpecSupport
import Testing

/// The language spec suite: every `.howl` file under `Tests/Fixtures/lang/`
/// is one behaviour (see `SpecFile` for the comment format). Each runs on a
/// large stack, as `howl` runs scripts, so deep recursion is tested as users
/// meet it.
struct SpecTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../Fixtures/lang").standardized.path

  @Test func suiteIsNotEmpty() {
    #expect(SpecFile.files(in: SpecTests.root).count > 50)
  }

  @Test(arguments: SpecFile.files(in: SpecTests.root))
  func spec(_ name: String) throws {
    let file = try SpecFile(path: SpecTests.root + "/" + name)
    let problems = CallStack.runOnLargeStack {
      let interpreter = Interpreter()
      Library.installAll(into: interpreter, arguments: ["first", "second"])
      interpreter.modulePaths = [SpecTests.root + "/modules"]
      return file.mismatches(file.run(in: interpreter))
    }
    #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "\n"))")
  }
}
