import Foundation
import Testing

/// `node.ssh()` in the REPL on a real terminal (tmux): a root shell on the
/// node (a real sshd in a network namespace, `scripts/lab/ssh-nodes`, with
/// the host keys and authorized keys of the cluster's overlays), and the
/// REPL back as it was when the shell exits.
@Suite(.serialized)
struct NodeShellScreenTests {
  @Test func sshOpensAShellOnTheNodeAndGivesTheTerminalBack() throws {
    let home = try ScratchDirectory()
    let head = "howlsh\(getpid() % 100_000)"
    let script = HowlProgram.packageRoot.appendingPathComponent("scripts/lab/ssh-nodes").path
    let made = try HowlProgram.piped("", home: home, arguments: ["-c", """
      nodes.add("n1", ipaddr: 10.78.0.11)
      overlays.build(complete: true)
      """], timeout: 60)
    #expect(made.status == 0, "\(made.output)\(made.errors)")
    let up = try Shell.run([script, "up", head, "1", home.path + "/lab"], timeout: 300, environment: HowlProgram.environment(home: home))
    defer { _ = try? Shell.run([script, "down", head, "1", home.path + "/lab"], environment: HowlProgram.environment(home: home)) }
    #expect(up.status == 0, "\(up)")

    let screen = try TmuxScreen(home: home, launcher: ["/usr/sbin/ip", "netns", "exec", head])
    try screen.waitForLastLine("howl> ")
    try screen.type("nodes[\"n1\"].ssh()")
    try screen.press("Enter")
    try screen.type("echo \"on $(ip -4 -o addr show eth0 | cut -d' ' -f7)\" $(tty | cut -c1-8)")
    try screen.press("Enter")
    // The node's own address, on a terminal of its own (a pty sshd made).
    try screen.wait(for: "the node's shell", timeout: 30) { $0.contains("on 10.78.0.11/24 /dev/pts") }
    try screen.type("exit")
    try screen.press("Enter")
    try screen.waitForLastLine("howl> ", timeout: 15)
    // The REPL edits lines again: echo, the cursor, the answer.
    #expect(try screen.enter("6 * 7", prompt: "howl> ") == ["42"])
  }
}
