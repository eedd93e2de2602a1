import ArgumentParser
import Foundation
import Lang

/// `howl`: the REPL with no arguments, a script with a file, text with `-c`.
@main
struct Howl: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "howl",
    abstract: "Provision HPC clusters with a small scriptable language.",
    discussion: """
      With no arguments, starts the interactive REPL. With a file, runs it as a
      script (one transaction: it commits only if it ends without error).
      Exit status: 0 on success, 1 on a script error, 2 on a usage error.
      `howl serve` runs the boot services (DHCP, TFTP, HTTP); `howl status`
      shows each node's boot progress; `howl check` says what would stop
      nodes from booting (exit 1 if anything would); `howl init` writes the
      fresh state where there is none. See `howl serve --help`.
      """,
    version: version)

  @Option(name: .customShort("c"), help: ArgumentHelp("Run TEXT as a script.", valueName: "TEXT"))
  var command: String?

  @Flag(name: .long, help: "Run the script, show what it would change, commit nothing.")
  var dryRun = false

  @ArgumentParser.Argument(parsing: .captureForPassthrough, help: ArgumentHelp("A script to run and its arguments.", valueName: "FILE ARGS"))
  var script: [String] = []

  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    // Flags before a script are Howl's; everything after it is the script's.
    switch arguments.first {
    case "serve":
      ServeCommand.main(Array(arguments.dropFirst()))
      Foundation.exit(0)
    case "status":
      StatusCommand.main(Array(arguments.dropFirst()))
      Foundation.exit(0)
    case "check":
      Foundation.exit(CheckCommand.run(Array(arguments.dropFirst())))
    case "init":
      Foundation.exit(InitCommand.run(Array(arguments.dropFirst())))
    case "--help", "-h":
      print(Howl.helpMessage())
      Foundation.exit(0)
    case "--version":
      print(version)
      Foundation.exit(0)
    case let flag? where flag.hasPrefix("-") && flag != "-c" && flag != "--dry-run" && flag != "--":
      Foundation.exit(ScriptRunner.usage("unknown option '\(flag)'"))
    default:
      break
    }
    let command: Howl
    do {
      command = try Howl.parse(arguments)
    } catch {
      let code = Howl.exitCode(for: error)
      if code == .success {
        print(Howl.fullMessage(for: error))
        Foundation.exit(0)
      }
      FileHandle.standardError.write(Data((Howl.fullMessage(for: error) + "\n").utf8))
      Foundation.exit(2)
    }
    // Scripts and the REPL run on a thread with a large stack, for deep recursion.
    Foundation.exit(CallStack.runOnLargeStack { command.execute() })
  }

  func execute() -> Int32 {
    if let command {
      return ScriptRunner(arguments: script, dryRun: dryRun).run(SourceFile(name: "<command line>", text: command))
    }
    guard let path = script.first else {
      if dryRun { return ScriptRunner.usage("--dry-run needs a script file") }
      return REPL().run()
    }
    guard let text = try? FileSystem.read(path) else {
      return ScriptRunner.usage("cannot read script '\(path)'")
    }
    return ScriptRunner(arguments: Array(script.dropFirst()), dryRun: dryRun).run(SourceFile(name: path, text: text))
  }
}
