import Foundation
import Testing

/// An aarch64 node boots from `howl serve` on this x86_64 machine: its
/// UEFI firmware (AAVMF, QEMU `-M virt`, TCG) gets GRUB over TFTP, GRUB
/// its configuration, the image's own arm64 kernel, the image and the
/// overlays over HTTP; the stock wwinit runs on aarch64 and the node's
/// per-architecture file is rendered with its architecture.
@Suite(.serialized, .arm64BootLab(cluster: "Tests/Fixtures/bootlab/arm64.howl")) struct Arm64BootTests {
  var lab: BootLab { BootLab.current! }

  @Test func anAarch64NodeBootsGRUBThenItsImageAndRendersItsArchitecture() throws {
    let table = lab.clusterOutput.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(table.contains { $0.prefix(2) == ["gh", "aarch64"] }, "the images table says the arch:\n\(lab.clusterOutput)")
    let check = try lab.howl(["check"])
    #expect(check.contains("gh001: ready to boot"), "\(check)")

    let report = lab.boot([VirtualMachine(name: "gh001", mac: "52:54:00:99:00:31", firmware: .aarch64, timeout: 400)])[0]
    print("aarch64 boot: \(Int(report.seconds)) s from QEMU start to power off")
    #expect(report.booted, "\(report.tail)")
    #expect(report["arch"] == "aarch64")
    #expect(report["hostname"] == "gh001", "wwinit ran on aarch64 and set the host name")
    #expect(report["agent"] == "1", "the POSIX sh agent runs on aarch64")
    #expect(report["file"] == "node gh001 arch aarch64 runs /packages/apps/slurm-aarch64/sbin/slurmd")
    let log = lab.serve?.log ?? ""
    #expect(log.contains("TFTP 'warewulf/grubaa64.efi' to [IPv4]10.99.0.31"), "\(log)")
    #expect(report.serial.contains("Howl: booting gh001"), "GRUB read the node's configuration from howl serve")
  }
}
