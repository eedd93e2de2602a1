import Foundation
import Testing

/// A script is one transaction: committed when it ends without error, left
/// byte-for-byte untouched when it fails; `--dry-run` shows and writes nothing.
@Suite(.serialized)
struct TransactionTests {
  /// Runs `howl ARGS` with HOWL_ROOT set to `root`.
  func howl(_ arguments: [String], root: String, input: String? = nil) throws -> (status: Int32, output: String, errors: String) {
    let home = try ScratchDirectory()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: HowlProgram.executable)
    process.arguments = arguments
    var env = HowlProgram.environment(home: home)
    env["HOWL_ROOT"] = root
    process.environment = env
    let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output, errors)
  }

  func nodesConf(_ root: ScratchDirectory) -> String? {
    try? String(contentsOfFile: root.path + "/etc/howl/nodes.conf", encoding: .utf8)
  }

  @Test func aScriptCommitsWhenItSucceeds() throws {
    let root = try ScratchDirectory()
    let r = try howl(["-c", "nodes.add(\"sc[001-002]\", ipaddr: 10.0.0.1)"], root: root.path)
    #expect(r.status == 0, "\(r.errors)")
    let text = try #require(nodesConf(root))
    #expect(text.contains("sc002:") && text.contains("ipaddr: 10.0.0.2"))
  }

  @Test func aFailingScriptChangesNothing() throws {
    let root = try ScratchDirectory()
    _ = try howl(["-c", "nodes.add(\"sc001\", ipaddr: 10.0.0.1)"], root: root.path)
    let before = try #require(nodesConf(root))
    let r = try howl(["-c", "nodes.add(\"sc002\")\nnodes[\"sc001\"].root = xfs(nvme0n1)\nfail(\"stop\")"], root: root.path)
    #expect(r.status == 1)
    #expect(r.errors.contains("error: stop"))
    #expect(nodesConf(root) == before)
  }

  @Test func dryRunShowsTheDiffAndWritesNothing() throws {
    let root = try ScratchDirectory()
    _ = try howl(["-c", "nodes.add(\"sc[001-003]\")"], root: root.path)
    let before = try #require(nodesConf(root))
    let script = root.path + "/change.howl"
    try "nodes[\"sc[001-003]\"].root = xfs(nvme0n1)\n".write(toFile: script, atomically: true, encoding: .utf8)
    let r = try howl(["--dry-run", script], root: root.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output.contains("sc[001-003]: root initramfs() → xfs(/dev/nvme0n1)"))
    #expect(nodesConf(root) == before)
  }

  @Test func aBrokenNodesConfIsReportedAndNeverOverwritten() throws {
    let root = try ScratchDirectory()
    try FileManager.default.createDirectory(atPath: root.path + "/etc/howl", withIntermediateDirectories: true)
    let broken = "nodes:\n  sc001:\n    network devices: [oops]\n"
    try broken.write(toFile: root.path + "/etc/howl/nodes.conf", atomically: true, encoding: .utf8)
    let r = try howl(["-c", "nodes.add(\"sc002\")"], root: root.path)
    #expect(r.status == 1)
    #expect(r.errors.contains("nodes.conf:3"), "\(r.errors)")
    #expect(nodesConf(root) == broken)
  }

  @Test func replKeepsChangesStagedUntilCommit() throws {
    let root = try ScratchDirectory()
    let r = try howl([], root: root.path, input: "let added = nodes.add(\"n1\")\nlen(nodes)\n")
    #expect(r.output == "1\n")
    #expect(r.errors.contains("staged changes were not committed"))
    #expect(nodesConf(root) == nil)
    let c = try howl([], root: root.path, input: "nodes.add(\"n1\")\ncommit()\nlen(nodes)\n")
    #expect(c.output.contains("+ node n1"))
    #expect(nodesConf(root)?.contains("n1:") == true)
  }
}
