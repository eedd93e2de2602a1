import Foundation

/// A program run to its end, with its output, errors and exit status.
enum Shell {
  struct Result: CustomStringConvertible {
    var status: Int32
    var output: String
    var errors: String
    var description: String { "exit \(status): \(output)\(errors)" }
  }

  static func run(_ arguments: [String], timeout: TimeInterval = 120, environment: [String: String]? = nil) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0].hasPrefix("/") ? arguments[0] : "/usr/bin/env")
    process.arguments = arguments[0].hasPrefix("/") ? Array(arguments.dropFirst()) : arguments
    if let environment { process.environment = environment }
    let stdout = Pipe(), stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    var output = Data(), errors = Data()
    let readers = DispatchGroup()
    for (pipe, index) in [(stdout, 0), (stderr, 1)] {
      readers.enter()
      DispatchQueue.global().async {
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        if index == 0 { output = data } else { errors = data }
        readers.leave()
      }
    }
    guard readers.wait(timeout: .now() + timeout) == .success else {
      process.terminate()
      throw PseudoTerminal.Failure(description: "\(arguments.joined(separator: " ")) did not end within \(Int(timeout)) s")
    }
    process.waitUntilExit()
    return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                  errors: String(decoding: errors, as: UTF8.self))
  }
}
