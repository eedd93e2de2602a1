import Lang

/// `nodes[...].refresh(timeout: 30s)`: asks the agents of the nodes to
/// fetch their runtime overlay now (through `howl serve`) and waits until
/// each reported applying it, or the timeout; the nodes folded by outcome
/// (`n[1-3]  applied (2 files changed)`) in a `FanoutResult`.
enum AgentRefresh {
  static func function(_ cluster: ClusterContext, ids: @escaping () throws -> [String]) -> Value {
    .function(NativeFunction("refresh") { _, args in
      try args.expect("refresh", count: 0...0, labels: ["timeout"])
      let timeout = try CallOptions.timeout(args, default: 30)
      guard let refresher = cluster.agentRefresher else { throw LangError("refresh() needs howl's agent client, not installed here") }
      if cluster.hasChanges {
        throw LangError("refresh() sends what is committed; there are staged changes", suggestion: "commit() first")
      }
      let nodes = try ids()
      let outcomes: [String: AgentRefreshOutcome]
      do { outcomes = try refresher.refresh(nodes: nodes, timeout: timeout) } catch let e as LangError { throw e } catch {
        throw LangError("refresh(): \(error)")
      }
      return .object(FanoutResult(cluster, "refresh", ids: nodes, outcomes: nodes.map { NodeOutcome(outcomes[$0]) }))
    })
  }
}
