import Foundation
import Testing

/// The node agent on a VM of the boot lab, left running through every
/// step (one boot): a busybox node whose init prints its runtime overlay
/// file `/etc/motd` on the serial console whenever it changes
/// (`Tests/Fixtures/bootlab/agent.howl`), with `server.secure` on and an
/// update interval of 3 s.
@Suite(.serialized, BootLabScope(cluster: "Tests/Fixtures/bootlab/agent.howl")) struct AgentVMTests {
  var lab: BootLab { BootLab.current! }

  @Test func theAgentOnAVMTakesRefreshesAndChangesByItselfAndResumesAfterARestart() throws {
    let vm = VirtualMachine(name: "a1", mac: "52:54:00:99:00:21", timeout: 240)
    let serialPath = lab.root + "/vm/a1.serial"
    let finished = DispatchSemaphore(value: 0)
    let lab = self.lab
    DispatchQueue.global().async {
      _ = vm.boot(in: lab, tap: "tap0")
      finished.signal()
    }
    func serial() -> String { (try? String(contentsOfFile: serialPath, encoding: .isoLatin1)) ?? "" }
    func waitForSerial(_ text: String, _ timeout: TimeInterval) -> Bool {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        if serial().contains(text) { return true }
        usleep(200_000)
      }
      return false
    }
    func howl(_ text: String) throws -> String {
      let environment = Fixture.environment(root: lab.root)
      let result = try run(["ip", "netns", "exec", lab.namespace, Fixture.howl, "-c", text], timeout: 60, environment: environment)
      guard result.status == 0 else { throw TestFailure("howl -c failed:\n\(result.output)") }
      return result.output
    }
    var restarted: ServeProcess?
    defer {
      _ = try? howl("overlays[\"motd\"].write(\"etc/motd\", \"stop\")\nnodes[\"a1\"].refresh(timeout: 10s)")
      _ = finished.wait(timeout: .now() + 60)
      restarted?.stop()
    }

    // Booted, and the agent applied the runtime overlay; an unprivileged port is refused (secure).
    #expect(waitForSerial("LAB: motd=v1", 150), "\(serial().suffix(3000))")
    #expect(waitForSerial("LAB: unprivileged=401", 10), "\(serial().suffix(2000))")

    // refresh(): applied, and the node shows the new file.
    let refreshed = try howl("overlays[\"motd\"].write(\"etc/motd\", \"v2\")\nprint(nodes[\"a1\"].refresh(timeout: 30s))")
    #expect(refreshed.contains("a1  applied (1 file changed)"), "\(refreshed)")
    #expect(waitForSerial("LAB: motd=v2", 10), "\(serial().suffix(2000))")

    // By itself, within one update interval (3 s), plus what a fetch and the
    // console loop take on an emulated CPU (TCG).
    _ = try howl("overlays[\"motd\"].write(\"etc/motd\", \"v3\")")
    let written = Date()
    #expect(waitForSerial("LAB: motd=v3", 12), "\(serial().suffix(2000))")
    print("AgentVMTests: v3 on the console \(String(format: "%.1f", Date().timeIntervalSince(written))) s after it was written")

    // howl serve stopped and started again: the agent resumes.
    #expect(lab.serve?.stop() == 0)
    _ = try howl("overlays[\"motd\"].write(\"etc/motd\", \"v4\")")
    sleep(4)
    #expect(!serial().contains("LAB: motd=v4"))
    restarted = try ServeProcess(root: lab.root, arguments: ["--interface", "br0"], netns: lab.namespace)
    #expect(waitForSerial("LAB: motd=v4", 30), "\(serial().suffix(2000))")
  }
}
