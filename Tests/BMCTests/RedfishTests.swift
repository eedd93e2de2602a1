import Foundation
import Testing

/// `node.power`, `boot_once` and `sensors()` on nodes whose
/// `ipmi.tags.protocol` is `redfish`, against sushy-tools' emulator behind
/// HTTPS with a self-signed certificate, through the built `howl`. Each
/// test's emulators listen on their own loopback addresses (127.0.T.N).
@Suite(.serialized)
struct RedfishTests {
  static let port = 20000 + Int(getpid() % 20000)

  /// A cluster of Redfish nodes `hostlist` with BMCs from 127.0.`net`.1 on; `verify` as the profile's tag.
  func cluster(_ hostlist: String, net: Int, root: String, verify: String? = "false", password: String = "s3cret") throws {
    let r = try Run.howl("""
      profiles["default"].ipmi.username = "admin"
      profiles["default"].ipmi.password = "\(password)"
      profiles["default"].ipmi.port = "\(Self.port)"
      profiles["default"].ipmi.tags.protocol = "redfish"
      \(verify.map { "profiles[\"default\"].ipmi.tags.verify = \"\($0)\"" } ?? "")
      nodes.add("\(hostlist)", ipmi_ipaddr: 127.0.\(net).1)
      """, root: root)
    guard r.status == 0 else { throw TestFailure("setting up the cluster failed: \(r.errors)") }
  }

  /// Waits in the script until the fake driver applies a power change (it takes 1 to 11 s).
  func awaitState(_ state: String) -> String {
    """
    let tries = 0
    while node.power.status() != "\(state)" and tries < 100 { sh("sleep 0.2"); tries += 1 }
    print(node.power.status())
    """
  }

  @Test func powerActionsAndTheBootOverrideReachTheSystem() throws {
    let scratch = try Scratch()
    let bmc = try RedfishEmulator(address: "127.0.101.1", port: Self.port, in: scratch.path)
    try cluster("n1", net: 101, root: scratch.path)
    let r = try Run.howl("""
      use node "n1"
      print(node.power.status())
      node.power.on()
      \(awaitState("on"))
      node.power.off()
      \(awaitState("off"))
      node.power.cycle()
      node.power.reset()
      node.power.soft()
      node.boot_once("pxe")
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output == "off\non\noff\n", "\(r.output)")
    // The emulator offers no PowerCycle, so a cycle is a ForceRestart.
    #expect(bmc.resets == ["On", "ForceOff", "ForceRestart", "ForceRestart", "GracefulShutdown"], "\(bmc.resets)")
    #expect(bmc.bootDevices == ["Pxe"])
    let boot = try bmc.get("/redfish/v1/Systems/\(bmc.systems[0])")["Boot"] as? [String: Any]
    #expect(boot?["BootSourceOverrideTarget"] as? String == "Pxe", "\(String(describing: boot))")
    #expect(try Run.howl("nodes[\"n1\"].boot_once(\"disk\", persistent: true)", root: scratch.path).status == 0)
    #expect(bmc.bootDevices == ["Pxe", "Hdd"])
  }

  @Test func sensorsComeFromTheChassisThermalResource() throws {
    let scratch = try Scratch()
    let bmc = try RedfishEmulator(address: "127.0.102.1", port: Self.port, in: scratch.path)
    try cluster("n1", net: 102, root: scratch.path)
    let r = try Run.howl("""
      print(nodes["n1"].sensors())
      for s in nodes["n1"].sensors() { if s.unit == "RPM" { print(s.name, s.value, s.status) } }
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output == """
      SENSOR                       VALUE  UNIT       STATUS
      CPU Temp                     41     degrees C  ok
      Chassis Intake Temp          25     degrees C  ok
      BaseBoard System Fan         2100   RPM        ok
      BaseBoard System Fan Backup  2050   RPM        ok
      BaseBoard System Fan 2100 ok
      BaseBoard System Fan Backup 2050 ok

      """, "\(r.output)")
    withExtendedLifetime(bmc) {}
  }

  @Test func aSelfSignedCertificateIsRefusedUnlessTheNodeAcceptsIt() throws {
    let scratch = try Scratch()
    let bmc = try RedfishEmulator(address: "127.0.103.1", port: Self.port, in: scratch.path)
    try cluster("n1", net: 103, root: scratch.path, verify: nil)
    var r = try Run.howl("print(nodes[\"n1\"].power.status())", root: scratch.path)
    #expect(r.status == 1)
    #expect(r.errors.contains("n1: power status failed: BMC 127.0.103.1:\(Self.port): certificate refused (self-signed, or from an authority this machine does not trust); ipmi.tags.cacert names the authority that signed it, or ipmi.tags.verify = \"false\" accepts it"), "\(r.errors)")
    r = try Run.howl("nodes[\"n1\"].ipmi.tags.verify = \"false\"\nprint(nodes[\"n1\"].power.status())", root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output == "off\n")
    #expect(bmc.resets.isEmpty)
  }

  @Test func aCertificateIsVerifiedAgainstTheSitesAuthority() throws {
    let scratch = try Scratch()
    let bmc = try RedfishEmulator(address: "127.0.107.1", port: Self.port, in: scratch.path, signedByAuthority: true)
    let stranger = try RedfishEmulator(address: "127.0.107.2", port: Self.port, in: scratch.path, signedByAuthority: true)
    try cluster("n[1-2]", net: 107, root: scratch.path, verify: nil)
    var r = try Run.howl("""
      nodes["n[1-2]"].ipmi.tags.cacert = "\(bmc.authority)"
      print(nodes["n[1-2]"].power.status())
      print(nodes["n1"].power.command("status"))
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    // n1 has the authority of its BMC's certificate; n2's BMC has another authority's.
    #expect(r.output == """
      n1  off
      n2  error: BMC 127.0.107.2:\(Self.port): certificate refused (not from an authority in \(bmc.authority))
      GET https://127.0.107.1:\(Self.port)/redfish/v1/Systems/{the one in /redfish/v1/Systems} PowerState as admin (password ********), certificate verified against \(bmc.authority)

      """, "\(r.output)")
    r = try Run.howl("""
      nodes["n1"].ipmi.tags.verify = "false"
      print(nodes["n1"].power.status())
      """, root: scratch.path)
    #expect(r.status == 1)
    #expect(r.errors.contains("ipmi.tags.cacert names authorities to verify against and ipmi.tags.verify = \"false\" turns verification off: keep one"), "\(r.errors)")
    r = try Run.howl("""
      nodes["n1"].ipmi.tags.verify = "true"
      nodes["n1"].ipmi.tags.cacert = "etc/ca.pem"
      print(nodes["n1"].power.status())
      """, root: scratch.path)
    #expect(r.errors.contains("ipmi.tags.cacert is a file's full path, not \"etc/ca.pem\""), "\(r.errors)")
    #expect(bmc.resets.isEmpty && stranger.resets.isEmpty)
  }

  @Test func eachNodesFailureIsItsOwnAndThePasswordIsNeverPrinted() throws {
    let scratch = try Scratch()
    let good = try RedfishEmulator(address: "127.0.104.1", port: Self.port, in: scratch.path)
    let other = try RedfishEmulator(address: "127.0.104.2", port: Self.port, in: scratch.path, password: "other")
    let silent = try SilentTCPServer(address: "127.0.104.4", port: Self.port)
    // n3 (127.0.104.3) has nothing listening.
    try cluster("n[1-4]", net: 104, root: scratch.path)
    let started = Date()
    let r = try Run.howl("""
      let r = nodes.power.on(timeout: 2s)
      print(r)
      print(r.failed.names, r.ok.hostlist)
      """, root: scratch.path)
    #expect(Date().timeIntervalSince(started) < 2 + 5, "the silent BMC held up the rest")
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output == """
      n1  on
      n2  error: BMC 127.0.104.2:\(Self.port) refused the session (wrong user name or password): HTTP 401 Unauthorized
      n3  error: BMC 127.0.104.3:\(Self.port): connection refused
      n4  error: BMC 127.0.104.4:\(Self.port) did not answer in 2 s
      ["n2", "n3", "n4"] n1

      """, "\(r.output)")
    #expect(good.resets == ["On"] && other.resets.isEmpty)
    let shown = try Run.howl("print(nodes[\"n1\"].power.command(\"on\"))\nprint(nodes[\"n1\"].power.command(\"status\"))", root: scratch.path)
    #expect(shown.output == """
      POST https://127.0.104.1:\(Self.port)/redfish/v1/Systems/{the one in /redfish/v1/Systems}/Actions/ComputerSystem.Reset {"ResetType":"On"} as admin (password ********), certificate not verified
      GET https://127.0.104.1:\(Self.port)/redfish/v1/Systems/{the one in /redfish/v1/Systems} PowerState as admin (password ********), certificate not verified

      """, "\(shown.output) \(shown.errors)")
    #expect(!(r.output + r.errors + shown.output + shown.errors).contains("s3cret"))
    withExtendedLifetime(silent) {}
  }

  @Test func aNamedSystemIsUsedAndSeveralUnnamedOnesAreAnError() throws {
    let scratch = try Scratch()
    let bmc = try RedfishEmulator(address: "127.0.105.1", port: Self.port, in: scratch.path, systems: 2)
    try cluster("n1", net: 105, root: scratch.path)
    var r = try Run.howl("print(nodes[\"n1\"].power.status())", root: scratch.path)
    #expect(r.status == 1)
    #expect(r.errors.contains("BMC 127.0.105.1:\(Self.port) has 2 systems (/redfish/v1/Systems/\(bmc.systems[0]), /redfish/v1/Systems/\(bmc.systems[1])): name one with ipmi.tags.system"), "\(r.errors)")
    r = try Run.howl("nodes[\"n1\"].ipmi.tags.system = \"\(bmc.systems[1])\"\nnodes[\"n1\"].power.on()", root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(bmc.resets == ["On"])
    #expect(bmc.logged("POST ").first?.contains("/redfish/v1/Systems/\(bmc.systems[1])/Actions") == true)
  }

  @Test func anUnknownProtocolAndAConsoleOverRedfishAreClearErrors() throws {
    let scratch = try Scratch()
    try cluster("n[1-2]", net: 106, root: scratch.path)
    var r = try Run.howl("nodes[\"n2\"].ipmi.tags.protocol = \"smash\"\nprint(nodes.power.status())", root: scratch.path)
    #expect(r.output.contains("n2  error: ipmi.tags.protocol is \"ipmi\" or \"redfish\", not \"smash\""), "\(r.output) \(r.errors)")
    r = try Run.howl("nodes[\"n1\"].console()", root: scratch.path)
    #expect(r.status == 1)
    #expect(r.errors.contains("n1's BMC is reached through Redfish, which has no standard serial console"), "\(r.errors)")
  }
}

/// A TCP port that takes connections and never answers: a BMC whose web
/// server hangs.
final class SilentTCPServer {
  private let fd: Int32

  init(address: String, port: Int) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var socketAddress = sockaddr_in()
    socketAddress.sin_family = sa_family_t(AF_INET)
    socketAddress.sin_addr.s_addr = inet_addr(address)
    socketAddress.sin_port = UInt16(port).bigEndian
    let bound = withUnsafePointer(to: &socketAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard bound == 0, listen(fd, 16) == 0 else { throw TestFailure("bind or listen failed") }
  }

  deinit { close(fd) }
}
