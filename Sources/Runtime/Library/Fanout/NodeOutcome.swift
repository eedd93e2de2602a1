/// How an operation across nodes ended on one node: what `power`,
/// `refresh()` and `exec()` all return per node, gathered in a `FanoutResult`.
struct NodeOutcome: Equatable {
  var ok: Bool
  /// What the node answered or printed; nil when it was not reached.
  var output: String?
  /// The command's exit status (`exec()` only).
  var exit: Int?
  /// Why it failed: the error, or `exit code 3`; nil when it succeeded.
  var error: String?

  static func succeeded(_ output: String) -> NodeOutcome { NodeOutcome(ok: true, output: output) }
  static func failed(_ error: String) -> NodeOutcome { NodeOutcome(ok: false, error: error) }

  init(ok: Bool, output: String? = nil, exit: Int? = nil, error: String? = nil) {
    self.ok = ok
    self.output = output
    self.exit = exit
    self.error = error
  }

  init(_ reply: BMCReply) {
    switch reply {
    case .ok(let text): self = .succeeded(text)
    case .failed(let message): self = .failed(message)
    }
  }

  init(_ refresh: AgentRefreshOutcome?) {
    switch refresh {
    case let .applied(_, changed)?: self = .succeeded("applied (\(changed) file\(changed == 1 ? "" : "s") changed)")
    case .timedOut(let seconds)?: self = .failed("no report from the agent in \(Int(seconds)) s")
    case nil: self = .failed("no report from the agent")
    }
  }

  init(_ reply: RemoteReply) {
    switch reply {
    case let .ran(exit, output):
      let text = output.hasSuffix("\n") ? String(output.dropLast()) : output
      self.init(ok: exit == 0, output: text, exit: exit, error: exit == 0 ? nil : "exit code \(exit)")
    case .failed(let message): self = .failed(message)
    }
  }
}
