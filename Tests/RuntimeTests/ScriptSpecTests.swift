import Foundation
import Lang
import Runtime
import SpecSupport
import Testing

/// Spec files that need the runtime (templates, and the cluster in a
/// scratch HOWL_ROOT, the stdlib modules): `Tests/Fixtures/runtime/*.howl`,
/// same format as the language suite. Each file is one transaction,
/// committed if it succeeds.
struct ScriptSpecTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../Fixtures/runtime").standardized.path

  /// The standard library, so that specs can `import "workflows"`.
  static let stdlib = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../stdlib").standardized.path

  @Test(arguments: SpecFile.files(in: ScriptSpecTests.root))
  func spec(_ name: String) throws {
    let file = try SpecFile(path: ScriptSpecTests.root + "/" + name)
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("howl-spec-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let interpreter = Interpreter()
    Library.installAll(into: interpreter)
    RuntimeLibrary.install(into: interpreter)
    let cluster = ClusterContext(store: Store(root: scratch))
    ClusterLibrary.install(into: interpreter, cluster: cluster)
    interpreter.modulePaths = [ScriptSpecTests.stdlib]
    interpreter.define("test_root", .string(scratch))
    interpreter.define("fixtures_root", .string(URL(fileURLWithPath: ScriptSpecTests.root).deletingLastPathComponent().path))
    let problems = file.mismatches(file.run(in: interpreter) { try cluster.commit() })
    #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "\n"))")
  }
}
