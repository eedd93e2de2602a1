import Foundation
import Testing

/// `nodes[…].exec()` over SSH against real sshds in network namespaces
/// (`SSHLab`), with the cluster's own keys: the nodes that answer the same
/// gathered under one folded hostlist, and a node that is down, hangs,
/// refuses, exits 3 or shows a foreign host key each reported on its own.
@Suite(.serialized) struct ExecTests {
  /// The command every node runs: node 6 prints another line and exits 3.
  static let command = "if ip -4 -o addr show eth0 | grep -q ' 10.78.0.16/'; then echo not this one; exit 3; fi; echo same everywhere; touch /tmp/howl-exec-$PPID-$(ip -4 -o addr show eth0 | cut -d' ' -f7 | cut -d/ -f1)"

  @Test func execRunsOnEveryNodeAndReportsEachFailureOnItsOwn() throws {
    let lab = try SSHLab(count: 8)

    // All answer alike: one block under the folded hostlist.
    let same = try lab.howl(["-c", "print(nodes[\"n[1-5]\"].exec(\"echo same everywhere\", timeout: 20s))"])
    #expect(same.status == 0, "\(same.output)")
    #expect(same.output == "---------------\nn[1-5] (5)\n---------------\nsame everywhere\n", "\(same.output)")

    // n4 down (its namespace gone), n5 hangs (sshd stopped), n7 refuses
    // (no sshd), n8 shows a host key that is not the cluster's, n6 exits 3.
    kill(try lab.sshd(4), SIGKILL)
    usleep(200_000)
    // Its address still resolves (the head's neighbour entry pinned, as a
    // switch's stale one would be), so it answers nothing: with the entry
    // left to expire, a fresh ARP failure said "No route to host" instead,
    // or not, by the timing of the neighbour cache.
    let mac = try run(["ip", "netns", "exec", "\(lab.head)-4", "cat", "/sys/class/net/eth0/address"]).output
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try run(["ip", "-n", lab.head, "neigh", "replace", "10.78.0.14", "lladdr", mac, "dev", "br0", "nud", "permanent"])
    try run(["ip", "netns", "del", "\(lab.head)-4"])
    kill(try lab.sshd(5), SIGSTOP)
    kill(try lab.sshd(7), SIGTERM)
    try lab.giveForeignHostKey(8)
    defer { kill((try? lab.sshd(5)) ?? 0, SIGCONT) }

    let started = Date()
    let mixed = try lab.howl(["-c", """
      let r = nodes.exec("\(Self.command)", fanout: 4, timeout: 5s)
      print(r)
      print(r.ok.hostlist, r.failed.hostlist, r.exit["n6"], r.exit["n5"], r.output["n6"])
      for x in r { if x.node == "n7" { print(x) } }
      """])
    let took = Date().timeIntervalSince(started)
    #expect(mixed.status == 0, "\(mixed.output)")
    let lines = mixed.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(Array(lines.prefix(9)) == [
      "---------------", "n[1-3] (3)", "---------------", "same everywhere",
      "---------------", "n6 (1)", "---------------", "not this one",
      "exit code 3: n6",
    ], "\(mixed.output)")
    // n4 gone and n5 stopped both answer nothing: folded, within the timeout.
    #expect(lines.contains("n[4-5]  error: no answer in 5 s"), "\(mixed.output)")
    #expect(lines.contains("n7      error: connect to host 10.78.0.17 port 22: Connection refused"), "\(mixed.output)")
    #expect(lines.contains("n8      error: Host key verification failed."), "\(mixed.output)")
    #expect(lines.contains("n[1-3] n[4-8] 3 nil not this one"), "\(mixed.output)")
    #expect(lines.contains { $0.hasPrefix("{node: \"n7\", ok: false, output: nil, exit: nil, error: \"connect to host") }, "\(mixed.output)")
    // Every node tried at once: the hang costs its timeout, not a stall.
    #expect(took < 20, "exec took \(took) s")

    // A script that ignores the failures fails (exit 1) after trying every node.
    try run(["sh", "-c", "rm -f /tmp/howl-exec-*"])
    let ignored = try lab.howl(["-c", "nodes.exec(\"\(Self.command)\", timeout: 5s)\nprint(\"after\")"])
    #expect(ignored.status == 1, "\(ignored.output)")
    #expect(ignored.output.contains("after"), "\(ignored.output)")
    #expect(ignored.output.contains("exec failed on 5 nodes"), "\(ignored.output)")
    #expect(ignored.output.contains("exec: n6 error: exit code 3"), "\(ignored.output)")
    let ran = try run(["sh", "-c", "ls /tmp/howl-exec-* 2>/dev/null | sed 's/.*-//' | sort | tr '\\n' ' '"]).output
    #expect(ran == "10.78.0.11 10.78.0.12 10.78.0.13 ", "\(ran)")
    try run(["sh", "-c", "rm -f /tmp/howl-exec-*"])
  }

  @Test func execNeedsTheClusterKeyAndACommand() throws {
    let lab = try SSHLab(count: 1)
    let empty = try lab.howl(["-c", "nodes.exec(\"  \")"])
    #expect(empty.status != 0 && empty.output.contains("exec() needs a command to run"), "\(empty.output)")
    try FileManager.default.removeItem(atPath: lab.root + "/etc/howl/keys/cluster_key")
    let keyless = try lab.howl(["-c", "nodes.exec(\"true\")"])
    #expect(keyless.status != 0 && keyless.output.contains("there is no cluster SSH key"), "\(keyless.output)")
  }
}
