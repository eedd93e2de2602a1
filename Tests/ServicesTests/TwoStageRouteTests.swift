import Foundation
@testable import Runtime
@testable import Services
import Testing

/// Two-stage boot's HTTP side without a VM: the iPXE script of a two-stage
/// node, the stage-one initrd and kernel modules `howl serve` builds and
/// serves, and stage one's progress reports in `howl status`.
@Suite struct TwoStageRouteTests {
  static func state() -> ClusterState {
    var state = Fixture.state()
    state.cluster.nodes["n1"]?.fields["ipxe template"] = .string("two-stage")
    return state
  }

  @Test func theIPXEScriptLoadsStageOneAndPassesWhatItNeeds() throws {
    let config = BootConfig(state: Self.state(), settings: Fixture.settings())
    let mac = try #require(MACAddress(Fixture.mac1))
    let node = try #require(config.node(for: mac))
    let script = try IPXEScript(directories: [Fixture.stdlibIPXE]).render(node: node, mac: mac, settings: config.settings, kernelVersion: "6.1")
    #expect(script.contains("initrd --name stage1 ${base}/stage1/52:54:00:77:00:11?${params}&arch=${buildarch} || goto failed"))
    #expect(script.contains("initrd --name kmods ${base}/kmods/52:54:00:77:00:11?${params} || goto failed"))
    #expect(script.contains("boot kernel initrd=stage1 initrd=kmods wwid=52:54:00:77:00:11 howl.server=10.77.0.1:9873 "
      + "howl.ip=${ip}:${gateway}:${netmask} howl.root=tmpfs howl.compress=gz howl.params=${params} console=ttyS0 quiet"))
    #expect(!script.contains("initrd --name image"), "the image is streamed by stage one, not loaded by iPXE")
    #expect(IPXEScript.rootSpec(RootLayout(.xfs, device: "/dev/nvme0n1")) == "xfs:/dev/nvme0n1")
  }

  @Test func curlGetsTheStageOneInitrdAndTheKernelModulesAndReportsShowInHowlStatus() throws {
    let scratch = try ScratchRoot(state: Self.state())
    let modules = BootPaths(root: scratch.path).images + "/img1/rootfs/lib/modules/6.1.0-10-amd64"
    try FileManager.default.createDirectory(atPath: modules + "/kernel/drivers/net", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: modules + "/kernel/sound", withIntermediateDirectories: true)
    try Data("virtio".utf8).write(to: URL(fileURLWithPath: modules + "/kernel/drivers/net/virtio_net.ko"))
    try Data("failover".utf8).write(to: URL(fileURLWithPath: modules + "/kernel/net_failover.ko"))
    try Data("sound".utf8).write(to: URL(fileURLWithPath: modules + "/kernel/sound/snd.ko"))
    try Data("kernel/drivers/net/virtio_net.ko: kernel/net_failover.ko\nkernel/net_failover.ko:\nkernel/sound/snd.ko:\n".utf8)
      .write(to: URL(fileURLWithPath: modules + "/modules.dep"))
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16972", "--http-port", "19876"])
    defer { #expect(server.stop() == 0) }
    let base = "http://127.0.0.1:19876", n1 = "52-54-00-77-00-11"
    let initrd = scratch.path + "/stage1.img.gz"
    #expect(try run(["curl", "-sSf", "-o", initrd, "\(base)/stage1/\(n1)?arch=i386"]).status == 0)
    let listing = try run(["sh", "-c", "gzip -dc '\(initrd)' | cpio -it 2>/dev/null"]).output.split(separator: "\n").map(String.init)
    for entry in ["init", "bin/busybox", "bin/sh", "dev/console", "newroot"] { #expect(listing.contains(entry), "\(listing)") }
    let size = (try FileManager.default.attributesOfItem(atPath: initrd)[.size] as? Int) ?? 0
    #expect(size < 8 << 20, "a few MiB: \(size) bytes")
    let kmods = scratch.path + "/kmods.img.gz"
    #expect(try run(["curl", "-sSf", "-o", kmods, "\(base)/kmods/\(n1)"]).status == 0)
    let modulesListing = try run(["sh", "-c", "gzip -dc '\(kmods)' | cpio -it 2>/dev/null"]).output
    #expect(modulesListing.contains("lib/modules/6.1.0-10-amd64/kernel/drivers/net/virtio_net.ko"))
    #expect(modulesListing.contains("lib/modules/6.1.0-10-amd64/kernel/net_failover.ko"), "a dependency")
    #expect(!modulesListing.contains("snd.ko"), "only what stage one may need")
    #expect(try run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/stage1/\(n1)?arch=sparc"]).output == "500")
    // A GRUB (aarch64) node whose stage one cannot be built is told why on its console.
    let grub = try run(["curl", "-sSf", "\(base)/grub/\(n1)"]).output
    #expect(grub.contains("two-stage boot: no static busybox for aarch64: put the bin/busybox of Debian's busybox-static:arm64 in /usr/lib/howl/stage1/aarch64/"), "\(grub)")
    #expect(!grub.contains("linux "))
    #expect(try run(["curl", "-sSf", "\(base)/report/\(n1)?stage=stage1&sent=image+43+%25"]).output == "ok\n")
    #expect(try run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/report/\(n1)?stage=bogus&sent=x"]).output == "400")
    usleep(1_200_000)  // the status file is written every 0.5 s
    let status = try run([Fixture.howl, "status"], environment: ["HOWL_ROOT": scratch.path]).output
    #expect(status.split(separator: "\n").contains { $0.hasPrefix("n1 ") && $0.contains("stage1  image 43 %") }, "\(status)")
  }
}
