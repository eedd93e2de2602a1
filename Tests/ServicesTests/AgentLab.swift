import Foundation

/// A node agent beside `howl serve`, without VMs: `howl serve` in one
/// network namespace, the node n1 in another (its MAC, and the address its
/// lease gives it), the agent from n1's own system overlay (fetched and
/// unpacked as the node would), run by busybox's sh with busybox's applets
/// and curl only on its PATH.
final class AgentLab {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("howl-agent-\(UUID().uuidString)").path
  let pair: VethPair
  var serve: ServeProcess?
  var agent: Process?
  static let mac1 = "52:54:00:77:00:11"
  static let mac2 = "52:54:00:77:00:12"
  var node: String { root + "/node1" }
  var state: String { root + "/agent-state" }
  var agentLog: String { root + "/agent.log" }

  /// A cluster of n1 and n2 with the `howl-agent` system overlay and a
  /// runtime overlay `motd` (`etc/motd`), update interval 2 s.
  init(secure: Bool = true) throws {
    try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
    pair = try VethPair(clientMAC: AgentLab.mac1)
    try run(["ip", "-n", pair.client, "addr", "add", "10.77.0.11/24", "dev", "vc0"])
    try howl(["-c", """
      server.ipaddr = 10.77.0.1/24
      server.secure = \(secure)
      server.update_interval = 2s
      overlays.add("motd").write("etc/motd.ww", "v1 for {{.Id}}\\n")
      profiles["default"].overlays = ["howl-agent"]
      profiles["default"].runtime_overlays = ["motd"]
      nodes.add("n1", ipaddr: 10.77.0.11, hwaddr: \(AgentLab.mac1))
      nodes.add("n2", ipaddr: 10.77.0.12, hwaddr: \(AgentLab.mac2))
      """])
    let applets = try run(["busybox", "--list"]).output.split(separator: "\n")
    for applet in applets { try? FileManager.default.createSymbolicLink(atPath: root + "/bin/\(applet)", withDestinationPath: "/bin/busybox") }
    try FileManager.default.createSymbolicLink(atPath: root + "/bin/curl", withDestinationPath: "/usr/bin/curl")
    try startServe()
  }

  func startServe() throws {
    serve = try ServeProcess(root: root, arguments: ["--no-dhcp", "--no-nfs", "--tftp-port", "16979"], netns: pair.server)
  }

  /// Runs `howl ARGS` on the lab's root, in the server's namespace (where `howl serve` is on loopback).
  @discardableResult
  func howl(_ arguments: [String]) throws -> String {
    let result = try run(["ip", "netns", "exec", pair.server, Fixture.howl] + arguments, timeout: 60, environment: environment)
    guard result.status == 0 else { throw TestFailure("howl \(arguments.joined(separator: " ")) failed:\n\(result.output)") }
    return result.output
  }

  var environment: [String: String] { Fixture.environment(root: root) }

  /// A command on node n1 (in its namespace).
  @discardableResult
  func onNode(_ arguments: [String], timeout: TimeInterval = 20) throws -> (status: Int32, output: String) {
    try run(["ip", "netns", "exec", pair.client] + arguments, timeout: timeout)
  }

  /// What n1 does at boot before its agent runs: asks for its iPXE script
  /// (the boot begins) and unpacks its system overlay into its root.
  func bootNode() throws {
    try onNode(["curl", "-sf", "-o", "/dev/null", "http://10.77.0.1:9873/ipxe/\(AgentLab.mac1)"])
    try FileManager.default.createDirectory(atPath: node, withIntermediateDirectories: true)
    let unpack = try onNode(["sh", "-c", "curl -sf 'http://10.77.0.1:9873/system/\(AgentLab.mac1)?compress=gz' | gzip -dc | (cd \(node) && cpio -idm)"])
    guard unpack.status == 0 else { throw TestFailure("system overlay: \(unpack.output)") }
  }

  /// The agent's environment on n1: busybox's applets and curl, nothing
  /// else; started with no signal blocked, as init or systemd start it
  /// (a test process blocks most signals in its children).
  /// `userland: "/usr/bin:/bin"` and `shell: ["dash"]` run it as on a full
  /// distribution instead (coreutils, curl, cpio).
  func agentArguments(once: Bool = false, conf: String? = nil, userland: String? = nil, shell: [String] = ["busybox", "sh"]) -> [String] {
    ["ip", "netns", "exec", pair.client, "python3", "-c",
     "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])",
     "env", "-i", "PATH=\(userland ?? root + "/bin")",
     "HOWL_AGENT_CONF=\(conf ?? node + "/warewulf/howl-agent.conf")", "HOWL_AGENT_ROOT=\(node)",
     "HOWL_AGENT_STATE=\(state)", "HOWL_AGENT_WWID=\(AgentLab.mac1)"] + (once ? ["HOWL_AGENT_ONCE=1"] : [])
      + shell + [node + "/warewulf/howl-agent"]
  }

  func startAgent() throws {
    _ = FileManager.default.createFile(atPath: agentLog, contents: nil)
    let log = try FileHandle(forWritingTo: URL(fileURLWithPath: agentLog))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
    process.arguments = Array(agentArguments().dropFirst())
    process.standardOutput = log
    process.standardError = log
    try process.run()
    agent = process
  }

  var agentOutput: String { (try? String(contentsOfFile: agentLog, encoding: .utf8)) ?? "" }

  /// n1's file, as the node sees it.
  func nodeFile(_ path: String) -> String? { try? String(contentsOfFile: node + "/" + path, encoding: .utf8) }

  /// Waits up to `timeout` for `condition`.
  func waitFor(_ timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if condition() { return true }
      usleep(100_000)
    }
    return condition()
  }

  /// The key the server keeps for n1 (what only n1's agent also knows).
  var serverKey: String? {
    (try? String(contentsOfFile: root + "/var/lib/howl/agent/keys/n1", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  deinit {
    if let agent, agent.isRunning {
      agent.terminate()
      agent.waitUntilExit()
    }
    serve?.stop()
    try? FileManager.default.removeItem(atPath: root)
  }
}
