import Lang

/// `node.power` and `nodes[…].power`: `.on() .off() .cycle() .reset()
/// .soft() .status()` and `.command("on")`. On one node an action returns
/// nil (status: `"on"` or `"off"`) or fails the script; on a set it runs in
/// parallel (`fanout:`, `timeout:`) and returns a `FanoutResult`.
final class PowerView: HostObject {
  let cluster: ClusterContext
  let ids: [String]
  /// One node (`node.power`) rather than a set, even of one.
  let single: Bool

  init(_ cluster: ClusterContext, ids: [String], single: Bool) {
    self.cluster = cluster
    self.ids = ids
    self.single = single
  }

  var typeName: String { "power" }
  var memberNames: [String] { PowerAction.allCases.map(\.rawValue) + ["command"] }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    if name == "command" {
      return .function(NativeFunction("power.command") { [self] _, args in
        try args.expect("power.command", count: 1...1)
        let action = try Self.action(args[0])
        let lines = try BMCOperation.commandLines(.power(action), ids, cluster)
        if single { return .string(lines[0]) }
        return .string(zip(ids, lines).map { "\($0): \($1)" }.joined(separator: "\n"))
      })
    }
    guard let action = PowerAction(rawValue: name) else {
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    return .function(NativeFunction("power.\(name)") { [self] _, args in
      try args.expect("power.\(name)", count: 0...0, labels: ["fanout", "timeout"])
      let fanout = try CallOptions.fanout(args, default: BMCOperation.defaultFanout)
      let timeout = try CallOptions.timeout(args, default: BMCOperation.defaultTimeout)
      if single {
        let outcome = try BMCOperation.single(.power(action), ids[0], cluster, timeout: timeout)
        return action == .status ? .string(outcome) : .null
      }
      return .object(try BMCOperation.result(.power(action), ids, cluster, fanout: fanout, timeout: timeout))
    })
  }

  static func action(_ value: Value) throws -> PowerAction {
    let names = PowerAction.allCases.map(\.rawValue)
    guard case .string(let text) = value, let action = PowerAction(rawValue: text) else {
      throw LangError("power.command() takes one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))",
                      suggestion: value.stringValue.flatMap { Suggestions.didYouMean($0, among: names) })
    }
    return action
  }

  var inlineDescription: String { single ? "power of node \(ids[0])" : "power of nodes \(Hostlist.compress(ids))" }
}
