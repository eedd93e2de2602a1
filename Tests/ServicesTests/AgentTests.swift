import Foundation
import Testing

/// Howl's node agent (stock overlay `howl-agent`) against `howl serve`,
/// node and server in network namespaces of their own; curl and openssl
/// on the node are the attacker where one is needed.
@Suite(.serialized) struct AgentTests {
  @Test func theAgentKeepsTheRuntimeOverlayCurrentRefreshesOnAskingAndResumesAfterARestart() throws {
    let lab = try AgentLab()
    try lab.bootNode()
    try FileManager.default.createDirectory(atPath: lab.node + "/etc", withIntermediateDirectories: true)
    try "the node's own\n".write(toFile: lab.node + "/etc/local", atomically: true, encoding: .utf8)
    try lab.startAgent()
    #expect(lab.waitFor(20) { lab.nodeFile("etc/motd") == "v1 for n1\n" }, "\(lab.agentOutput)\n\(lab.serve?.log ?? "")")
    let key = try #require(lab.serverKey)

    // Reported: `howl status` and the nodes table show the refresh; the boot
    // stage stays that of the boot (its last boot request, the system overlay).
    var status = ""
    let reported = lab.waitFor(15) {
      status = (try? lab.howl(["status"])) ?? ""
      let row = status.split(separator: "\n").first { $0.hasPrefix("n1 ") } ?? ""
      return row.contains("system") && row.hasSuffix("s ago") && !row.hasSuffix("-")
    }
    #expect(reported, "\(status)")
    let table = try lab.howl(["-c", "print(nodes)"])
    #expect(table.contains("RUNTIME"), "\(table)")
    #expect(table.split(separator: "\n").contains { $0.hasPrefix("n1 ") && $0.contains("system, ") && $0.hasSuffix(" ago") }, "\(table)")

    // refresh(): applied on every node asked, at once; n2 has no agent and times out.
    let refreshed = try lab.howl(["-c", """
      overlays["motd"].write("etc/motd.ww", "v2 for {{.Id}}\\n")
      let r = nodes["n[1-2]"].refresh(timeout: 3s)
      print(r)
      print(r.ok.names, r.failed.names)
      """])
    #expect(refreshed.contains("n1  applied (1 file changed)"), "\(refreshed)\n\(lab.agentOutput)")
    #expect(refreshed.contains("n2  error: no report from the agent in 3 s"), "\(refreshed)")
    #expect(refreshed.contains("[\"n1\"] [\"n2\"]"), "\(refreshed)")
    #expect(lab.nodeFile("etc/motd") == "v2 for n1\n")

    // By itself within one update interval (2 s here).
    try lab.howl(["-c", "overlays[\"motd\"].write(\"etc/motd.ww\", \"v3 for {{.Id}}\\n\")"])
    #expect(lab.waitFor(6) { lab.nodeFile("etc/motd") == "v3 for n1\n" }, "\(lab.agentOutput)")

    // SIGHUP: at once.
    try lab.howl(["-c", "overlays[\"motd\"].write(\"etc/motd.ww\", \"v4 for {{.Id}}\\n\")"])
    kill(lab.agent!.processIdentifier, SIGHUP)
    #expect(lab.waitFor(3) { lab.nodeFile("etc/motd") == "v4 for n1\n" }, "\(lab.agentOutput)")

    // howl serve stopped and started again: the agent waits, then resumes with the same key.
    #expect(lab.serve?.stop() == 0)
    try lab.howl(["-c", "overlays[\"motd\"].write(\"etc/motd.ww\", \"v5 for {{.Id}}\\n\")"])
    sleep(3)
    #expect(lab.nodeFile("etc/motd") == "v4 for n1\n")
    try lab.startServe()
    #expect(lab.waitFor(20) { lab.nodeFile("etc/motd") == "v5 for n1\n" }, "\(lab.agentOutput)")

    // Nothing deleted; the agent still runs.
    #expect(lab.nodeFile("etc/local") == "the node's own\n")
    #expect(lab.agent?.isRunning == true)
    #expect(!lab.agentOutput.contains(key), "the agent never prints its key")
    let serverLog = lab.serve?.log ?? ""
    #expect(!serverLog.contains(key), "the server never logs a key")
  }

  @Test func nodeACannotGetNodeBsRuntimeOverlayNorItsKeyNorReplayARequest() throws {
    let lab = try AgentLab()
    try lab.bootNode()
    try lab.startAgent()
    #expect(lab.waitFor(20) { lab.nodeFile("etc/motd") == "v1 for n1\n" }, "\(lab.agentOutput)")
    let key = try #require(lab.serverKey)
    let keyFile = try FileManager.default.attributesOfItem(atPath: lab.root + "/var/lib/howl/agent/keys/n1")
    #expect((keyFile[.posixPermissions] as? Int) == 0o600)

    func curl(_ path: String, _ extra: [String] = []) throws -> String {
      try lab.onNode(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"] + extra + ["http://10.77.0.1:9873" + path]).output
    }
    func signed(_ path: String, time: Int, sequence: Int, key: String) throws -> [String] {
      let message = "\(path)\n\(time)\n\(sequence)"
      let hmac = try lab.onNode(["sh", "-c", "printf '%s' \"$1\" | openssl dgst -sha256 -mac HMAC -macopt hexkey:\(key) | sed 's/.*= //'", "-", message])
        .output.trimmingCharacters(in: .whitespacesAndNewlines)
      return ["-H", "X-Howl-Time: \(time)", "-H", "X-Howl-Seq: \(sequence)", "-H", "X-Howl-Signature: \(hmac)"]
    }
    let b = "/runtime/\(AgentLab.mac2)?compress=gz"
    let a = "/runtime/\(AgentLab.mac1)?compress=gz"
    // Root on node A, with and without a privileged port, unsigned or signed with A's own key.
    #expect(try curl(b) == "401")
    #expect(try curl(b, ["--local-port", "900-950"]) == "401")
    #expect(try curl(b, ["--local-port", "900-950"] + signed(b, time: Int(Date().timeIntervalSince1970), sequence: 1_000_000, key: key)) == "401")
    #expect(lab.serve?.log.contains("refused: no key was handed out to it") == true || lab.serve?.log.contains("wrong signature") == true)
    // B's key: not to A's address, and A's own not a second time this boot.
    #expect(try curl("/agent/key/\(AgentLab.mac2)") == "403")
    #expect(try curl("/agent/key/\(AgentLab.mac1)") == "409")
    #expect(lab.serve?.waitForLog("agent key conflict for n1: second request from 10.77.0.11") == true)
    // Neither system overlay holds the key.
    for mac in [AgentLab.mac1, AgentLab.mac2] {
      let overlay = try lab.onNode(["sh", "-c", "curl -sf 'http://10.77.0.1:9873/system/\(mac)?compress=gz' | gzip -dc"]).output
      #expect(overlay.contains("howl-agent"), "the system overlay was fetched")
      #expect(!overlay.contains(key))
    }
    // A's own request, signed right: served once; replayed, refused; a stale time stamp, refused.
    let now = Int(Date().timeIntervalSince1970)
    let good = try signed(a, time: now, sequence: 2_000_000, key: key)
    #expect(try curl(a, ["--local-port", "900-950"] + good) == "200")
    #expect(try curl(a, ["--local-port", "951-999"] + good) == "401")
    #expect(lab.serve?.log.contains("refused: replayed") == true)
    #expect(try curl(a, ["--local-port", "900-950"] + signed(a, time: now - 300, sequence: 2_000_001, key: key)) == "401")
    #expect(lab.serve?.log.contains("refused: stale time stamp") == true)
    // Signed right but from an unprivileged port: refused in secure mode.
    #expect(try curl(a, signed(a, time: now, sequence: 2_000_002, key: key)) == "401")
  }

  @Test func theAgentRunsOnAFullDistributionsUserlandToo() throws {
    let lab = try AgentLab()
    try lab.bootNode()
    let once = try lab.onNode(Array(lab.agentArguments(once: true, userland: "/usr/bin:/bin", shell: ["dash"]).dropFirst(4)), timeout: 30)
    #expect(once.status == 0, "\(once.output)")
    #expect(lab.nodeFile("etc/motd") == "v1 for n1\n")
    #expect(lab.serve?.waitForLog("agent n1 applied runtime overlay") == true)
  }

  @Test func aRuntimeOverlayCutShortOrCorruptChangesNothing() throws {
    let lab = try AgentLab()
    try lab.bootNode()
    let once = try lab.onNode(Array(lab.agentArguments(once: true).dropFirst(4)), timeout: 30)
    #expect(once.status == 0 && lab.nodeFile("etc/motd") == "v1 for n1\n", "\(once.output)")
    // A new overlay, built; then a stand-in server sends half of it, or all of it with another digest.
    try lab.howl(["-c", "overlays[\"motd\"].write(\"etc/motd.ww\", \"v2 for {{.Id}}, a longer text\\n\")\noverlays.build(nodes, complete: true)"])
    let cut = try standIn(lab: lab, mode: "cut")
    #expect(cut.status == 1 && cut.output.contains("cut short"), "\(cut.output)")
    #expect(lab.nodeFile("etc/motd") == "v1 for n1\n")
    let corrupt = try standIn(lab: lab, mode: "corrupt")
    #expect(corrupt.status == 1 && corrupt.output.contains("corrupt"), "\(corrupt.output)")
    #expect(lab.nodeFile("etc/motd") == "v1 for n1\n")
    let whole = try standIn(lab: lab, mode: "whole")
    #expect(whole.status == 0, "\(whole.output)")
    #expect(lab.nodeFile("etc/motd") == "v2 for n1, a longer text\n", "the stand-in serves the real overlay")
  }

  /// Runs the agent once against a stand-in server on n1's loopback that
  /// answers with n1's built runtime overlay: half of it (`cut`), all of it
  /// under another digest (`corrupt`), or all of it (`whole`).
  private func standIn(lab: AgentLab, mode: String) throws -> (status: Int32, output: String) {
    let body = lab.root + "/var/lib/howl/provision/overlays/n1/__RUNTIME__.img.gz"
    let script = lab.root + "/standin.py"
    try """
      import hashlib, socket, sys
      data = open(sys.argv[1], 'rb').read()
      mode = sys.argv[2]
      digest = hashlib.sha256(data + (b'x' if mode == 'corrupt' else b'')).hexdigest()
      sent = data[:len(data) // 2] if mode == 'cut' else data
      s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.bind(('127.0.0.1', 19999)); s.listen(1)
      c, _ = s.accept(); c.recv(65536)
      head = 'HTTP/1.1 200 OK\\r\\nContent-Length: %d\\r\\nX-Howl-SHA256: %s\\r\\nConnection: close\\r\\n\\r\\n' % (len(data), digest)
      c.sendall(head.encode() + sent)
      c.close()
      """.write(toFile: script, atomically: true, encoding: .utf8)
    let conf = lab.root + "/standin.conf"
    try "HOWL_SERVER=127.0.0.1\nHOWL_PORT=19999\nHOWL_INTERVAL=2\nHOWL_SECURE=true\n".write(toFile: conf, atomically: true, encoding: .utf8)
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
    server.arguments = ["netns", "exec", lab.pair.client, "python3", script, body, mode]
    try server.run()
    defer { if server.isRunning { server.terminate() } }
    usleep(500_000)
    return try lab.onNode(Array(lab.agentArguments(once: true, conf: conf).dropFirst(4)), timeout: 30)
  }
}
