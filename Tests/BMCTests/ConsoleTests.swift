import Foundation
import Testing
@testable import BMC
import Remote

/// `node.console()` from the REPL on a terminal (tmux): Serial-over-LAN
/// through ipmitool to a simulated BMC whose serial line is a node console
/// (Tests/Fixtures/bmc/serial-console.py on a pseudo-terminal); typing
/// reaches the node, `~.` returns to the Howl prompt with the terminal as it was.
@Suite(.serialized)
struct ConsoleTests {
  /// A terminal program in a tmux session of its own. tmux runs with no
  /// signals blocked (the test process blocks most, and a tmux client
  /// waits for a signal from its server).
  final class Tmux {
    let socket: String
    init(_ command: String, scratch: Scratch) throws {
      socket = scratch.path + "/tmux.socket"
      // Its output to /dev/null: the server keeps the descriptors it starts with.
      let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
      defer { close(null) }
      let line = "exec /usr/bin/tmux -S \(socket) -f /dev/null new-session -d -x 120 -y 40 \(ShellQuote.quote(command))"
      _ = ShellSpawn.wait(try ShellSpawn.start(line, ownGroup: true, defaults: [SIGINT, SIGTERM, SIGCHLD, SIGUSR1], output: null))
    }
    @discardableResult
    func tmux(_ arguments: String) throws -> String {
      try TimedCommand.run("/usr/bin/tmux -S \(socket) " + arguments, timeout: 10).output
    }
    func send(_ keys: String) throws { try tmux("send-keys -l " + ShellQuote.quote(keys)) }
    func enter() throws { try tmux("send-keys Enter") }
    var screen: String { (try? tmux("capture-pane -p -S -100")) ?? "" }
    /// Waits up to 10 s for the screen, after the text `after` last shows, to contain `text`.
    func wait(for text: String, after: String? = nil) -> Bool {
      for _ in 0..<100 {
        var s = screen
        if let after, let r = s.range(of: after, options: .backwards) { s = String(s[r.upperBound...]) }
        if s.contains(text) { return true }
        Thread.sleep(forTimeInterval: 0.1)
      }
      return false
    }
    deinit { _ = try? tmux("kill-server") }
  }

  @Test func theConsoleReachesTheNodeAndTildeDotReturnsToHowl() throws {
    let scratch = try Scratch()
    let serial = try ShellSpawn.start("exec \(SimulatedBMC.fixtures)/serial-console.py \(scratch.path)/pty", ownGroup: true, defaults: [SIGTERM])
    defer {
      kill(serial, SIGKILL)
      _ = ShellSpawn.wait(serial)
    }
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: scratch.path + "/pty") { Thread.sleep(forTimeInterval: 0.1) }
    let device = try String(contentsOfFile: scratch.path + "/pty", encoding: .utf8)
    let bmc = try SimulatedBMC(node: "n1", address: "127.0.11.1", port: PowerTests.port, in: scratch.path, sol: device)
    try bmc.waitUntilReady()
    let setup = try Run.howl("""
      profiles["default"].ipmi.username = "admin"
      profiles["default"].ipmi.password = "s3cret"
      profiles["default"].ipmi.interface = "lanplus"
      profiles["default"].ipmi.port = "\(PowerTests.port)"
      profiles["default"].ipmi.tags.cipher = "3"
      nodes.add("n1", ipmi_ipaddr: 127.0.11.1)
      """, root: scratch.path)
    #expect(setup.status == 0, "\(setup.errors)")

    let howl = try Tmux("env HOME=\(scratch.path) HOWL_ROOT=\(scratch.path) HOWL_HISTORY=\(scratch.path)/history NO_COLOR=1 TERM=xterm \(Run.howl); sleep 60",
                        scratch: scratch)
    #expect(howl.wait(for: "howl>"), "\(howl.screen)")
    try howl.send("nodes[\"n1\"].console()")
    try howl.enter()
    #expect(howl.wait(for: "SOL Session operational"), "\(howl.screen)")
    try howl.send("hello node")
    try howl.enter()
    #expect(howl.wait(for: "[HELLO NODE]"), "\(howl.screen)")
    try howl.send("~.")
    #expect(howl.wait(for: "howl>", after: "[HELLO NODE]"), "\(howl.screen)")
    // The terminal is Howl's again: a line typed now is echoed and evaluated.
    try howl.send("print(40 + 2)")
    try howl.enter()
    #expect(howl.wait(for: "42", after: "print(40 + 2)"), "\(howl.screen)")
    withExtendedLifetime(bmc) {}
  }
}
