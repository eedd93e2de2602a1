import Foundation

/// Stand-in nodes for `exec()` without VMs (`scripts/lab/ssh-nodes`): a
/// cluster of n1 … nCOUNT in a scratch `HOWL_ROOT`, node i at 10.78.0.(10+i)
/// in a network namespace of its own running a real sshd with the host keys
/// and root's authorized keys of the cluster's built overlays; howl runs in
/// the head namespace, which reaches them all. Removed on release.
final class SSHLab {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("howl-ssh-\(UUID().uuidString)").path
  let head = "howlssh\(getpid() % 100_000)"
  let count: Int
  var lab: String { root + "/lab" }
  private static let script = Fixture.packageRoot.appendingPathComponent("scripts/lab/ssh-nodes").path

  init(count: Int) throws {
    self.count = count
    try FileManager.default.createDirectory(atPath: lab, withIntermediateDirectories: true)
    let made = try run([Fixture.howl, "-c", """
      nodes.add("n[1-\(count)]", ipaddr: 10.78.0.11)
      overlays.build(complete: true)
      """], timeout: 120, environment: environment)
    guard made.status == 0 else { throw TestFailure("the cluster: \(made.output)") }
    let up = try run([Self.script, "up", head, String(count), lab], timeout: 300, environment: environment)
    guard up.status == 0 else { throw TestFailure("ssh-nodes up: \(up.output)") }
  }

  var environment: [String: String] { Fixture.environment(root: root) }

  /// `howl ARGS` in the head namespace: its status and output.
  @discardableResult
  func howl(_ arguments: [String], timeout: TimeInterval = 120) throws -> (status: Int32, output: String) {
    try run(["ip", "netns", "exec", head, Fixture.howl] + arguments, timeout: timeout, environment: environment)
  }

  /// The pid of node i's sshd.
  func sshd(_ i: Int) throws -> pid_t {
    guard let text = try? String(contentsOfFile: "\(lab)/sshd/n\(i).pid", encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw TestFailure("no sshd pid for n\(i)")
    }
    return pid
  }

  /// Node i's sshd started again with a host key that is not the cluster's.
  func giveForeignHostKey(_ i: Int) throws {
    kill(try sshd(i), SIGTERM)
    usleep(200_000)
    let key = "\(lab)/foreign_host_key"
    try run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key])
    let conf = try String(contentsOfFile: "\(lab)/sshd/n\(i).conf", encoding: .utf8)
      .split(separator: "\n").filter { !$0.hasPrefix("HostKey ") }.joined(separator: "\n") + "\nHostKey \(key)\n"
    try conf.write(toFile: "\(lab)/sshd/n\(i).conf", atomically: true, encoding: .utf8)
    try? FileManager.default.removeItem(atPath: "\(lab)/sshd/n\(i).pid")
    let started = try run(["ip", "netns", "exec", "\(head)-\(i)", "python3", "-c",
                           "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                           "/usr/sbin/sshd", "-f", "\(lab)/sshd/n\(i).conf", "-E", "\(lab)/sshd/n\(i).log"])
    guard started.status == 0 else { throw TestFailure("sshd n\(i): \(started.output)") }
  }

  deinit {
    _ = try? run([Self.script, "down", head, String(count), lab], timeout: 60)
    try? FileManager.default.removeItem(atPath: root)
  }
}
