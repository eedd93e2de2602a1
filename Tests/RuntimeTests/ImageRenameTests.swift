import Foundation
import Testing
@testable import Runtime

/// Renaming an image: its files move, everything that names it follows
/// (nodes, profiles, exports and the mounts of those exports), and the
/// files move back when the rename is not committed.
@Suite struct ImageRenameTests {
  /// `r8` imported and built, exported at /opt (mounted by the default
  /// profile) and at /etc under a name of the sysadmin's choosing.
  static func cluster() throws -> ScratchCluster {
    let cluster = try ScratchCluster("rename")
    let tree = try cluster.tree("r8", optBytes: 1000)
    try cluster.script("""
      let img = images.import("dir:\(tree)", name: "r8")
      img.build()
      let opt = exports.add(img.path("/opt"))
      exports.add(img.path("/etc"), name: "site-etc")
      profiles["default"].image = "r8"
      profiles["default"].mounts += [mount(opt, at: "/opt")]
      nodes.add("n[1-2]", profile: "default")
      nodes["n2"].image = "r8"
      """)
    return cluster
  }

  @Test func renameMovesFilesAndEverythingThatNamesTheImage() throws {
    let cluster = try Self.cluster()
    let printed = try cluster.script("""
      let img = images["r8"]
      img.name = "r8-split"
      print(img.name, img.path("/opt"))
      print(nodes["n2"].image, profiles["default"].image, nodes["n1"].mounts)
      """)
    let images = cluster.stateDirectory + "/images"
    #expect(printed == "r8-split \(images)/r8-split/rootfs/opt\nr8-split r8-split [mount(r8-split-opt, at: \"/opt\")]\n")
    let state = try cluster.committed()
    #expect(Array(state.server.images.keys) == ["r8-split"])
    #expect(state.server.exports["r8-split-opt"] == ServerConfig.ExportEntry(path: images + "/r8-split/rootfs/opt", image: "r8-split"))
    #expect(state.server.exports["site-etc"]?.path == images + "/r8-split/rootfs/etc")
    #expect(state.cluster.users(ofImage: "r8-split") == ["profile default", "node n2"])
    let files = FileManager.default
    #expect(files.fileExists(atPath: images + "/r8-split/rootfs/opt/tools/README"))
    #expect(!files.fileExists(atPath: images + "/r8"))
    let provision = cluster.stateDirectory + "/provision/images/"
    #expect(files.fileExists(atPath: provision + "r8-split.img.gz") && files.fileExists(atPath: provision + "r8-split.img.json"))
    #expect(!files.fileExists(atPath: provision + "r8.img.gz"))
    // The next session clears the marker of the committed rename.
    try cluster.script("print(images)")
    #expect(!files.fileExists(atPath: images + "/r8-split/renamed"))
  }

  @Test func anUncommittedRenameMovesTheFilesBack() throws {
    let cluster = try Self.cluster()
    let images = cluster.stateDirectory + "/images"
    let failure = cluster.failure("images.rename(\"r8\", \"r9\")\nprint(images[\"r9\"].path(\"/opt\"))\nfail(\"stop here\")")
    #expect(failure == "stop here")
    #expect(FileManager.default.fileExists(atPath: images + "/r8/rootfs/opt/tools/README"))
    #expect(!FileManager.default.fileExists(atPath: images + "/r9"))
    #expect(!FileManager.default.fileExists(atPath: images + "/r8/renamed"))
    #expect(FileManager.default.fileExists(atPath: cluster.stateDirectory + "/provision/images/r8.img.gz"))
    let printed = try cluster.script("images.rename(\"r8\", \"r9\")\nrollback()\nprint(images.names, nodes[\"n2\"].image)")
    #expect(printed == "[\"r8\"] r8\n")
    #expect(FileManager.default.fileExists(atPath: images + "/r8/rootfs/etc/hostname"))
  }

  @Test func aKilledRenameIsUndoneByTheNextSession() throws {
    let cluster = try Self.cluster()
    let images = cluster.stateDirectory + "/images"
    // What a script killed between the move and its commit leaves behind.
    try FileManager.default.moveItem(atPath: images + "/r8", toPath: images + "/r9")
    let provision = cluster.stateDirectory + "/provision/images/"
    for suffix in [".img", ".img.gz", ".img.json"] { try FileManager.default.moveItem(atPath: provision + "r8" + suffix, toPath: provision + "r9" + suffix) }
    try Data("r8\n999999999\n".utf8).write(to: URL(fileURLWithPath: images + "/r9/renamed"))
    #expect(try cluster.script("print(images[\"r8\"].path(\"/etc\"))") == images + "/r8/rootfs/etc\n")
    #expect(FileManager.default.fileExists(atPath: images + "/r8/rootfs/etc/hostname"))
    #expect(!FileManager.default.fileExists(atPath: images + "/r9"))
    #expect(FileManager.default.fileExists(atPath: provision + "r8.img.gz"))
  }

  @Test(arguments: [
    ("images.rename(\"r8\", \"bad name\")", "invalid image name \"bad name\""),
    ("images.rename(\"r7\", \"r9\")", "no image named 'r7'"),
    ("images.add(\"r9\")\nimages.rename(\"r8\", \"r9\")", "image 'r9' already exists"),
    ("exports.add(\"/tmp\", name: \"r9-opt\")\nimages.rename(\"r8\", \"r9\")", "would clash with the export of that name"),
  ])
  func aRefusedRenameMovesNothing(script: String, message: String) throws {
    let cluster = try Self.cluster()
    let before = try cluster.committed()
    #expect(cluster.failure(script)?.contains(message) == true)
    #expect(try cluster.committed() == before)
    #expect(FileManager.default.fileExists(atPath: cluster.stateDirectory + "/images/r8/rootfs/etc/hostname"))
  }
}
