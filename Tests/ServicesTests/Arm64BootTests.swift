import Foundation
import Testing

/// An aarch64 node boots from `howl serve` on this x86_64 machine at the
/// same time as an x86_64 node boots its own image from the same server:
/// the aarch64 UEFI firmware (AAVMF, QEMU `-M virt`, TCG) gets GRUB over
/// TFTP, GRUB its configuration, the image's own arm64 kernel, the image
/// and the overlays over HTTP, while the x86_64 BIOS boots through iPXE;
/// the stock wwinit runs on both and each node's per-architecture file is
/// rendered with its own architecture.
@Suite(.serialized, .multiArchBootLab(cluster: "Tests/Fixtures/bootlab/arm64.howl")) struct Arm64BootTests {
  var lab: BootLab { BootLab.current! }

  @Test func anAarch64AndAnX86NodeBootTheirOwnImagesTogetherAndRenderTheirArchitectures() throws {
    let table = lab.clusterOutput.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(table.contains { $0.prefix(2) == ["gh", "aarch64"] }, "the images table says the arch:\n\(lab.clusterOutput)")
    #expect(table.contains { $0.prefix(2) == ["sc", "x86_64"] }, "\(lab.clusterOutput)")
    let check = try lab.howl(["check"])
    #expect(check.contains("gh001,sc001: ready to boot (2 nodes)"), "\(check)")

    let reports = lab.boot([VirtualMachine(name: "gh001", mac: "52:54:00:99:00:31", firmware: .aarch64, timeout: 400),
                            VirtualMachine(name: "sc001", mac: "52:54:00:99:00:32")])
    print("aarch64 boot: \(Int(reports[0].seconds)) s, x86_64 boot beside it: \(Int(reports[1].seconds)) s, from QEMU start to power off")
    for (report, arch) in zip(reports, ["aarch64", "x86_64"]) {
      #expect(report.booted, "\(report.tail)")
      #expect(report["arch"] == arch)
      #expect(report["hostname"] == report.name, "wwinit ran on \(arch) and set the host name")
      // The agent's command substitutions are forks of it, so ps may count two.
      #expect((Int(report["agent"] ?? "") ?? 0) >= 1, "the POSIX sh agent runs on \(arch)")
      #expect(report["agentapplied"]?.contains("applied runtime overlay") == true, "agent log: \(report["agentlog"] ?? "")")
      #expect(report["runtimefile"] == "runtime overlay of \(report.name)", "the agent got this node's key and its runtime overlay")
      #expect(report["file"] == "node \(report.name) arch \(arch) runs /packages/apps/slurm-\(arch)/sbin/slurmd")
    }
    let log = lab.serve?.log ?? ""
    #expect(log.contains("TFTP 'warewulf/grubaa64.efi' to [IPv4]10.99.0.31"), "\(log)")
    #expect(reports[0].serial.contains("Howl: booting gh001"), "GRUB read the node's configuration from howl serve")
  }

  /// Two-stage boot of an aarch64 node: GRUB loads Howl's stage one for
  /// arm64 (built from Debian's arm64 busybox-static, put where
  /// HOWL_STAGE1_TOOLS points) and the image's kernel modules; stage one
  /// takes its address by DHCP, streams the image into a tmpfs, fetches the
  /// runtime overlay from a privileged port and starts wwinit.
  @Test func anAarch64NodeBootsTwoStage() throws {
    _ = try BootLab.script("stage1-tools", ["arm64", lab.root + "/stage1-tools"])
    try lab.howl(["-c", "nodes[\"gh001\"].ipxe = \"two-stage\"\ncommit()"])
    let report = lab.boot([VirtualMachine(name: "gh001", mac: "52:54:00:99:00:31", firmware: .aarch64, timeout: 400)])[0]
    print("aarch64 two-stage boot: \(Int(report.seconds)) s from QEMU start to power off")
    #expect(report.booted, "\(report.tail)")
    #expect(report["arch"] == "aarch64")
    #expect(report["root"] == "tmpfs tmpfs")
    #expect(report["hostname"] == "gh001")
    #expect(report["file"] == "node gh001 arch aarch64 runs /packages/apps/slurm-aarch64/sbin/slurmd")
    #expect(report["runtimefile"] == "runtime overlay of gh001")
    for line in ["Howl: two-stage boot of gh001", " by DHCP", "howl-stage1: runtime overlay: applied"] {
      #expect(report.serial.contains(line), "\(line)\n\(report.tail)")
    }
    #expect(FileManager.default.fileExists(atPath: lab.root + "/var/lib/howl/provision/stage1/aarch64/stage1.img.gz"))
  }
}
