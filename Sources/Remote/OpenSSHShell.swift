import Foundation
import Runtime

/// `RemoteShell` through the OpenSSH client: one `ssh` process per node
/// (at most `fanout` at once), as root, with the cluster's client key only
/// (no agent, no user configuration), in batch mode (never a prompt), and
/// with strict host key checking against the cluster's own host keys
/// (`KnownHosts`): a node that shows another key is refused, never learnt.
/// Each node has `timeout` seconds in all; past it its `ssh` is killed.
/// `ssh` exits 255 on its own errors, so a command that exits 255 reads as
/// a failure to reach the node.
public final class OpenSSHShell: RemoteShell {
  public init() {}

  public func run(_ command: String, on targets: [RemoteTarget], keys: ClusterKeys, fanout: Int, timeout: Double) -> [RemoteReply] {
    guard !targets.isEmpty else { return [] }
    let knownHosts: KnownHosts
    do { knownHosts = try KnownHosts(keys: keys, nodes: targets.map(\.node)) } catch {
      return targets.map { _ in .failed("\(error)") }
    }
    defer { knownHosts.remove() }
    return Fanout.map(targets.count, width: max(1, fanout)) { i in
      let words = Self.arguments(targets[i], keys, knownHosts, timeout: timeout) + ["-T", targets[i].address, command]
      let outcome: TimedCommand.Outcome
      do { outcome = try TimedCommand.run(Self.commandLine(words), timeout: timeout) } catch { return .failed("\(error)") }
      if outcome.timedOut { return .failed("no answer in \(TimedCommand.seconds(timeout))") }
      if outcome.status == 255 {
        // ssh's own last line says why ("Host key verification failed."); it ends lines with CR LF.
        let message = outcome.output.split(whereSeparator: \.isNewline).last.map(String.init) ?? "ssh failed"
        return .failed(message.hasPrefix("ssh: ") ? String(message.dropFirst(5)) : message)
      }
      return .ran(exit: Int(outcome.status), output: outcome.output)
    }
  }

  public func attach(_ target: RemoteTarget, keys: ClusterKeys) throws {
    let knownHosts = try KnownHosts(keys: keys, nodes: [target.node])
    defer { knownHosts.remove() }
    let words = Self.arguments(target, keys, knownHosts, timeout: 30) + ["-t", target.address]
    if try ForegroundCommand.run(Self.commandLine(words)) == 255 {
      throw SpawnError("could not log in to \(target.address) (ssh status 255)")
    }
  }

  /// `ssh` and its options for `target`, without the destination.
  static func arguments(_ target: RemoteTarget, _ keys: ClusterKeys, _ knownHosts: KnownHosts, timeout: Double) -> [String] {
    let options = [
      "BatchMode=yes", "StrictHostKeyChecking=yes", "UserKnownHostsFile=\(knownHosts.path)",
      "GlobalKnownHostsFile=/dev/null", "HostKeyAlias=\(target.node)", "IdentitiesOnly=yes",
      "IdentityFile=\(keys.clientKey)", "IdentityAgent=none", "ControlMaster=no", "LogLevel=ERROR",
      "ConnectTimeout=\(max(1, Int(timeout.rounded(.up))))",
    ]
    return ["ssh", "-F", "/dev/null", "-l", "root"] + options.flatMap { ["-o", $0] }
  }

  /// `exec` and the words, each quoted for `/bin/sh`.
  static func commandLine(_ words: [String]) -> String {
    "exec " + words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
  }
}
