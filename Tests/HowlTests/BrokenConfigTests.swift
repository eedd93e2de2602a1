import Foundation
import Testing

/// A broken `nodes.conf` or `howl.conf` is reported by every way of reading
/// the cluster, printing included: the file, line and column and the key
/// path, and the script exits 1.
@Suite(.serialized)
struct BrokenConfigTests {
  /// A scratch `HOWL_ROOT` whose `etc/howl/FILE` holds `text`.
  func cluster(with file: String, _ text: String) throws -> ScratchDirectory {
    let home = try ScratchDirectory()
    try FileManager.default.createDirectory(atPath: home.path + "/root/etc/howl", withIntermediateDirectories: true)
    try text.write(toFile: home.path + "/root/etc/howl/" + file, atomically: true, encoding: .utf8)
    return home
  }

  static let brokenNodesConf = "nodes:\n  a: [\n"
  static let brokenHowlConf = "warewulf:\n  port: [\n"

  @Test(arguments: [
    "print(nodes)", "print(profiles)", "print(images)", "print(exports)", "print(server)",
    "print(str(nodes))", "print(\"${profiles}\")", "print([images])", "print(join([exports], \",\"))",
  ])
  func printingWithABrokenNodesConfFails(_ script: String) throws {
    let home = try cluster(with: "nodes.conf", Self.brokenNodesConf)
    let r = try HowlProgram.piped("", home: home, arguments: ["-c", script])
    #expect(r.status == 1)
    #expect(r.output == "")
    #expect(r.errors.contains("/etc/howl/nodes.conf:3:1: nodes.a: "), "\(r.errors)")
  }

  @Test(arguments: ["print(server)", "print(server.nfs)", "print(\"${server.nfs}\")", "print(nodes)", "print(images)"])
  func printingWithABrokenHowlConfFails(_ script: String) throws {
    let home = try cluster(with: "howl.conf", Self.brokenHowlConf)
    let r = try HowlProgram.piped("", home: home, arguments: ["-c", script])
    #expect(r.status == 1)
    #expect(r.output == "")
    #expect(r.errors.contains("/etc/howl/howl.conf:3:1: warewulf.port: "), "\(r.errors)")
  }

  @Test(arguments: ["nodes", "profiles", "images", "exports", "server"])
  func theREPLsEchoWithABrokenNodesConfFails(_ entry: String) throws {
    let home = try cluster(with: "nodes.conf", Self.brokenNodesConf)
    let r = try HowlProgram.piped(entry + "\n", home: home)
    #expect(r.status == 1)
    #expect(r.output == "")
    #expect(r.errors.contains("/etc/howl/nodes.conf:3:1: nodes.a: "), "\(r.errors)")
  }

  /// Overlays live in their own directories, not in either file: they
  /// still print.
  @Test func overlaysPrintWhateverTheFilesHold() throws {
    let home = try cluster(with: "nodes.conf", Self.brokenNodesConf)
    let r = try HowlProgram.piped("", home: home, arguments: ["-c", "print(overlays)"])
    #expect(r.status == 0, "\(r.errors)")
    #expect(r.output.hasPrefix("NAME"))
    #expect(r.output.contains("wwinit"))
  }
}
