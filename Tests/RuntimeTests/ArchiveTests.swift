import Foundation
import Runtime
import Testing

/// The cpio writer and gzip, read back with the real `cpio`, `bsdtar` and `gzip`.
struct ArchiveTests {
  func run(_ command: String) throws -> (status: Int32, output: String) { try Shell.run(command) }

  @Test func writesANewcArchiveThatCpioAndBsdtarRead() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("howl-archive-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let writer = try CpioWriter(path: dir + "/a.img")
    try writer.add("etc", .directory, .init(mode: 0o755))
    try writer.add("etc/hostname", .file(contents: Array("sc001\n".utf8)), .init(mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000))
    try writer.add("etc/secret", .file(contents: Array("x".utf8)), .init(mode: 0o600, uid: 1000, gid: 100))
    try writer.add("init", .symlink(target: "sbin/init"), .init(mode: 0o777))
    try writer.finish()
    try Gzip.compress(dir + "/a.img", to: dir + "/a.img.gz")

    let format = try run("head -c 6 \(dir)/a.img")
    #expect(format.output == "070701", "newc magic")
    let listing = try run("cd \(dir) && cpio -itv --numeric-uid-gid < a.img 2>/dev/null")
    #expect(listing.status == 0)
    #expect(listing.output.contains("etc/hostname"))
    #expect(listing.output.contains("-rw-------   1 1000     100"))
    #expect(listing.output.contains("init -> sbin/init"))
    #expect(try run("gzip -t \(dir)/a.img.gz").status == 0)
    let extracted = try run("mkdir \(dir)/x && cd \(dir)/x && bsdtar -xf ../a.img.gz && cat etc/hostname && stat -c %a etc/secret")
    #expect(extracted.output == "sc001\n600\n")
  }
}
