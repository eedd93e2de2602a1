import Foundation
import Testing

/// `howl check` through the binary: a ready cluster exits 0 and says so; a
/// commit that makes nodes unbootable warns (and still commits); then
/// `howl check` prints the problem with its fix and exits 1.
@Suite(.serialized)
struct CheckCommandTests {
  func howl(_ arguments: [String], root: String) throws -> (status: Int32, output: String, errors: String) {
    let home = try ScratchDirectory()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: HowlProgram.executable)
    process.arguments = arguments
    var environment = HowlProgram.environment(home: home)
    environment["HOWL_ROOT"] = root
    process.environment = environment
    let stdout = Pipe(), stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output, errors)
  }

  @Test func howlCheckSaysWhatWouldStopANodeAndExitsOneUntilItIsFixed() throws {
    let root = try ScratchDirectory()
    let tree = root.path + "/tree"
    for directory in ["bin", "boot", "etc"] {
      try FileManager.default.createDirectory(atPath: tree + "/" + directory, withIntermediateDirectories: true)
    }
    try Data("#!/bin/true\n".utf8).write(to: URL(fileURLWithPath: tree + "/bin/sh"))
    try Data("kernel".utf8).write(to: URL(fileURLWithPath: tree + "/boot/vmlinuz-6.1.0-howl"))
    let setup = try howl(["-c", """
      server.ipaddr = 10.0.0.1/24
      images.import("dir:\(tree)", name: "base").build()
      profiles["default"].image = "base"
      nodes.add("n[1-2]", profile: "default", ipaddr: 10.0.0.11)
      nodes["n1"].hwaddr = 52:54:00:00:00:11
      nodes["n2"].hwaddr = 52:54:00:00:00:12
      """], root: root.path)
    #expect(setup.status == 0, "\(setup.errors)")
    #expect(!setup.errors.contains("cannot boot"), "\(setup.errors)")

    let ready = try howl(["check"], root: root.path)
    #expect(ready.status == 0, "\(ready.errors)")
    #expect(ready.output == "n[1-2]: ready to boot (2 nodes)\n")

    let change = try howl(["-c", #"profiles["default"].overlays = ["hostname"]"#], root: root.path)
    #expect(change.status == 0, "the commit is not refused:\n\(change.errors)")
    #expect(change.errors == """
      warning: n[1-2] cannot boot: no overlay provides /init (the kernel would panic); fix: profiles["default"].overlays += ["wwinit"]

      """)

    let broken = try howl(["check"], root: root.path)
    #expect(broken.status == 1)
    #expect(broken.output == """
      n[1-2]: no overlay provides /init (the kernel would panic); fix: profiles["default"].overlays += ["wwinit"]

      """)
    #expect(try howl(["check", "extra"], root: root.path).status == 2)
  }
}
