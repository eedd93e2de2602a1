import Lang

/// What `nodes.check()` returns: one line per problem, the nodes folded as
/// a hostlist, each with how to fix it (`ReadinessCheck`); or, when there
/// is none, which nodes are ready. Its length is the number of problems,
/// so `if len(nodes.check()) > 0 { … }` works; it iterates over the lines.
final class ReadinessReport: HostObject {
  let problems: [ReadinessProblem]
  let checked: [String]

  init(problems: [ReadinessProblem], checked: [String]) {
    self.problems = problems
    self.checked = checked
  }

  var typeName: String { "check" }
  var count: Int? { problems.count }
  var memberNames: [String] { ["ok", "lines"] }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "ok": return .bool(problems.isEmpty)
    case "lines": return .list(problems.map { .string($0.line) })
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  func elements(in interpreter: Interpreter) throws -> [Value] { problems.map { .string($0.line) } }

  var inlineDescription: String { ReadinessProblem.report(problems, checked: checked) }
}
