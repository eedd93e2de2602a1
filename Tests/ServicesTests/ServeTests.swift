import Foundation
import Runtime
import Testing
@testable import Services

/// `howl serve` as a whole: real DHCP clients in a network namespace,
/// reload on commit, discovery, SIGTERM, `howl status`.
@Suite(.serialized) struct ServeTests {
  /// Runs udhcpc in the client namespace; returns the address it was offered, if any.
  func udhcpc(_ pair: VethPair, scratch: ScratchRoot) throws -> String? {
    let script = scratch.path + "/udhcpc.sh"
    try "#!/bin/sh\n[ \"$1\" = bound ] && echo \"LEASE ip=$ip mask=$subnet router=$router host=$hostname\" >> \(scratch.path)/udhcpc.out\nexit 0\n"
      .write(toFile: script, atomically: true, encoding: .utf8)
    chmod(script, 0o755)
    try? FileManager.default.removeItem(atPath: scratch.path + "/udhcpc.out")
    try run(["ip", "netns", "exec", pair.client, "busybox", "udhcpc", "-i", "vc0", "-n", "-q", "-t", "3", "-T", "1", "-s", script], timeout: 20)
    return try? String(contentsOfFile: scratch.path + "/udhcpc.out", encoding: .utf8)
  }

  @Test func udhcpcAndDhclientGetTheNodeLeaseAndUnknownMACsNone() throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let pair = try VethPair(clientMAC: Fixture.mac1)
    let server = try ServeProcess(root: scratch.path, arguments: ["--interface", "vs0", "--tftp-port", "16973", "--http-port", "19877"], netns: pair.server)
    defer { #expect(server.stop() == 0) }
    let lease = try udhcpc(pair, scratch: scratch)
    #expect(lease?.contains("LEASE ip=10.77.0.11 mask=255.255.255.0 router=10.77.0.254 host=n1") == true, "\(lease ?? "no lease")\n\(server.log)")
    let leases = scratch.path + "/dhclient.leases"
    let dhclient = try run(["ip", "netns", "exec", pair.client, "dhclient", "-1", "-v", "-sf", "/bin/true", "-lf", leases,
                            "-pf", scratch.path + "/dhclient.pid", "vc0"], timeout: 30)
    let leaseText = (try? String(contentsOfFile: leases, encoding: .utf8)) ?? ""
    #expect(leaseText.contains("fixed-address 10.77.0.11;"), "\(dhclient.output)")
    if let pid = try? String(contentsOfFile: scratch.path + "/dhclient.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
       let number = Int32(pid) {
      kill(number, SIGTERM)
    }
    try pair.setClientMAC("52:54:00:00:00:99")
    #expect(try udhcpc(pair, scratch: scratch) == nil)
    #expect(server.waitForLog("unknown MAC 52:54:00:00:00:99 denied"))
  }

  @Test func commitIsPickedUpWithoutRestartAndDiscoveryCommits() throws {
    let scratch = try ScratchRoot(state: Fixture.state(discoverable: true))
    let pair = try VethPair(clientMAC: "52:54:00:77:00:42")
    let server = try ServeProcess(root: scratch.path, arguments: ["--interface", "vs0", "--tftp-port", "16974", "--http-port", "19878"], netns: pair.server)
    defer { #expect(server.stop() == 0) }
    // Discovery: the unknown MAC becomes n2's, committed to nodes.conf.
    let lease = try udhcpc(pair, scratch: scratch)
    #expect(lease?.contains("ip=10.77.0.12") == true, "\(server.log)")
    let store = Store(root: scratch.path)
    let committed = try store.load()
    #expect(try committed.cluster.merged("n2").value(at: FieldPath("network devices", "default", "hwaddr"))?.stringValue == "52:54:00:77:00:42")
    // A commit from elsewhere: n3 appears; the running server serves it.
    var next = committed
    next.cluster.nodes["n3"] = Entity(fields: ["profiles": .strings(["default"]), "network devices": .map(["default": .map([
      "hwaddr": .string("52:54:00:77:00:13"), "ipaddr": .string("10.77.0.13")])])])
    _ = try store.commit(base: committed, state: next)
    #expect(server.waitForLog("reloaded: 3 nodes"))
    try pair.setClientMAC("52:54:00:77:00:13")
    #expect(try udhcpc(pair, scratch: scratch)?.contains("ip=10.77.0.13") == true, "\(server.log)")
  }

  @Test func sigtermStopsCleanlyAndStatusIsRecorded() throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16975", "--http-port", "19879"])
    #expect(try run(["curl", "-sS", "--max-time", "10", "-o", "/dev/null", "http://127.0.0.1:19879/kernel/52-54-00-77-00-11"]).status == 0)
    #expect(server.stop() == 0)
    #expect(server.log.contains("stopped"))
    var environment = ProcessInfo.processInfo.environment
    environment["HOWL_ROOT"] = scratch.path
    let status = try run([Fixture.howl, "status"], environment: environment)
    #expect(status.status == 0)
    let n1 = status.output.split(separator: "\n").first { $0.hasPrefix("n1") }.map(String.init) ?? ""
    #expect(n1.contains("kernel") && n1.contains("vmlinuz-6.1.0-10-amd64"), "\(status.output)")
    #expect(status.output.contains("n2") && status.output.contains("never"))
    // The port is free again.
    let again = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                 "--tftp-port", "16975", "--http-port", "19879"])
    #expect(again.stop() == 0)
  }
}
