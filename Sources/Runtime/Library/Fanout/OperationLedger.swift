import Lang

/// The operations across nodes a script ran, so that one that failed on
/// some nodes and whose result the script never looked at fails the script
/// (exit 1) once it has ended, after every node was tried.
public final class OperationLedger {
  final class Entry {
    let action: String
    let failures: [(node: String, message: String)]
    var handled = false

    init(action: String, failures: [(node: String, message: String)]) {
      self.action = action
      self.failures = failures
    }
  }

  private var entries: [Entry] = []

  public init() {}

  func record(_ action: String, ids: [String], outcomes: [NodeOutcome]) -> Entry {
    var failures: [(String, String)] = []
    for (id, outcome) in zip(ids, outcomes) where !outcome.ok { failures.append((id, outcome.error ?? "failed")) }
    let entry = Entry(action: action, failures: failures)
    if !failures.isEmpty { entries.append(entry) }
    return entry
  }

  /// The error for the failures no one looked at, or nil.
  public func unhandledFailures() -> LangError? {
    let open = entries.filter { !$0.handled }
    guard !open.isEmpty else { return nil }
    var notes: [String] = []
    for entry in open {
      let ids = entry.failures.map(\.node)
      let outcomes = entry.failures.map { NodeOutcome.failed($0.message) }
      for (hostlist, outcome) in FanoutResult.fold(ids, outcomes) { notes.append("\(entry.action): \(hostlist) \(outcome)") }
    }
    let count = Set(open.flatMap { $0.failures.map(\.node) }).count
    return LangError("\(open.map(\.action).joined(separator: ", ")) failed on \(count) node\(count == 1 ? "" : "s")",
                     suggestion: "keep the result to handle it: let r = nodes[…].power.on(); r.failed.power.on()",
                     notes: notes)
  }
}
