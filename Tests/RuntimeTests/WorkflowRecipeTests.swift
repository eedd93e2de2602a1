import Foundation
import Lang
import Testing
@testable import Runtime

/// The recipes of `stdlib/workflows.howl` on real image trees:
/// `split_image` (an image split into a smaller image and an NFS export)
/// and `diskful` (roots moved to a local disk).
@Suite struct WorkflowRecipeTests {
  /// `r8` (used by the default profile, nodes n[1-3]) and `other` (profile gpu, node g1).
  static func cluster() throws -> ScratchCluster {
    let cluster = try ScratchCluster("workflows")
    let r8 = try cluster.tree("r8"), other = try cluster.tree("other")
    try cluster.script("""
      images.import("dir:\(r8)", name: "r8")
      images.import("dir:\(other)", name: "other")
      profiles["default"].image = "r8"
      profiles.add("gpu", image: "other")
      nodes.add("n[1-3]", profile: "default", ipaddr: 10.0.0.1)
      nodes.add("g1", profile: "gpu")
      """)
    return cluster
  }

  @Test func splitImageMovesOptToAnExportMountedByTheImagesProfiles() throws {
    let cluster = try Self.cluster()
    let printed = try cluster.script("""
      import "workflows"
      let r = split_image(images["r8"], at: "/opt")
      print(r.before.size > r.after.size, r.before.compressed > r.after.compressed, r.after.size < 100K)
      print(r.export.name, r.export.options, r.mounted_by)
      print(nodes["n1"].mounts, nodes["g1"].mounts)
      """)
    let lines = printed.split(separator: "\n").map(String.init)
    #expect(lines.first == "split_image r8: /opt moved to the export r8-opt (rw,sync,no_root_squash)")
    #expect(lines.count == 8, "\(printed)")
    #expect(lines[1].split(separator: " ") == ["SIZE", "COMPRESSED"])
    #expect(lines[2].hasPrefix("before ") && lines[3].hasPrefix("after "))
    #expect(Array(lines[4...]) == [
      "mounted at /opt by profile default",
      "true true true",
      "r8-opt rw,sync,no_root_squash [\"profile default\"]",
      "[mount(r8-opt, at: \"/opt\")] []",
    ])
    let state = try cluster.committed()
    #expect(state.server.images["r8"]?.excludes == ["/opt/*"])
    #expect(state.server.exports["r8-opt"]?.path == cluster.stateDirectory + "/images/r8/rootfs/opt")
    #expect(state.cluster.mounters(ofExport: "r8-opt") == ["profile default"])
    // The built image no longer holds /opt; the export still does.
    let listing = try Shell.run("zcat \(cluster.stateDirectory)/provision/images/r8.img.gz | cpio -t 2>/dev/null")
    #expect(listing.output.contains("etc/hostname") && !listing.output.contains("opt/tools"))
    #expect(FileManager.default.fileExists(atPath: cluster.stateDirectory + "/images/r8/rootfs/opt/tools/README"))
  }

  @Test func splitImageTwiceChangesNothing() throws {
    let cluster = try Self.cluster()
    try cluster.script("import \"workflows\"\nsplit_image(\"r8\")")
    let before = try cluster.committed()
    let printed = try cluster.script("import \"workflows\"\nlet r = split_image(\"r8\", at: \"/opt/\")\nprint(r.before == r.after)")
    #expect(printed.hasSuffix("mounted at /opt by profile default\ntrue\n"))
    #expect(try cluster.committed() == before)
  }

  @Test func splitImageMountsOnNodesThatNameTheImageThemselvesAndWarnsOfOthers() throws {
    let cluster = try Self.cluster()
    let printed = try cluster.script("""
      import "workflows"
      nodes["g1"].image = "r8"
      nodes.add("x1", profile: "gpu")
      nodes["n3"].image = "other"
      profiles["gpu"].mounts += [mount("10.0.0.9:/scratch", at: "/scratch")]
      let r = split_image("r8")
      print(r.mounted_by)
      print(nodes["g1"].mounts, nodes["x1"].mounts)
      """)
    #expect(printed.hasSuffix("""
      mounted at /opt by profile default, nodes g1
      warning: n3 mount r8-opt through a profile but boot another image
      ["profile default", "nodes g1"]
      [mount(10.0.0.9:/scratch, at: "/scratch"), mount(r8-opt, at: "/opt")] [mount(10.0.0.9:/scratch, at: "/scratch")]

      """), "\(printed)")
  }

  @Test func diskfulPutsRootsOnTheDiskAndSaysWhereTheyLive() throws {
    let cluster = try Self.cluster()
    try cluster.script("images[\"r8\"].build()")
    let printed = try cluster.script("""
      import "workflows"
      let where = diskful(nodes["n[1-2]"], device: nvme0n1)
      print(where)
      diskful("n3", device: sda, fs: "ext4")
      diskful(nodes["g1"], device: vdb)
      print(nodes)
      """)
    let size = Units.formatSize(try #require(BuildRecord.read(ImagePaths(name: "r8", stateDirectory: cluster.stateDirectory).buildRecord)).size)
    let lines = printed.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
    #expect(lines == [
      "NODES ROOT WHERE RAM FREED PER NODE",
      "n[1-2] xfs(/dev/nvme0n1) on /dev/nvme0n1, partition rootfs, re-created at each boot \(size)",
      "{n1: \"on /dev/nvme0n1, partition rootfs, re-created at each boot\", n2: \"on /dev/nvme0n1, partition rootfs, re-created at each boot\"}",
      "NODES ROOT WHERE RAM FREED PER NODE",
      "n3 ext4(/dev/sda) on /dev/sda, partition rootfs, re-created at each boot \(size)",
      "NODES ROOT WHERE RAM FREED PER NODE",
      "g1 xfs(/dev/vdb) on /dev/vdb, partition rootfs, re-created at each boot -",
      "NAME PROFILES IMAGE ADDRESS HWADDR ROOT BOOT RUNTIME",
      "n1 default r8 10.0.0.1 - xfs(/dev/nvme0n1) - -",
      "n2 default r8 10.0.0.2 - xfs(/dev/nvme0n1) - -",
      "n3 default r8 10.0.0.3 - ext4(/dev/sda) - -",
      "g1 gpu other - - xfs(/dev/vdb) - -",
      "(4 nodes)",
    ], "\(printed)")
    let block = try cluster.script("print(nodes[\"n1\"])")
    #expect(block.contains("\n  root             xfs(/dev/nvme0n1) on /dev/nvme0n1, partition rootfs, re-created at each boot\n"))
    #expect(cluster.failure("import \"workflows\"\ndiskful(nodes, device: sda, fs: \"btrfs\")") == "diskful(): fs: is \"xfs\" or \"ext4\", not \"btrfs\"")
  }
}
