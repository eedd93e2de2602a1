import Foundation
import Testing

/// `node.power`, `boot_once` and the fanout against real simulated BMCs
/// (`ipmi_sim`) on loopback, through the built `howl`: Howl's own IPMI
/// client for the stock template, ipmitool for a site's own. Each test's
/// BMCs listen on their own loopback addresses (127.0.T.N), numbered by
/// `nodes.add(…, ipmi_ipaddr:)`, on one port for this process.
@Suite(.serialized)
struct PowerTests {
  static let port = 20000 + Int(getpid() % 20000)

  /// BMCs for nodes `names` at 127.0.`net`.1, .2, …
  func bmcs(_ names: [String], net: Int, scratch: Scratch, passwords: [String: String] = [:]) throws -> [SimulatedBMC] {
    let bmcs = try names.enumerated().map { i, name in
      try SimulatedBMC(node: name, address: "127.0.\(net).\(i + 1)", port: Self.port, in: scratch.path, password: passwords[name] ?? "s3cret")
    }
    for bmc in bmcs { try bmc.waitUntilReady() }
    return bmcs
  }

  /// A cluster of nodes `hostlist` with BMCs from 127.0.`net`.1 on (lanplus, cipher suite 3, unless `interface`).
  func cluster(_ hostlist: String, net: Int, root: String, interface: String = "lanplus", password: String = "s3cret") throws {
    let r = try Run.howl("""
      profiles["default"].ipmi.username = "admin"
      profiles["default"].ipmi.password = "\(password)"
      profiles["default"].ipmi.interface = "\(interface)"
      profiles["default"].ipmi.port = "\(Self.port)"
      profiles["default"].ipmi.tags.cipher = "3"
      nodes.add("\(hostlist)", ipmi_ipaddr: 127.0.\(net).1)
      """, root: root)
    guard r.status == 0 else { throw TestFailure("setting up the cluster failed: \(r.errors)") }
  }

  @Test(arguments: ["lanplus", "lan"])
  func powerActionsReachTheBMC(interface: String) throws {
    let scratch = try Scratch()
    let net = interface == "lan" ? 2 : 1
    let bmc = try bmcs(["n1"], net: net, scratch: scratch)[0]
    try cluster("n1", net: net, root: scratch.path, interface: interface)
    let r = try Run.howl("""
      use node "n1"
      print(node.power.status())
      node.power.on()
      print(node.power.status())
      node.power.off()
      print(node.power.status())
      node.power.cycle()
      node.power.reset()
      node.power.soft()
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output == "off\non\noff\n")
    // The chassis saw the requests in order: on, off, then cycle, reset and soft.
    let log = try String(contentsOfFile: bmc.directory + "/chassis/log", encoding: .utf8)
    let requests = log.split(separator: "\n").map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
    #expect(Array(requests.prefix(2)) == ["power 1", "power 0"], "\(requests)")
    #expect(requests.count >= 4, "\(requests)")
  }

  @Test func bootOnceSetsTheNextBootDevice() throws {
    let scratch = try Scratch()
    let bmc = try SimulatedBMC(node: "n1", address: "127.0.3.1", port: Self.port, in: scratch.path, debug: true)
    try bmc.waitUntilReady()
    try cluster("n1", net: 3, root: scratch.path)
    var r = try Run.howl("nodes[\"n1\"].boot_once(\"pxe\")", root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(bmc.chassis("boot") == "pxe")
    #expect(try bmc.ipmitool(["chassis", "bootparam", "get", "5"]).contains("Boot Device Selector : Force PXE"))
    // ipmi_sim keeps the device but answers the flags byte as 0 whatever was
    // set, so the persistent bit is read where the BMC received it: over
    // IPMI 1.5, which is not encrypted, Set System Boot Options (08)
    // parameter 5 with data 1 = c0 (valid, every boot) and the disk (08).
    r = try Run.howl("""
      nodes["n1"].ipmi.interface = "lan"
      nodes["n1"].boot_once("disk", persistent: true)
      nodes["n1"].boot_once("pxe")
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(bmc.chassis("boot") == "pxe")
    let bootFlags = bmc.received.compactMap { line -> String? in
      guard line.contains(" 20 00 e0 81 "), let start = line.range(of: " 08 05 ") else { return nil }
      return String(line[start.lowerBound...].prefix(21))
    }
    #expect(bootFlags == [" 08 05 c0 08 00 00 00", " 08 05 80 04 00 00 00"], "\(bmc.received)")
    #expect(try bmc.ipmitool(["chassis", "bootparam", "get", "5"]).contains("Boot Device Selector : Force PXE"))
  }

  @Test(arguments: ["lanplus", "lan"])
  func aSetPrintsFoldedByOutcomeAndAWrongPasswordIsOneNodesError(interface: String) throws {
    let scratch = try Scratch()
    let net = interface == "lan" ? 12 : 4
    let all = try bmcs(["n1", "n2", "n3", "n4"], net: net, scratch: scratch, passwords: ["n4": "other"])
    try cluster("n[1-4]", net: net, root: scratch.path, interface: interface)
    let r = try Run.howl("""
      let r = nodes.power.on(timeout: 3s)
      print(r)
      print(r.failed.names, r.ok.hostlist)
      for rec in r { if not rec.ok { print(rec.node, rec.error) } }
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    let lines = r.output.split(separator: "\n").map(String.init)
    #expect(lines.first == "n[1-3]  on", "\(r.output)")
    #expect(lines.dropFirst().first?.hasPrefix("n4      error: BMC 127.0.\(net).4:\(Self.port) refused the session (wrong user name or password, or interface \(interface) not offered)") == true, "\(r.output)")
    #expect(lines.dropFirst(2).first == "[\"n4\"] n[1-3]", "\(r.output)")
    #expect(!r.output.contains("s3cret") && !r.errors.contains("s3cret"))
    #expect(all.prefix(3).allSatisfy { $0.chassis("power") == "1" } && all[3].chassis("power") == nil)
    // `use nodes` selects a set; one node's failure fails the script at its line.
    let set = try Run.howl("use nodes \"n[1-3]\"\nprint(node.power.status())", root: scratch.path)
    #expect(set.output == "n[1-3]  on\n", "\(set.errors)")
    let one = try Run.howl("print(nodes[\"n4\"].power.status(timeout: 3s))", root: scratch.path)
    #expect(one.status == 1)
    #expect(one.errors.contains(":1:7: error: n4: power status failed: BMC 127.0.\(net).4:\(Self.port) refused the session"), "\(one.errors)")
  }

  @Test func unhandledFailuresFailTheScriptAfterEveryNodeWasTried() throws {
    let scratch = try Scratch()
    let good = try bmcs(["n1"], net: 5, scratch: scratch)[0]
    let silent = try SilentBMC(address: "127.0.5.2", port: Self.port)
    try cluster("n[1-2]", net: 5, root: scratch.path)
    let r = try Run.howl("""
      nodes.power.on(timeout: 1s)
      print("after")
      """, root: scratch.path)
    #expect(r.status == 1)
    #expect(r.output == "after\n")
    #expect(r.errors.contains("power on failed on 1 node"), "\(r.errors)")
    #expect(r.errors.contains("n2 error: BMC 127.0.5.2:\(Self.port) did not answer in 1 s"), "\(r.errors)")
    #expect(good.chassis("power") == "1")
    _ = silent
  }

  @Test func aDeadBMCTimesOutWhileTwentyOthersSucceed() throws {
    let scratch = try Scratch()
    let names = (1...20).map { String(format: "n%02d", $0) }
    let all = try bmcs(names, net: 6, scratch: scratch)
    let silent = try SilentBMC(address: "127.0.6.21", port: Self.port)
    try cluster("n[01-21]", net: 6, root: scratch.path)
    let started = Date()
    let r = try Run.howl("""
      let r = nodes.power.status(timeout: 3s)
      print(r)
      print(len(r.ok), r.failed.names)
      """, root: scratch.path)
    let elapsed = Date().timeIntervalSince(started)
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output == """
      n[01-20]  off
      n21       error: BMC 127.0.6.21:\(Self.port) did not answer in 3 s
      20 ["n21"]

      """, "\(r.output)")
    #expect(elapsed < 3 + 5, "the dead BMC held up the rest: \(elapsed) s")
    _ = (all, silent)
  }

  @Test func theCommandIsShownWithThePasswordMaskedAndThePasswordIsNeverPrinted() throws {
    let scratch = try Scratch()
    try cluster("n1", net: 7, root: scratch.path, password: "pa ss$word")
    let r = try Run.howl("""
      print(nodes["n1"].power.command("on"))
      print(nodes["n1"])
      print(nodes["n1"].ipmi)
      print(explain(nodes["n1"], "ipmi"))
      print(explain(nodes["n1"], "ipmi.password"))
      nodes["n1"].ipmi.password = "newer secret"
      print(diff())
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    let lines = r.output.split(separator: "\n").map(String.init)
    #expect(lines.first == "Howl's IPMI client (lanplus, cipher suite 3), the same request as: ipmitool -I lanplus -C 3 -H 127.0.7.1 -p \(Self.port) -U admin -P '********' -e '~' chassis power on", "\(r.output)")
    #expect(!r.output.contains("pa ss$word") && !r.output.contains("newer secret"), "\(r.output)")
    #expect(r.output.contains("n1: ipmi.password (unset) → ********"), "\(r.output)")
    let mode = try FileManager.default.attributesOfItem(atPath: scratch.path + "/etc/howl/nodes.conf")[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func aSitesOwnTemplateRunsIpmitoolUnchanged() throws {
    let scratch = try Scratch()
    let bmc = try bmcs(["n1"], net: 13, scratch: scratch)[0]
    try cluster("n1", net: 13, root: scratch.path)
    // The stock template under the site's directory, its command run after a marker file is made.
    let stock = try String(contentsOfFile: Run.packageRoot.appendingPathComponent("stdlib/bmc/ipmitool.tmpl").path, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: scratch.path + "/etc/howl/bmc", withIntermediateDirectories: true)
    try stock.replacingOccurrences(of: "ipmitool -I", with: "touch \(scratch.path)/ran-{{ .Cmd }} && ipmitool -I")
      .write(toFile: scratch.path + "/etc/howl/bmc/ipmitool.tmpl", atomically: true, encoding: .utf8)
    let r = try Run.howl("""
      print(nodes["n1"].power.command("on"))
      nodes["n1"].power.on()
      print(nodes["n1"].power.status())
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output == """
      touch \(scratch.path)/ran-PowerOn && ipmitool -I lanplus -C 3 -H 127.0.13.1 -p \(Self.port) -U admin -P '********' -e '~' chassis power on
      on

      """, "\(r.output)")
    #expect(FileManager.default.fileExists(atPath: scratch.path + "/ran-PowerOn") && FileManager.default.fileExists(atPath: scratch.path + "/ran-PowerStatus"))
    #expect(bmc.chassis("power") == "1")
  }

  @Test func sensorsPrintAsATableAndIterateAsRecords() throws {
    let scratch = try Scratch()
    let bmc = try bmcs(["n1"], net: 8, scratch: scratch)
    try cluster("n1", net: 8, root: scratch.path)
    let r = try Run.howl("""
      print(nodes["n1"].sensors())
      for s in nodes["n1"].sensors() { print(s.name, s.value, s.unit, s.status) }
      """, root: scratch.path)
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output == """
      SENSOR    VALUE   UNIT       STATUS
      CPU Temp  45.000  degrees C  ok
      Fan 1     60.000  RPM        ok
      CPU Temp 45.000 degrees C ok
      Fan 1 60.000 RPM ok

      """, "\(r.output)")
    withExtendedLifetime(bmc) {}
  }
}
