import Lang

/// What an operation across nodes returned (`power`, `boot_once`,
/// `refresh()`, `exec()`): per node, a `NodeOutcome`. It iterates as records
/// `{node, ok, output, error}` (and `exit` for `exec()`), is indexed by
/// node name, and has `.ok` and `.failed` node sets for a retry; `exec()`'s
/// also has `.output` and `.exit`, maps from node to what it printed and how
/// it exited. A result with failures that the script never looks at fails
/// the script at its end (`OperationLedger`).
///
/// Printed, `power` and `refresh()` fold the nodes by outcome
/// (`n[01-40,42]  on`); `exec()` gathers identical outputs under their
/// folded hostlist as `clush -b` does, then lists non-zero exits by code
/// and the nodes it could not reach.
final class FanoutResult: HostObject {
  enum Layout { case folded, gathered }

  let cluster: ClusterContext
  let action: String
  let ids: [String]
  let outcomes: [NodeOutcome]
  let layout: Layout
  private let entry: OperationLedger.Entry

  init(_ cluster: ClusterContext, _ action: String, ids: [String], outcomes: [NodeOutcome], layout: Layout = .folded) {
    self.cluster = cluster
    self.action = action
    self.ids = ids
    self.outcomes = outcomes
    self.layout = layout
    entry = cluster.operations.record(action, ids: ids, outcomes: outcomes)
  }

  /// Marks the result as looked at: the script handles its failures.
  private func seen() { entry.handled = true }

  var typeName: String { "result" }
  var memberNames: [String] { ["ok", "failed"] + (layout == .gathered ? ["output", "exit"] : []) }
  var count: Int? { seen(); return ids.count }
  var indexKeys: [String] { ids }

  func names(ok: Bool) -> [String] {
    zip(ids, outcomes).compactMap { id, outcome in outcome.ok == ok ? id : nil }
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    seen()
    switch name {
    case "ok": return .object(NodeSet(cluster, ids: names(ok: true)))
    case "failed": return .object(NodeSet(cluster, ids: names(ok: false)))
    case "output" where layout == .gathered:
      return .map(MapRef(OrderedMap(zip(ids, outcomes).map { (.string($0), $1.output.map(Value.string) ?? .null) })))
    case "exit" where layout == .gathered:
      return .map(MapRef(OrderedMap(zip(ids, outcomes).map { (.string($0), $1.exit.map(Value.int) ?? .null) })))
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  func record(_ i: Int) -> Value {
    let outcome = outcomes[i]
    var fields: [(Value, Value)] = [(.string("node"), .string(ids[i])), (.string("ok"), .bool(outcome.ok)),
                                    (.string("output"), outcome.output.map(Value.string) ?? .null)]
    if layout == .gathered { fields.append((.string("exit"), outcome.exit.map(Value.int) ?? .null)) }
    fields.append((.string("error"), outcome.error.map(Value.string) ?? .null))
    return .map(MapRef(OrderedMap(fields)))
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
  /// appear, then the errors (`error: …`).
  static func fold(_ ids: [String], _ outcomes: [NodeOutcome]) -> [(hostlist: String, outcome: String)] {
    let lines = outcomes.map { $0.ok ? ($0.output ?? "") : "error: " + ($0.error ?? "failed") }
    return (groups(ids, lines, where: outcomes.map(\.ok)) + groups(ids, lines, where: outcomes.map { !$0.ok }))
      .map { (Hostlist.compress($0.ids), $0.key) }
  }

  /// The nodes whose `keep` is true, grouped by `keys`, in first-seen order.
  private static func groups(_ ids: [String], _ keys: [String], where keep: [Bool]) -> [(key: String, ids: [String])] {
    var groups: [(key: String, ids: [String])] = []
    var position: [String: Int] = [:]
    for i in ids.indices where keep[i] {
      if let p = position[keys[i]] {
        groups[p].ids.append(ids[i])
      } else {
        position[keys[i]] = groups.count
        groups.append((keys[i], [ids[i]]))
      }
    }
    return groups
  }

  /// `clush -b`: each distinct output under a rule with its nodes
  /// (`n[1-4] (4)`), then `exit code 3: n7` per code, then the nodes not
  /// reached, folded by error.
  private var gathered: String {
    let ran = outcomes.map { $0.exit != nil }
    var text = ""
    let rule = String(repeating: "-", count: 15)
    for group in Self.groups(ids, outcomes.map { $0.output ?? "" }, where: ran) {
      text += "\(rule)\n\(Hostlist.compress(group.ids)) (\(group.ids.count))\n\(rule)\n"
      if !group.key.isEmpty { text += group.key.hasSuffix("\n") ? group.key : group.key + "\n" }
    }
    let codes = outcomes.map { String($0.exit ?? 0) }
    let failedExit = outcomes.map { ($0.exit ?? 0) != 0 }
    for group in Self.groups(ids, codes, where: failedExit) { text += "exit code \(group.key): \(Hostlist.compress(group.ids))\n" }
    let unreached = outcomes.map { $0.exit == nil }
    let errors = Self.groups(ids, outcomes.map { $0.error ?? "" }, where: unreached).map { [Hostlist.compress($0.ids), "error: " + $0.key] }
    if !errors.isEmpty { text += TextTable(header: [], rows: errors).render() }
    return text.hasSuffix("\n") ? String(text.dropLast()) : text
  }

  var blockDescription: String {
    seen()
    switch layout {
    case .folded: return TextTable(header: [], rows: Self.fold(ids, outcomes).map { [$0.hostlist, $0.outcome] }).render()
    case .gathered: return gathered
    }
  }

  var inlineDescription: String {
    seen()
    let failed = names(ok: false).count
    return "<\(action): \(ids.count - failed) ok, \(failed) failed>"
  }
}
