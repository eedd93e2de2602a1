import Foundation
import Testing

/// The README's quick start as a newcomer walks it ("A first node"), in a
/// fresh HOWL_ROOT and with no step the README does not show:
/// examples/first-nodes.howl on a busybox root file system
/// (scripts/lab/busybox-rootfs: a kernel in /boot, /sbin/init), the line
/// for QEMU VMs, `howl check` (clean), then a VM boots the node from
/// `howl serve` alone. No overlay is named anywhere: the new cluster's
/// `default` profile has them.
@Suite(.serialized, .bootLab(cluster: "examples/first-nodes.howl")) struct NewcomerPathTests {
  var lab: BootLab { BootLab.current! }

  @Test func aNodeOfTheDefaultProfileChecksCleanAndBootsFromHowlServeAlone() throws {
    let example = try String(contentsOf: Fixture.packageRoot.appendingPathComponent("examples/first-nodes.howl"), encoding: .utf8)
    #expect(!example.contains(".overlays") && !example.contains("runtime_overlays"), "the example names no overlay")
    try lab.howl(["-c", #"profiles["default"].kernel.args += ["console=ttyS0,115200", "no_timer_check"]"#])

    let environment = Fixture.environment(root: lab.root)
    let check = try run([Fixture.howl, "check"], timeout: 60, environment: environment)
    #expect(check.status == 0, "\(check.output)")
    #expect(check.output == "n[1-2]: ready to boot (2 nodes)\n")
    #expect(lab.serve?.waitForLog("reloaded: 2 nodes") == true, "howl serve took the kernel arguments")

    let report = lab.boot([VirtualMachine(name: "n1", mac: "52:54:00:99:00:11")])[0]
    #expect(report.booted, "\(report.tail)")
    #expect(report["hostname"] == "n1")
    #expect(report["root"] == "rootfs rootfs", "the default root stays in the initramfs")
    let log = lab.serve?.log ?? ""
    #expect(!log.contains("cannot boot"), "\(log)")
    #expect(FileManager.default.fileExists(atPath: lab.root + "/etc/howl/keys/ssh_host_ed25519_key"), "the host keys were made on first use")
  }
}
