import Foundation
@testable import Runtime
import Testing

/// `nodes.check()`: one line per problem, the nodes folded as a hostlist,
/// each with how to fix it; a ready cluster says so. One test per kind of
/// problem, each starting from a cluster that checks clean.
@Suite(.serialized)
struct ReadinessCheckTests {
  /// A ready cluster: image `base` (with a kernel) built, the fresh default
  /// profile, n1 and n2 with MACs and addresses in the server's network.
  static func readyCluster() throws -> ScratchCluster {
    let cluster = try ScratchCluster("ready")
    let tree = try cluster.tree("base")
    try FileManager.default.createDirectory(atPath: tree + "/boot", withIntermediateDirectories: true)
    try Data("kernel".utf8).write(to: URL(fileURLWithPath: tree + "/boot/vmlinuz-6.1.0-howl"))
    try cluster.script("""
      server.ipaddr = 10.0.0.1/24
      images.import("dir:\(tree)", name: "base").build()
      profiles["default"].image = "base"
      nodes.add("n1", ipaddr: 10.0.0.11, hwaddr: 52:54:00:00:00:11)
      nodes.add("n2", ipaddr: 10.0.0.12, hwaddr: 52:54:00:00:00:12)
      """)
    return cluster
  }

  /// What `nodes.check()` prints after `change`, with the stock overlays of the source tree.
  static func check(_ cluster: ScratchCluster, after change: String = "") throws -> String {
    try withStockOverlays(cluster, change + "\nprint(nodes.check())")
  }

  /// Runs `text` with the stock overlays of the source tree.
  static func withStockOverlays(_ cluster: ScratchCluster, _ text: String) throws -> String {
    let saved = OverlaySettings.stockDirectory
    OverlaySettings.stockDirectory = OverlayFixture.stock
    defer { OverlaySettings.stockDirectory = saved }
    return try cluster.script(text)
  }

  @Test func aReadyClusterSaysSo() throws {
    let cluster = try Self.readyCluster()
    #expect(try Self.check(cluster) == "n[1-2]: ready to boot (2 nodes)\n")
    #expect(try Self.withStockOverlays(cluster, "print(len(nodes.check()), nodes.check().ok)") == "0 true\n")
  }

  @Test func noOverlayProvidesInit() throws {
    let cluster = try Self.readyCluster()
    #expect(try Self.check(cluster, after: #"profiles["default"].overlays = ["hostname", "fstab"]"#) == """
      n[1-2]: no overlay provides /init (the kernel would panic); fix: profiles["default"].overlays += ["wwinit"]

      """)
  }

  @Test func theImageHasNoKernel() throws {
    let cluster = try Self.readyCluster()
    try FileManager.default.removeItem(atPath: cluster.stateDirectory + "/images/base/rootfs/boot/vmlinuz-6.1.0-howl")
    let printed = try Self.check(cluster, after: #"images["base"].build()"#)
    #expect(printed == """
      n[1-2]: image 'base' has no kernel (/boot/vmlinuz-*); fix: install a kernel package in it: images["base"].exec("…")

      """)
  }

  @Test func theImageIsNotBuiltOrItsBuildIsStale() throws {
    let cluster = try Self.readyCluster()
    try FileManager.default.removeItem(atPath: cluster.stateDirectory + "/provision/images/base.img.gz")
    #expect(try Self.check(cluster) == """
      n[1-2]: image 'base' is not built (howl serve builds it at the first boot); fix: images["base"].build()

      """)
    try cluster.script(#"images["base"].build()"#)
    try Data("new\n".utf8).write(to: URL(fileURLWithPath: cluster.stateDirectory + "/images/base/rootfs/etc/motd"))
    #expect(try Self.check(cluster) == """
      n[1-2]: image 'base' changed since its last build; fix: images["base"].build()

      """)
  }

  @Test func anImageTooBigForSingleStageOnBIOSSuggestsTwoStage() throws {
    let cluster = try Self.readyCluster()
    let paths = ImagePaths(name: "base", stateDirectory: cluster.stateDirectory)
    try FileManager.default.removeItem(atPath: paths.buildRecord)
    #expect(truncate(paths.compressedImage(.gzip), off_t(ReadinessCheck.biosSingleStageLimit) + (300 << 20)) == 0)
    #expect(try Self.check(cluster) == """
      n[1-2]: image 'base' is 2.3 GiB compressed: too big to boot single-stage on BIOS nodes (iPXE must hold it below 2 GiB); \
      fix: nodes["n[1-2]"].ipxe = "two-stage" (stage one streams the image into the root)

      """)
    #expect(try Self.check(cluster, after: #"profiles["default"].ipxe = "two-stage""#) == "n[1-2]: ready to boot (2 nodes)\n")
  }

  @Test func aNodeWithoutHwaddrWhileDiscoveryIsOff() throws {
    let cluster = try Self.readyCluster()
    #expect(try Self.check(cluster, after: #"nodes.add("n[3-4]", ipaddr: 10.0.0.13)"#) == """
      n[3-4]: no hwaddr, and discovery is off (DHCP cannot tell it from other machines); \
      fix: nodes["n[3-4]"].hwaddr = MAC, or nodes["n[3-4]"].discoverable = true

      """)
    #expect(try Self.check(cluster, after: #"nodes["n3"].discoverable = true; nodes["n4"].hwaddr = 52:54:00:00:00:14"#)
      == "n[1-4]: ready to boot (4 nodes)\n")
  }

  @Test func anAddressOutsideTheServersNetwork() throws {
    let cluster = try Self.readyCluster()
    #expect(try Self.check(cluster, after: #"nodes["n2"].ipaddr = 10.0.1.12"#) == """
      n2: address 10.0.1.12 is outside the server's network 10.0.0.0/24; \
      fix: give the node an address in 10.0.0.0/24, or set server.ipaddr to the right network

      """)
  }

  @Test func aDiskRootOnANodeWithoutDisks() throws {
    let cluster = try Self.readyCluster()
    try cluster.script(#"nodes["n1"].root = xfs(nvme0n1)"#)
    #expect(try Self.check(cluster) == "n[1-2]: ready to boot (2 nodes)\n")
    var state = try cluster.committed()
    state.cluster.nodes["n1"]![FieldPath(["disks"])] = nil
    _ = try cluster.store.commit(base: cluster.committed(), state: state)
    #expect(try Self.check(cluster) == """
      n1: root on /dev/disk/by-partlabel/rootfs but no `disks` entry makes it; \
      fix: nodes["n1"].root = xfs(nvme0n1) (or ext4, with the node's disk)

      """)
  }

  @Test func aMountOfAnExportThatIsNotApplied() throws {
    let cluster = try Self.readyCluster()
    let applier = RecordingApplier()
    cluster.exportApplier = applier
    try cluster.script("""
      let opt = exports.add(images["base"].path("/opt"))
      profiles["default"].mounts += [mount(opt, at: "/opt")]
      """)
    #expect(try Self.check(cluster) == """
      n[1-2]: export 'base-opt' (mounted at /opt) is not served yet; fix: exports.apply() after commit(), or let howl serve apply it

      """)
    try cluster.script("exports.apply()")
    #expect(try Self.check(cluster) == "n[1-2]: ready to boot (2 nodes)\n")
  }

  @Test func twoOverlaysWriteTheSameFile() throws {
    let cluster = try Self.readyCluster()
    let printed = try Self.check(cluster, after: """
      overlays.add("sitehost").write("etc/hostname.ww", "{{.Id}}.site\\n")
      nodes["n1"].overlays += ["sitehost"]
      """)
    #expect(printed == """
      n1: system overlays hostname and sitehost both write /etc/hostname; fix: keep the file in one of them (the later overlay's copy wins)

      """)
  }

  @Test func noImageAndAnOverlayThatDoesNotExist() throws {
    let cluster = try Self.readyCluster()
    #expect(try Self.check(cluster, after: #"profiles.add("bare"); nodes.add("n9", profile: "bare", hwaddr: 52:54:00:00:00:19)"#) == """
      n9: no image; fix: profiles["bare"].image = "NAME" (images lists them)

      """)
    #expect(try Self.check(cluster, after: #"nodes["n1"].runtime_overlays += ["motd"]"#).contains("""
      n1: overlay 'motd' does not exist; fix: overlays.add("motd"), or profiles["default"].runtime_overlays -= ["motd"]
      """))
  }

  @Test func aCommitThatMakesANodeUnbootableWarnsOnlyAboutWhatIsNew() throws {
    let saved = OverlaySettings.stockDirectory
    OverlaySettings.stockDirectory = OverlayFixture.stock
    defer { OverlaySettings.stockDirectory = saved }
    let cluster = try Self.readyCluster()
    let before = try cluster.committed()
    var after = before
    after.cluster.profiles["default"]![FieldPath(["system overlay"])] = .strings(["hostname"])
    #expect(ReadinessCheck.newlyUnbootable(from: before, to: after, root: cluster.root) == [
      #"n[1-2] cannot boot: no overlay provides /init (the kernel would panic); fix: profiles["default"].overlays += ["wwinit"]"#,
    ])
    var unrelated = after
    unrelated.cluster.nodes["n1"]![FieldPath(["comment"])] = .string("rack 7")
    #expect(ReadinessCheck.newlyUnbootable(from: after, to: unrelated, root: cluster.root).isEmpty)
  }
}
