import Lang

/// Running one BMC action on nodes: their BMC settings gathered on the
/// interpreter's thread, the work done by the installed `BMCController`
/// (in parallel, off this thread), plain replies handed back.
enum BMCOperation {
  static let defaultFanout = 50
  static let defaultTimeout = 10.0

  static func controller(_ cluster: ClusterContext) throws -> any BMCController {
    guard let bmc = cluster.bmc else { throw LangError("this howl has no BMC controller installed") }
    return bmc
  }

  static func targets(_ ids: [String], _ cluster: ClusterContext) throws -> [BMCTarget] {
    try ids.map { BMCTarget(node: $0, try cluster.merged($0, sources: false)) }
  }

  /// One reply per node. A node without a BMC address fails here without
  /// reaching the controller.
  static func run(_ action: BMCAction, _ ids: [String], _ cluster: ClusterContext, fanout: Int, timeout: Double) throws -> [BMCReply] {
    let bmc = try controller(cluster)
    let targets = try targets(ids, cluster)
    let reachable = targets.indices.filter { !targets[$0].ipaddr.isEmpty }
    let answers = bmc.perform(action, on: reachable.map { targets[$0] }, fanout: fanout, timeout: timeout)
    var replies = [BMCReply](repeating: .failed("no BMC address (set ipmi.ipaddr)"), count: targets.count)
    for (position, index) in reachable.enumerated() { replies[index] = answers[position] }
    return replies
  }

  /// The action on every node, as a result that folds them by outcome.
  static func result(_ action: BMCAction, _ ids: [String], _ cluster: ClusterContext, fanout: Int, timeout: Double) throws -> FanoutResult {
    let replies = try run(action, ids, cluster, fanout: fanout, timeout: timeout)
    return FanoutResult(cluster, action.description, ids: ids, outcomes: replies.map(NodeOutcome.init))
  }

  /// One node's action: its outcome, or a thrown error naming the node.
  static func single(_ action: BMCAction, _ id: String, _ cluster: ClusterContext, timeout: Double) throws -> String {
    switch try run(action, [id], cluster, fanout: 1, timeout: timeout)[0] {
    case .ok(let outcome): return outcome
    case .failed(let message): throw LangError("\(id): \(action.description) failed: \(message)")
    }
  }

  /// The shown command line of each node (`node.power.command("on")`).
  static func commandLines(_ action: BMCAction, _ ids: [String], _ cluster: ClusterContext) throws -> [String] {
    let bmc = try controller(cluster)
    return try targets(ids, cluster).map { target in
      guard !target.ipaddr.isEmpty else { throw LangError("\(target.node) has no BMC address (set ipmi.ipaddr)") }
      return try bmc.commandLine(action, for: target)
    }
  }
}
