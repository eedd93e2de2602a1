import Foundation
import Testing

/// VMs network-boot from `howl serve` alone — Howl's DHCP, TFTP and HTTP, no
/// dnsmasq — into a busybox image built by Howl's image builder, with
/// overlays rendered per node by Howl, on the boot lab (QEMU, TCG).
@Suite(.serialized, .bootLab) struct VMBootTests {
  var lab: BootLab { BootLab.current! }

  @Test func twoBIOSNodesBootTogetherEachWithItsOwnHostnameAndFile() throws {
    let reports = lab.boot([VirtualMachine(name: "n1", mac: "52:54:00:99:00:11"),
                            VirtualMachine(name: "n2", mac: "52:54:00:99:00:12")])
    for (report, address) in zip(reports, ["10.99.0.11", "10.99.0.12"]) {
      #expect(report.booted, "\(report.tail)")
      #expect(report["hostname"] == report.name)
      #expect(report["file"] == "node \(report.name) at \(address)")
      #expect(report["root"] == "rootfs rootfs", "the default root stays in the initramfs")
    }
    // Each node's boot stage, by `howl status` and in the `nodes` table.
    let status = try run([Fixture.howl, "status"], environment: ["HOWL_ROOT": lab.root])
    let table = try run([Fixture.howl, "-c", "print(nodes)"], environment: ["HOWL_ROOT": lab.root])
    for name in ["n1", "n2"] {
      #expect(status.output.split(separator: "\n").contains { $0.hasPrefix(name + " ") && $0.contains("runtime") }, "\(status.output)")
      #expect(table.output.split(separator: "\n").contains { $0.hasPrefix(name + " ") && $0.contains("runtime, ") }, "\(table.output)")
    }
  }

  @Test func rootMovesOntoTheNVMeDiskWithXFSOrExt4() {
    let reports = lab.boot([VirtualMachine(name: "xfsnode", mac: "52:54:00:99:00:13", diskMiB: 1024),
                            VirtualMachine(name: "ext4node", mac: "52:54:00:99:00:14", diskMiB: 1024)])
    #expect(reports[0].booted, "\(reports[0].tail)")
    #expect(reports[0]["root"] == "xfs /dev/nvme0n1p1")
    #expect(reports[1].booted, "\(reports[1].tail)")
    #expect(reports[1]["root"] == "ext4 /dev/nvme0n1p1")
  }

  @Test func tmpfsRootIsACopyOfTheImageInATmpfs() {
    let report = lab.boot([VirtualMachine(name: "tmpfsnode", mac: "52:54:00:99:00:15")])[0]
    #expect(report.booted, "\(report.tail)")
    #expect(report["root"] == "tmpfs tmpfs")
    #expect(report["hostname"] == "tmpfsnode")
  }

  @Test func uefiFirmwareFetchesIPXEOverTFTPThenBootsOverHTTP() throws {
    let report = lab.boot([VirtualMachine(name: "uefinode", mac: "52:54:00:99:00:16", firmware: .uefi)])[0]
    #expect(report.booted, "\(report.tail)")
    #expect(report["file"] == "node uefinode at 10.99.0.16")
    let log = lab.serve?.log ?? ""
    #expect(log.contains("TFTP 'warewulf/ipxe.efi' to [IPv4]10.99.0.16"), "\(log)")
  }

  @Test func anUnknownMACDoesNotBootAndTheLogSaysWhy() throws {
    let report = lab.boot([VirtualMachine(name: "stranger", mac: "52:54:00:99:00:99", timeout: 15)])[0]
    #expect(!report.booted, "\(report.tail)")
    #expect(!report.serial.contains("10.99.0.1:9873"), "no iPXE script was fetched")
    #expect(lab.serve?.waitForLog("unknown MAC 52:54:00:99:00:99 denied") == true)
  }
}

/// proxyDHCP: the site's own DHCP server (Kea) gives the address, Howl only
/// the boot information, and the node boots as it would from Howl alone.
@Suite(.serialized, .bootLab(siteDHCP: ["52:54:00:99:00:11": "10.99.0.11"])) struct ProxyDHCPBootTests {
  var lab: BootLab { BootLab.current! }

  @Test func aNodeBootsWithItsAddressFromTheSiteServerAndItsBootFromHowl() throws {
    let report = lab.boot([VirtualMachine(name: "n1", mac: "52:54:00:99:00:11")])[0]
    #expect(report.booted, "\(report.tail)")
    #expect(report["file"] == "node n1 at 10.99.0.11")
    let kea = (try? String(contentsOfFile: lab.root + "/site/kea.log", encoding: .utf8)) ?? ""
    #expect(kea.contains("DHCP4_LEASE_ALLOC") && kea.contains("10.99.0.11"), "the site server leased the address:\n\(kea)")
    #expect(report.serial.contains("Filename: http://10.99.0.1:9873/ipxe/52-54-00-99-00-11"), "Howl's proxy offer named the script")
  }
}
