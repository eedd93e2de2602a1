import Foundation

/// The built `howl` and the ways the tests start it, each with its own
/// scratch directory as `HOME` and `HOWL_HISTORY` inside it.
enum HowlProgram {
  /// The package root, found from this file's path.
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `.build/debug/howl`, built by `swift build --build-tests`.
  static var executable: String { packageRoot.appendingPathComponent(".build/debug/howl").path }

  static func environment(home: ScratchDirectory) -> [String: String] {
    [
      "TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8",
      "HOME": home.path, "HOWL_HISTORY": home.historyPath, "HOWL_ROOT": home.path + "/root",
      "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
    ]
  }

  /// `howl` with no arguments on a terminal: the interactive REPL.
  static func interactive(home: ScratchDirectory) throws -> PseudoTerminal {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
      throw PseudoTerminal.Failure(description: "\(executable) is missing; run `swift build --build-tests` first")
    }
    return try PseudoTerminal(executable: executable, environment: environment(home: home))
  }

  /// What `howl ARGUMENTS` printed and its exit status, given `input` on a
  /// pipe (no arguments: the REPL reading the pipe).
  static func piped(_ input: String, home: ScratchDirectory, arguments: [String] = [], timeout: TimeInterval = 10) throws
    -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment(home: home)
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    guard exited.wait(timeout: .now() + timeout) == .success else {
      process.terminate()
      throw PseudoTerminal.Failure(description: "howl did not exit within \(timeout) s")
    }
    let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, output, errors)
  }
}

/// A temporary directory, removed when the value is released.
final class ScratchDirectory {
  let path: String
  var historyPath: String { path + "/history" }

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("howl-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension PseudoTerminal {
  /// The primary and continuation prompts (with `NO_COLOR`).
  static let prompt = "howl> "
  static let continuationPrompt = "....> "

  /// Types `line` and Enter at a prompt; returns what was printed between
  /// its echo and the next prompt (`until`).
  func enter(_ line: String, until prompt: String = PseudoTerminal.prompt) throws -> String {
    try send(line + "\r")
    try expect(line + "\n")
    return try expect(prompt)
  }
}
