import Foundation
import Testing

/// `howl FILE`, `-c`, shebang scripts, arguments, `--help`/`--version`,
/// and the exit statuses: 0 success, 1 script error, 2 usage error.
@Suite(.serialized)
struct CommandLineTests {
  /// Runs the built `howl` with `arguments`; its status, stdout and stderr.
  func howl(_ arguments: [String], executable: String = HowlProgram.executable) throws
    -> (status: Int32, output: String, errors: String) {
    let home = try ScratchDirectory()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = HowlProgram.environment(home: home)
    let stdout = Pipe(), stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output, errors)
  }

  func script(_ text: String, in dir: ScratchDirectory, name: String = "script.howl") throws -> String {
    let path = dir.path + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func runsTextWithDashC() throws {
    let r = try howl(["-c", "print(10.0.0.250 + 10)"])
    #expect(r.status == 0)
    #expect(r.output == "10.0.1.4\n")
  }

  @Test func runsAFileWithItsArguments() throws {
    let dir = try ScratchDirectory()
    let path = try script("print(args)\nprint(len(args))\n", in: dir)
    let r = try howl([path, "sc001", "--force"])
    #expect(r.status == 0)
    #expect(r.output == "[\"sc001\", \"--force\"]\n2\n")
  }

  @Test func runsAShebangScript() throws {
    let dir = try ScratchDirectory()
    let bin = dir.path + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: bin + "/howl", withDestinationPath: HowlProgram.executable)
    let path = try script("#!/usr/bin/env howl\nprint(\"from shebang \" + args[0])\n", in: dir)
    chmod(path, 0o755)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = ["x"]
    var env = HowlProgram.environment(home: dir)
    env["PATH"] = bin + ":" + (env["PATH"] ?? "")
    process.environment = env
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(output == "from shebang x\n")
  }

  @Test func scriptErrorExitsOneWithADiagnostic() throws {
    let dir = try ScratchDirectory()
    let path = try script("let nodes = 1\nprint(nodez)\n", in: dir)
    let r = try howl([path])
    #expect(r.status == 1)
    #expect(r.errors.contains("script.howl:2:7: error: undefined name 'nodez'"))
    #expect(r.errors.contains("did you mean 'nodes'?"))
    #expect(!r.errors.contains("\u{1B}["), "no colour when stderr is not a terminal")
  }

  @Test func runtimeErrorCarriesACallTrace() throws {
    let r = try howl(["-c", "fn inner(x) { return x + \"s\" }\nfn outer() { return inner(1) }\nouter()"])
    #expect(r.status == 1)
    #expect(r.errors.contains("<command line>:1:22: error: cannot apply '+' to int and string"))
    #expect(r.errors.contains("in fn 'inner', called from <command line>:2:21"))
    #expect(r.errors.contains("in fn 'outer', called from <command line>:3:1"))
  }

  @Test func deepRecursionWorksInAFileAndWithDashC() throws {
    let sum = "fn sum(n) { if n == 0 { return 0 }; return n + sum(n - 1) }\nprint(sum(100000))\n"
    let dir = try ScratchDirectory()
    let file = try howl([try script(sum, in: dir, name: "deep.howl")])
    #expect(file.status == 0)
    #expect(file.output == "5000050000\n")
    #expect(try howl(["-c", sum]).output == "5000050000\n")
  }

  @Test func deepRecursionInTheREPL() throws {
    let r = try HowlProgram.piped("fn sum(n) { if n == 0 { return 0 }; return n + sum(n - 1) }\nsum(100000)\n",
                                  home: try ScratchDirectory(), timeout: 60)
    #expect(r.status == 0)
    #expect(r.output == "5000050000\n")
  }

  @Test func endlessRecursionIsAShortFoldedError() throws {
    let dir = try ScratchDirectory()
    let path = try script("fn sum(n) { return n + sum(n - 1) }\nprint(sum(10))\n", in: dir, name: "deep.howl")
    let r = try howl([path])
    #expect(r.status == 1)
    #expect(r.errors.contains("deep.howl:1:24: error: too many nested calls"))
    #expect(r.errors.contains("in fn 'sum', called from \(path):1:24"))
    #expect(r.errors.range(of: #"… [0-9,]+ more calls of 'sum' from .*deep\.howl:1:24"#, options: .regularExpression) != nil)
    #expect(r.errors.contains("in fn 'sum', called from \(path):2:7"))
    let lines = r.errors.split(separator: "\n")
    #expect(lines.count < 12, "\(r.errors)")
  }

  @Test func usageErrorsExitTwo() throws {
    #expect(try howl(["--no-such-flag"]).status == 2)
    #expect(try howl(["/nonexistent/script.howl"]).status == 2)
    #expect(try howl(["-c"]).status == 2)
  }

  @Test func helpAndVersion() throws {
    let help = try howl(["--help"])
    #expect(help.status == 0)
    #expect(help.output.contains("USAGE: howl"))
    #expect(help.output.contains("--dry-run"))
    let version = try howl(["--version"])
    #expect(version.status == 0)
    #expect(version.output.hasPrefix("0."))
  }
}
