import Foundation

/// `sh`, `read`, `write`, `env`, `args`: the host system, for automation.
enum System {
  static func install(into i: Interpreter, arguments: [String]) {
    i.define("args", .list(arguments.map { .string($0) }))
    var environment = OrderedMap()
    for (k, v) in ProcessInfo.processInfo.environment.sorted(by: { $0.key < $1.key }) { environment[string: k] = .string(v) }
    i.define("env", .map(MapRef(environment)))
    i.define("read") { _, args in
      try args.expect("read", count: 1...1)
      return .string(try FileSystem.read(try Library.string(args[0], "read()'s path")))
    }
    i.define("write") { _, args in
      try args.expect("write", count: 2...2)
      try FileSystem.write(try Library.string(args[0], "write()'s path"), try args[1].checkedDescription())
      return .null
    }
    i.define("sh") { _, args in
      try args.expect("sh", count: 1...1)
      return .string(try run(try Library.string(args[0], "sh()'s command")))
    }
  }

  /// Runs `/bin/sh -c command`; its output without trailing newlines, or an
  /// error with the exit status and what it wrote to stderr.
  static func run(_ command: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let out = Pipe()
    // stderr goes to a file, so reading stdout to its end cannot block on it.
    let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("howl-sh-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errPath) }
    guard let err = try? FileHandle(forWritingTo: errPath) else { throw LangError("sh: cannot create a temporary file") }
    defer { try? err.close() }
    process.standardOutput = out
    process.standardError = err
    do { try process.run() } catch { throw LangError("sh: cannot start /bin/sh: \(error.localizedDescription)") }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = FileManager.default.contents(atPath: errPath.path) ?? Data()
    var text = String(decoding: outData, as: UTF8.self)
    while text.hasSuffix("\n") { text.removeLast() }
    guard process.terminationStatus == 0 else {
      let stderr = String(decoding: errData, as: UTF8.self).trimmingSpaces
      let status = process.terminationReason == .uncaughtSignal ? "was killed by signal \(process.terminationStatus)"
                                                                 : "exited with status \(process.terminationStatus)"
      throw LangError("sh: '\(command)' \(status)" + (stderr.isEmpty ? "" : ": \(stderr)"))
    }
    return text
  }
}
