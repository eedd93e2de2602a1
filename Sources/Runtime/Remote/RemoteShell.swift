/// What `nodes[…].exec()` and `node.ssh()` use to reach running nodes.
/// Runtime opens no connections and starts no programs: the `howl`
/// executable installs the `Remote` module's OpenSSH client into
/// `ClusterContext.remote`.
///
/// Everything here is plain data, safe to hand to other threads: an
/// implementation works off the interpreter's thread and returns results.
public protocol RemoteShell: AnyObject {
  /// Runs `command` on every target as root, at most `fanout` at once,
  /// each given `timeout` seconds in all; one reply per target, in order.
  /// Never throws: a node that is down, refuses or hangs is its reply.
  func run(_ command: String, on targets: [RemoteTarget], keys: ClusterKeys, fanout: Int, timeout: Double) -> [RemoteReply]
  /// An interactive root shell on `target` on this process's terminal
  /// until it ends; the terminal is restored however it ends.
  func attach(_ target: RemoteTarget, keys: ClusterKeys) throws
}

/// A running node as SSH reaches it: its name (what its host key is known
/// as) and the address of its primary network device.
public struct RemoteTarget: Sendable, Equatable {
  public var node: String
  public var address: String

  public init(node: String, address: String) {
    self.node = node
    self.address = address
  }
}

/// The cluster's own SSH keys: the client key whose public half the
/// `ssh.authorized_keys` overlay installs for root, and the public host
/// keys the `ssh.host_keys` overlay gives every node (the only keys a node
/// may show).
public struct ClusterKeys: Sendable, Equatable {
  /// The path of the private client key.
  public var clientKey: String
  /// The nodes' public host keys, one `TYPE BASE64` line each.
  public var hostKeys: [String]

  public init(clientKey: String, hostKeys: [String]) {
    self.clientKey = clientKey
    self.hostKeys = hostKeys
  }
}

/// How a command ended on one node.
public enum RemoteReply: Sendable, Equatable {
  /// It ran and exited with `exit`, printing `output` (stdout and stderr).
  case ran(exit: Int, output: String)
  /// It could not run: the node is down, refused, hung or failed to authenticate.
  case failed(String)
}
