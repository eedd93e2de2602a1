import Lang

/// What an operation across nodes returned: per node, its outcome or its
/// error. Prints as the nodes folded by outcome (`n[01-40,42]  on`),
/// iterates as records `{node, ok, output, error}`, and has `.ok` and
/// `.failed` node sets for a retry. A result with failures that the script
/// never looks at fails the script at its end (`OperationLedger`).
final class OperationResult: HostObject {
  let cluster: ClusterContext
  let action: BMCAction
  let ids: [String]
  let replies: [BMCReply]
  private let entry: OperationLedger.Entry

  init(_ cluster: ClusterContext, _ action: BMCAction, ids: [String], replies: [BMCReply]) {
    self.cluster = cluster
    self.action = action
    self.ids = ids
    self.replies = replies
    entry = cluster.operations.record(action.description, ids: ids, replies: replies)
  }

  static func run(_ action: BMCAction, _ ids: [String], _ cluster: ClusterContext, fanout: Int, timeout: Double) throws -> OperationResult {
    OperationResult(cluster, action, ids: ids, replies: try BMCOperation.run(action, ids, cluster, fanout: fanout, timeout: timeout))
  }

  /// Marks the result as looked at: the script handles its failures.
  private func seen() { entry.handled = true }

  var typeName: String { "result" }
  var memberNames: [String] { ["ok", "failed"] }
  var count: Int? { seen(); return ids.count }
  var indexKeys: [String] { ids }

  func names(ok: Bool) -> [String] {
    zip(ids, replies).compactMap { id, reply in
      if case .ok = reply { return ok ? id : nil }
      return ok ? nil : id
    }
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    seen()
    switch name {
    case "ok": return .object(NodeSet(cluster, ids: names(ok: true)))
    case "failed": return .object(NodeSet(cluster, ids: names(ok: false)))
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  func record(_ i: Int) -> Value {
    var ok = false, output = Value.null, error = Value.null
    switch replies[i] {
    case .ok(let text): ok = true; output = .string(text)
    case .failed(let message): error = .string(message)
    }
    return .map(MapRef(OrderedMap([(.string("node"), .string(ids[i])), (.string("ok"), .bool(ok)),
                                   (.string("output"), output), (.string("error"), error)])))
  }

  func elements(in interpreter: Interpreter) throws -> [Value] {
    seen()
    return ids.indices.map(record)
  }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    seen()
    let name = try ClusterFunctions.text(key, "a node name")
    guard let i = ids.firstIndex(of: name) else {
      throw LangError("no node named '\(name)' in this result", suggestion: Suggestions.didYouMean(name, among: ids))
    }
    return record(i)
  }

  /// The nodes folded by outcome, successes first in the order they first
  /// appear, then the errors.
  static func fold(_ ids: [String], _ replies: [BMCReply]) -> [(hostlist: String, outcome: String)] {
    var groups: [(outcome: String, failed: Bool, ids: [String])] = []
    for (id, reply) in zip(ids, replies) {
      let (outcome, failed): (String, Bool)
      switch reply {
      case .ok(let text): (outcome, failed) = (text, false)
      case .failed(let message): (outcome, failed) = ("error: " + message, true)
      }
      if let i = groups.firstIndex(where: { $0.outcome == outcome && $0.failed == failed }) {
        groups[i].ids.append(id)
      } else {
        groups.append((outcome, failed, [id]))
      }
    }
    return (groups.filter { !$0.failed } + groups.filter(\.failed)).map { (Hostlist.compress($0.ids), $0.outcome) }
  }

  var blockDescription: String {
    seen()
    return TextTable(header: [], rows: Self.fold(ids, replies).map { [$0.hostlist, $0.outcome] }).render()
  }

  var inlineDescription: String {
    seen()
    let failed = names(ok: false).count
    return "<\(action.description): \(ids.count - failed) ok, \(failed) failed>"
  }
}
