import Foundation
import Runtime

/// `howl check`: the readiness check of the committed cluster
/// (`nodes.check()`): one line per problem, the nodes folded as a hostlist,
/// each with how to fix it. Exit status 1 when there is any problem (or the
/// cluster does not load), 0 when every node is ready, 2 on a usage error.
enum CheckCommand {
  static func run(_ arguments: [String]) -> Int32 {
    if arguments == ["--help"] || arguments == ["-h"] {
      print("usage: howl check\n\nSays what would stop each node from booting, and how to fix it; exit 1 if anything would.")
      return 0
    }
    guard arguments.isEmpty else { return ScriptRunner.usage("howl check takes no arguments") }
    let session = Session(arguments: [])
    do {
      let check = try session.cluster.readiness()
      let problems = check.problems()
      print(ReadinessProblem.report(problems, checked: check.state.cluster.nodes.keys.elements))
      return problems.isEmpty ? 0 : 1
    } catch {
      fflush(stdout)
      FileHandle.standardError.write(Data("howl check: \(error)\n".utf8))
      return 1
    }
  }
}
