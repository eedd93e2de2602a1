import Foundation
import Runtime
import Testing

/// `howl serve` builds what a node fetches when it is missing or stale: the
/// node's overlays (rendered for it) and its image, then serves them.
@Suite(.serialized)
struct OnDemandBuildTests {
  @Test func systemOverlayAndImageAreBuiltWhenFirstFetched() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("howl-ondemand-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    // An image source: a tree with /bin/sh and a kernel.
    let source = root + "/source"
    try FileManager.default.createDirectory(atPath: source + "/bin", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: source + "/boot", withIntermediateDirectories: true)
    try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: source + "/bin/sh"))
    try Data("kernel".utf8).write(to: URL(fileURLWithPath: source + "/boot/vmlinuz-6.1.0-1-amd64"))
    let script = """
      let img = images.import("dir:\(source)", name: "tiny")
      profiles["default"].image = "tiny"
      profiles["default"].overlays = ["hostname"]
      nodes.add("n1", hwaddr: \(Fixture.mac1), ipaddr: 10.77.0.11)
      """
    var environment = ProcessInfo.processInfo.environment
    environment["HOWL_ROOT"] = root
    environment["HOWL_STDLIB"] = Fixture.packageRoot.appendingPathComponent("stdlib").path
    let setup = try run([Fixture.howl, "-c", script], environment: environment)
    #expect(setup.status == 0, "\(setup.output)")
    let provision = root + "/var/lib/howl/provision"
    #expect(!FileManager.default.fileExists(atPath: provision + "/overlays/n1/__SYSTEM__.img.gz"))
    #expect(!FileManager.default.fileExists(atPath: provision + "/images/tiny.img.gz"))

    let server = try ServeProcess(root: root, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                          "--tftp-port", "16981", "--http-port", "19881"])
    defer { _ = server.stop() }
    let base = "http://127.0.0.1:19881"
    let mac = Fixture.mac1.replacingOccurrences(of: ":", with: "-")
    let system = try run(["sh", "-c", "curl -sf '\(base)/system/\(mac)?compress=gz' | gzip -dc | cpio -i --to-stdout etc/hostname 2>/dev/null"])
    #expect(system.output == "n1\n", "\(server.log)")
    let image = try run(["sh", "-c", "curl -sf '\(base)/image/\(mac)?compress=gz' | gzip -dc | cpio -it 2>/dev/null"])
    #expect(image.output.contains("bin/sh"), "\(server.log)")
    #expect(FileManager.default.fileExists(atPath: provision + "/images/tiny.img.gz"))
  }
}
