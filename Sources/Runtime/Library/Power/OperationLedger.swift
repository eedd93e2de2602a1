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

  func record(_ action: String, ids: [String], replies: [BMCReply]) -> Entry {
    var failures: [(String, String)] = []
    for (id, reply) in zip(ids, replies) {
      if case .failed(let message) = reply { failures.append((id, message)) }
    }
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
      let replies = entry.failures.map { BMCReply.failed($0.message) }
      for (hostlist, outcome) in OperationResult.fold(ids, replies) { notes.append("\(entry.action): \(hostlist) \(outcome)") }
    }
    let count = Set(open.flatMap { $0.failures.map(\.node) }).count
    return LangError("\(open.map(\.action).joined(separator: ", ")) failed on \(count) node\(count == 1 ? "" : "s")",
                     suggestion: "keep the result to handle it: let r = nodes[…].power.on(); r.failed.power.on()",
                     notes: notes)
  }
}
