import Foundation
import Runtime
import Testing

/// Images know their architecture: from an ELF header (the root's
/// `/bin/sh`, links followed inside the root), from the image config, or
/// the manifest `platform:` picks; platform strings checked.
struct ImageArchitectureTests {
  /// An ELF header of `machine`, in that byte order, padded to 64 bytes.
  static func elf(machine: UInt16, littleEndian: Bool = true) -> Data {
    var bytes: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, littleEndian ? 1 : 2, 1, 0]
    bytes += [UInt8](repeating: 0, count: 8) + [2, 0]
    bytes += littleEndian ? [UInt8(machine & 0xff), UInt8(machine >> 8)] : [UInt8(machine >> 8), UInt8(machine & 0xff)]
    return Data(bytes + [UInt8](repeating: 0, count: 44))
  }

  /// A merged-/usr root whose /bin/sh is an absolute link to an aarch64 "dash".
  static func aarch64Root(_ root: String) throws {
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/usr/bin", withIntermediateDirectories: true)
    try elf(machine: 183).write(to: URL(fileURLWithPath: root + "/usr/bin/dash"))
    try fm.createSymbolicLink(atPath: root + "/bin", withDestinationPath: "usr/bin")
    try fm.createSymbolicLink(atPath: root + "/usr/bin/sh", withDestinationPath: "/usr/bin/dash")
  }

  @Test func elfHeadersTellTheArchitecture() throws {
    let dir = try Fixtures.scratch("elf")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for (machine, little, expected) in [(UInt16(62), true, Architecture.x86_64), (183, true, .aarch64), (22, false, .s390x), (21, true, .ppc64le)] {
      try Self.elf(machine: machine, littleEndian: little).write(to: URL(fileURLWithPath: dir + "/f"))
      #expect(Architecture.ofELF(dir + "/f") == expected)
    }
    try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: dir + "/script"))
    #expect(Architecture.ofELF(dir + "/script") == nil)
    #expect(Architecture.ofELF("/bin/dash") == Architecture.host)

    try Self.aarch64Root(dir + "/root")
    #expect(Architecture.ofRoot(dir + "/root") == .aarch64, "links resolved inside the root, not on the host")
    // No /bin/sh: /usr/bin/env tells.
    try FileManager.default.createDirectory(atPath: dir + "/env/usr/bin", withIntermediateDirectories: true)
    try Self.elf(machine: 62).write(to: URL(fileURLWithPath: dir + "/env/usr/bin/env"))
    #expect(Architecture.ofRoot(dir + "/env") == .x86_64)
    #expect(Architecture.ofRoot(dir + "/nothing") == nil)
  }

  @Test func platformsParseAndBadOnesSayWhatIsAccepted() throws {
    #expect(try Platform("linux/arm64") == Platform(architecture: .aarch64))
    #expect(try Platform("arm64") == Platform(architecture: .aarch64))
    #expect(try Platform("aarch64") == Platform(architecture: .aarch64))
    #expect(try Platform("linux/amd64").description == "linux/amd64")
    #expect(try Platform("linux/arm64/v8") == Platform(architecture: .aarch64, variant: "v8"))
    #expect { try Platform("windows/amd64") } throws: { "\($0)".contains("Linux nodes only") }
    for bad in ["linux/sparc", "", "linux/", "linux/arm64/v8/x", "linux/arm64/"] {
      #expect(throws: ImageError.self, "\(bad)") { try Platform(bad) }
    }
    #expect { try Platform("linux/sparc") } throws: {
      "\($0)" == "platform: takes linux/ARCH (linux/amd64, linux/arm64, linux/ppc64le, linux/s390x, linux/riscv64), not \"linux/sparc\""
    }
  }

  @Test func aDirectoryImportRecordsItsArchitectureAndAMismatchLeavesNothing() throws {
    let dir = try Fixtures.scratch("arch-dir")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.aarch64Root(dir + "/src")
    let paths = ImagePaths(name: "gh", stateDirectory: dir + "/state")
    #expect(try ImageImporter(paths: paths).run(ImageSource("dir:\(dir)/src")) == .aarch64)
    let other = ImagePaths(name: "wrong", stateDirectory: dir + "/state")
    #expect { try ImageImporter(paths: other).run(ImageSource("dir:\(dir)/src"), platform: Platform("linux/amd64")) } throws: {
      "\($0)" == "the image is for aarch64, not the x86_64 of platform linux/amd64"
    }
    #expect(!FileManager.default.fileExists(atPath: other.imageDirectory))

    // A build records it too; the docker archive's config says amd64.
    let built = try ImageBuilder(paths: paths, excludes: []).build()
    #expect(built.record.arch == "aarch64")
    let src = try ImageImportTests.handMade("good")
    defer { try? FileManager.default.removeItem(atPath: src) }
    #expect(try ImageImporter(paths: ImagePaths(name: "docker", stateDirectory: dir + "/state"))
      .run(ImageSource("docker-archive:\(src)/docker.tar")) == .x86_64)
  }

  @Test func scriptsSeeImageArchAndTheTableHasAnArchColumn() throws {
    let dir = try Fixtures.scratch("arch-script")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.aarch64Root(dir + "/gh")
    try ImageScriptTests.runnableTree(dir + "/x86")
    let r = try ImageScriptTests.run("""
      let gh = images.import("dir:\(dir)/gh", name: "gh", platform: "linux/arm64")
      let x = images.import("dir:\(dir)/x86", name: "x86")
      print(gh.arch, x.arch)
      commit()
      print(images)
      """, in: dir)
    #expect(r.status == 0, "\(r.err)")
    let lines = r.out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(lines.first == ["aarch64", "x86_64"])
    #expect(lines.dropFirst().first?.prefix(2) == ["NAME", "ARCH"])
    #expect(lines.contains { $0.prefix(2) == ["gh", "aarch64"] } && lines.contains { $0.prefix(2) == ["x86", "x86_64"] }, "\(r.out)")

    let bad = try ImageScriptTests.run("images.import(\"dir:\(dir)/gh\", name: \"bad\", platform: \"linux/sparc\")", in: dir)
    #expect(bad.status != 0 && bad.err.contains("platform: takes linux/ARCH"), "\(bad.err)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/root/var/lib/howl/images/bad"))
  }
}
