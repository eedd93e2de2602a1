import Foundation
import Lang

/// The members that reach a running node over SSH, with the cluster's own
/// keys (`HostKeys`): `nodes[…].exec("command", fanout: 32, timeout: 30s)`
/// on a node or a set, and `node.ssh()`, an interactive shell, on one node.
enum RemoteMembers {
  static let names = ["exec", "ssh"]
  static let defaultFanout = 32
  static let defaultTimeout = 30.0

  /// The member `name` of the nodes `ids` (`single` for one node), or nil
  /// if `name` is not one of these.
  static func member(_ name: String, ids: [String], single: Bool, _ cluster: ClusterContext) -> Value? {
    switch name {
    case "exec":
      return .function(NativeFunction("exec") { _, args in
        try args.expect("exec", count: 1...1, labels: ["fanout", "timeout"])
        let command = try ClusterFunctions.text(args[0], "exec()'s command")
        guard !command.trimmingCharacters(in: .whitespaces).isEmpty else { throw LangError("exec() needs a command to run") }
        let fanout = try CallOptions.fanout(args, default: defaultFanout)
        let timeout = try CallOptions.timeout(args, default: defaultTimeout)
        let (shell, keys) = try access(cluster)
        let targets = try self.targets(ids, cluster)
        let reachable = targets.indices.filter { !targets[$0].address.isEmpty }
        let replies = shell.run(command, on: reachable.map { targets[$0] }, keys: keys, fanout: fanout, timeout: timeout)
        var outcomes = [NodeOutcome](repeating: .failed("no address (set its network device's ipaddr)"), count: ids.count)
        for (position, index) in reachable.enumerated() { outcomes[index] = NodeOutcome(replies[position]) }
        return .object(FanoutResult(cluster, "exec", ids: ids, outcomes: outcomes, layout: .gathered))
      })
    case "ssh":
      return .function(NativeFunction("ssh") { _, args in
        try args.expect("ssh", count: 0...0)
        guard single || ids.count == 1 else {
          throw LangError("ssh() opens a shell on one node", suggestion: "nodes[…].exec(\"command\") runs a command on many")
        }
        let (shell, keys) = try access(cluster)
        let target = try targets(ids, cluster)[0]
        guard !target.address.isEmpty else { throw LangError("\(ids[0]) has no address (set its network device's ipaddr)") }
        do { try shell.attach(target, keys: keys) } catch let error as LangError { throw error } catch {
          throw LangError("\(ids[0]): ssh failed: \(error)")
        }
        return .null
      })
    default:
      return nil
    }
  }

  /// The installed SSH client and the cluster's keys, or a clear error.
  static func access(_ cluster: ClusterContext) throws -> (any RemoteShell, ClusterKeys) {
    guard let shell = cluster.remote else { throw LangError("this howl has no SSH client installed") }
    do {
      return (shell, try HostKeys.cluster(in: AtomicFile.parent(of: cluster.store.nodesConfPath)))
    } catch {
      throw LangError("\(error)")
    }
  }

  /// Each node's name and the address of its primary network device ("" if none).
  static func targets(_ ids: [String], _ cluster: ClusterContext) throws -> [RemoteTarget] {
    try ids.map { id in
      let merged = try cluster.merged(id, sources: false)
      let address = merged.primaryNetwork.flatMap { merged.value(at: FieldPath(["network devices", $0, "ipaddr"]))?.stringValue } ?? ""
      return RemoteTarget(node: id, address: String(address.split(separator: "/").first ?? ""))
    }
  }
}
