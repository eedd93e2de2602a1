import Foundation
import Testing
@testable import BMC
import Remote

/// Power on boots a node: a simulated BMC (`ipmi_sim`) whose power is a
/// boot-lab VM (its `startcmd` is scripts/lab/vm), switched on from a Howl
/// script; the VM network-boots from `howl serve` to its marker.
@Suite(.serialized, .bootLab) struct PowerBootTests {
  var lab: BootLab { BootLab.current! }
  static let port = 40000 + Int(getpid() % 10000)

  /// The BMC of n1 on 127.0.9.1; its VM is on the lab's last tap.
  final class VMBMC {
    let directory: String
    let serial: String
    private var pid: pid_t = 0

    init(lab: BootLab) throws {
      directory = lab.root + "/bmc"
      serial = lab.root + "/vm/n1-power.serial"
      try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
      let auths = "none md2 md5 straight"
      let vm = Fixture.packageRoot.appendingPathComponent("scripts/lab/vm").path
      try """
        name "n1-bmc"
        set_working_mc 0x20
          startlan 1
            addr 127.0.9.1 \(PowerBootTests.port)
            priv_limit admin
            allowed_auths_callback \(auths)
            allowed_auths_user \(auths)
            allowed_auths_operator \(auths)
            allowed_auths_admin \(auths)
            guid a123456789abcdefa123456789abcdef
          endlan
          serial 15 127.0.9.1 \(PowerBootTests.port + 1) codec VM
          startcmd "\(vm) \(lab.namespace) tap\(BootLab.taps - 1) 52:54:00:99:00:11 \(serial)"
          startnow false
          poweroff_wait 2
          kill_wait 3
          user 2 true "admin" "s3cret" admin 10 \(auths)

        """.write(toFile: directory + "/lan.conf", atomically: true, encoding: .utf8)
      let emu = Fixture.packageRoot.appendingPathComponent("Tests/Fixtures/bmc/bmc.emu").path
      let log = open(directory + "/ipmi_sim.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      defer { close(log) }
      // No signals blocked (the test process blocks most), so that a power off's SIGTERM reaches the VM.
      pid = try ShellSpawn.start("exec /usr/bin/ipmi_sim -c \(directory)/lan.conf -f \(emu) -s \(directory)/state -n",
                                 ownGroup: true, defaults: [SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD], output: log)
    }

    /// The processes the BMC started (the VM while it is on).
    var children: [String] {
      ((try? run(["pgrep", "-P", String(pid)]))?.output ?? "").split(separator: "\n").map(String.init)
    }

    func stop() {
      kill(-pid, SIGKILL)
      _ = ShellSpawn.wait(pid)
    }
  }

  func status() throws -> String {
    try lab.howl(["-c", "print(nodes[\"n1\"].power.status())"]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Waits up to `seconds` for `condition`.
  func wait(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try condition() { return true }
      Thread.sleep(forTimeInterval: 1)
    }
    return try condition()
  }

  @Test func powerOnBootsTheNodeAndOffStopsIt() throws {
    let bmc = try VMBMC(lab: lab)
    defer { bmc.stop() }
    try lab.howl(["-c", """
      use node "n1"
      node.ipmi.ipaddr = 127.0.9.1
      node.ipmi.port = "\(Self.port)"
      node.ipmi.username = "admin"
      node.ipmi.password = "s3cret"
      node.ipmi.interface = "lanplus"
      node.ipmi.tags.cipher = "3"
      """])
    #expect(try wait(10) { (try? status()) == "off" })
    let script = lab.root + "/power-on.howl"
    try "nodes[\"n1\"].power.on()\nprint(nodes[\"n1\"].power.status())\n".write(toFile: script, atomically: true, encoding: .utf8)
    #expect(try lab.howl([script]) == "on\n")
    // The VM network-boots from howl serve to its marker, then powers itself off.
    let booted = wait(300) { ((try? String(contentsOfFile: bmc.serial, encoding: .isoLatin1)) ?? "").contains("LAB: DONE") }
    let serial = (try? String(contentsOfFile: bmc.serial, encoding: .isoLatin1)) ?? ""
    #expect(booted, "\(serial.split(separator: "\n").suffix(30).joined(separator: "\n"))")
    #expect(serial.contains("LAB: hostname=n1"))
    #expect(try wait(30) { try status() == "off" })

    // Switched on again, then off while it runs: the VM stops.
    try lab.howl(["-c", "nodes[\"n1\"].power.on()"])
    #expect(try status() == "on")
    #expect(!bmc.children.isEmpty)
    Thread.sleep(forTimeInterval: 3)
    try lab.howl(["-c", "nodes[\"n1\"].power.off()"])
    #expect(try wait(10) { try status() == "off" })
    #expect(wait(10) { bmc.children.isEmpty }, "the VM still runs: \(bmc.children)")
  }
}
