import Lang

/// `nodes[...].refresh(timeout: 30s)`: asks the agents of the nodes to
/// fetch their runtime overlay now (through `howl serve`) and waits until
/// each reported applying it, or the timeout.
enum AgentRefresh {
  static func function(_ cluster: ClusterContext, ids: @escaping () throws -> [String]) -> Value {
    .function(NativeFunction("refresh") { _, args in
      try args.expect("refresh", count: 0...0, labels: ["timeout"])
      var timeout = 30.0
      if let value = args.named("timeout") {
        guard case .duration(let ms) = value, ms > 0 else { throw LangError("refresh(timeout:) needs a duration, such as 30s") }
        timeout = Double(ms) / 1000
      }
      guard let refresher = cluster.agentRefresher else { throw LangError("refresh() needs howl's agent client, not installed here") }
      if cluster.hasChanges {
        throw LangError("refresh() sends what is committed; there are staged changes", suggestion: "commit() first")
      }
      let nodes = try ids()
      let outcomes: [String: AgentRefreshOutcome]
      do { outcomes = try refresher.refresh(nodes: nodes, timeout: timeout) } catch let e as LangError { throw e } catch {
        throw LangError("refresh(): \(error)")
      }
      return .object(RefreshResult(cluster, order: nodes, outcomes: outcomes))
    })
  }
}

/// What `refresh()` returns: prints the nodes folded by outcome
/// (`n[1-3]  applied (2 files changed)`); `.ok` and `.failed` are node sets.
final class RefreshResult: HostObject {
  let cluster: ClusterContext
  let order: [String]
  let outcomes: [String: AgentRefreshOutcome]

  init(_ cluster: ClusterContext, order: [String], outcomes: [String: AgentRefreshOutcome]) {
    self.cluster = cluster
    self.order = order
    self.outcomes = outcomes
  }

  var typeName: String { "refresh result" }
  var memberNames: [String] { ["ok", "failed"] }

  private func nodes(applied: Bool) -> [String] {
    order.filter { id in
      if case .applied = outcomes[id] { return applied }
      return !applied
    }
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "ok": return .object(NodeSet(cluster, ids: nodes(applied: true)))
    case "failed": return .object(NodeSet(cluster, ids: nodes(applied: false)))
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String { "refresh: \(nodes(applied: true).count) applied, \(nodes(applied: false).count) failed" }

  var blockDescription: String {
    var groups: [(String, [String])] = []
    for id in order {
      let line = outcomes[id]?.summary ?? AgentRefreshOutcome.timedOut(seconds: 0).summary
      if let i = groups.firstIndex(where: { $0.0 == line }) { groups[i].1.append(id) } else { groups.append((line, [id])) }
    }
    let folded = groups.map { (Hostlist.compress($0.1), $0.0) }
    let width = folded.map(\.0.count).max() ?? 0
    return folded.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
  }
}
