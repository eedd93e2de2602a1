import Foundation
import Testing
@testable import Services

/// nfs-ganesha for real, with the configuration Howl writes, read over
/// NFSv4 by libnfs's userspace client from another network namespace:
/// `exports.apply()` starts it, adds and removes exports by reload (same
/// pid), follows an image that is renamed, and restarts it on a new
/// server address; `howl serve` applies
/// commits and stops the ganesha it started, and only that one.
@Suite(.serialized, .enabled(if: NFSLab.available, "needs root, nfs-ganesha and libnfs-utils"))
struct GaneshaNFSTests {
  static let setup = """
    server.ipaddr = 10.77.0.1/24
    let img = images.import("dir:SRC", name: "r8")
    exports.add(img.path("/opt"), options: "rw,sync,no_root_squash")
    """

  @Test func applyStartsReloadsAndFollowsTheImage() throws {
    let lab = try NFSLab()
    let images = lab.howlRoot + "/var/lib/howl/images"
    let started = try lab.howl(Self.setup.replacingOccurrences(of: "SRC", with: lab.root + "/src") + "\ncommit()\nexports.apply()")
    #expect(started.contains("nfs (ganesha): added r8-opt; started (pid"), "\(started)")
    let pid = try #require(lab.ganeshaPID, "\(lab.ganeshaLog)")
    #expect(try lab.read(images + "/r8/rootfs/opt/tools/README") == "hello from /opt\n", "\(lab.ganeshaLog)")
    // rw and no_root_squash: the client writes as root.
    #expect(try lab.write("from the node\n", to: images + "/r8/rootfs/opt/tools/written"))
    #expect((try? String(contentsOfFile: images + "/r8/rootfs/opt/tools/written", encoding: .utf8)) == "from the node\n")
    #expect((try FileManager.default.attributesOfItem(atPath: images + "/r8/rootfs/opt/tools/written")[.ownerAccountID] as? Int) == 0)
    #expect(try lab.howl("exports.apply()").contains("nfs (ganesha): unchanged (pid \(pid))"))

    // An export added and applied is served by the same ganesha.
    let data = lab.root + "/data"
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    try "shared\n".write(toFile: data + "/file", atomically: true, encoding: .utf8)
    let added = try lab.howl("exports.add(\"\(data)\", name: \"data\", options: \"ro\")\ncommit()\nexports.apply()")
    #expect(added.contains("nfs (ganesha): added data; reloaded (pid \(pid))"), "\(added)")
    #expect(try lab.read(data + "/file") == "shared\n")
    #expect(try !lab.write("no\n", to: data + "/refused"), "a ro export takes no writes")
    #expect(lab.ganeshaLog.contains("Reread exports complete"))

    // Removed: gone, the other one still served, the same ganesha.
    let removed = try lab.howl("exports.remove(\"data\")\ncommit()\nexports.apply()")
    #expect(removed.contains("nfs (ganesha): removed data; reloaded (pid \(pid))"), "\(removed)")
    #expect(try lab.read(data + "/file") == nil)
    #expect(try lab.read(images + "/r8/rootfs/opt/tools/README") == "hello from /opt\n")

    // The image renamed: its export follows at the next apply.
    let renamed = try lab.howl("images.rename(\"r8\", \"r9\")\ncommit()\nexports.apply()")
    #expect(renamed.contains("nfs (ganesha): added r9-opt; removed r8-opt; reloaded (pid \(pid))"), "\(renamed)")
    #expect(try lab.read(images + "/r9/rootfs/opt/tools/README") == "hello from /opt\n", "\(lab.ganeshaLog)")
    #expect(try lab.read(images + "/r8/rootfs/opt/tools/README") == nil)
    #expect(lab.ganeshaPID == pid)
    #expect(!lab.ganeshaLog.contains(":CONFIG :CRIT"), "\(lab.ganeshaLog)")

    // A new server address is read only at start: ganesha is restarted on it.
    #expect(try run(["ip", "-n", lab.pair.server, "addr", "add", "10.77.0.3/24", "dev", "vs0"]).status == 0)
    let moved = try lab.howl("server.ipaddr = 10.77.0.3/24\ncommit()\nexports.apply()")
    #expect(moved.contains("nfs (ganesha): restarted (pid"), "\(moved)")
    #expect(try lab.read(images + "/r9/rootfs/opt/tools/README", from: "10.77.0.3") == "hello from /opt\n", "\(lab.ganeshaLog)")
    #expect(try lab.read(images + "/r9/rootfs/opt/tools/README") == nil)
  }

  @Test func serveAppliesCommitsAndStopsOnlyTheGaneshaItStarted() throws {
    let lab = try NFSLab()
    let images = lab.howlRoot + "/var/lib/howl/images"
    try lab.howl(Self.setup.replacingOccurrences(of: "SRC", with: lab.root + "/src"))
    let arguments = ["--no-dhcp", "--address", "10.77.0.1", "--bind", "10.77.0.1", "--tftp-port", "16976", "--http-port", "19880"]
    let serve = try ServeProcess(root: lab.howlRoot, arguments: arguments, netns: lab.pair.server)
    #expect(serve.log.contains("nfs (ganesha): added r8-opt; started (pid"), "\(serve.log)")
    let pid = try #require(lab.ganeshaPID)
    #expect(try lab.read(images + "/r8/rootfs/opt/tools/README") == "hello from /opt\n")

    // A commit from another process: serve applies it by reload.
    let data = lab.root + "/data"
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    try "shared\n".write(toFile: data + "/file", atomically: true, encoding: .utf8)
    try lab.howl("exports.add(\"\(data)\", name: \"data\")")
    #expect(serve.waitForLog("nfs (ganesha): added data; reloaded (pid \(pid))", timeout: 20), "\(serve.log)")
    #expect(try lab.read(data + "/file") == "shared\n")
    #expect(serve.stop() == 0)
    #expect(!GaneshaDaemon.isGanesha(pid), "serve stops the ganesha it started")

    // A ganesha started by exports.apply() outlives serve.
    try lab.howl("exports.apply()")
    let running = try #require(lab.ganeshaPID)
    let again = try ServeProcess(root: lab.howlRoot, arguments: arguments, netns: lab.pair.server)
    #expect(again.log.contains("nfs (ganesha): unchanged (pid \(running))"), "\(again.log)")
    #expect(again.stop() == 0)
    #expect(GaneshaDaemon.isGanesha(running))
    #expect(try lab.read(data + "/file") == "shared\n")
  }
}
