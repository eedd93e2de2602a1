import Foundation
import Runtime
import Testing

/// `howl serve` builds what a node fetches when it is missing or stale: the
/// node's overlays (rendered for it) and its image, compressed as the image
/// says (gzip, or zstd for a `build(compression: "zstd")` image), then
/// serves them.
@Suite(.serialized)
struct OnDemandBuildTests {
  /// A cluster in a scratch root: image `tiny` (a tree with /bin/sh and a
  /// kernel stand-in; `imageScript` runs on it as `img`), node n1 using it.
  static func makeCluster(imageScript: String = "") throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("howl-ondemand-\(UUID().uuidString)").path
    let source = root + "/source"
    try FileManager.default.createDirectory(atPath: source + "/bin", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: source + "/boot", withIntermediateDirectories: true)
    try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: source + "/bin/sh"))
    try Data("kernel".utf8).write(to: URL(fileURLWithPath: source + "/boot/vmlinuz-6.1.0-1-amd64"))
    let script = """
      let img = images.import("dir:\(source)", name: "tiny")
      \(imageScript)
      profiles["default"].image = "tiny"
      profiles["default"].overlays = ["wwinit", "hostname"]
      nodes.add("n1", hwaddr: \(Fixture.mac1), ipaddr: 10.77.0.11)
      """
    let environment = Fixture.environment(root: root)
    let setup = try run([Fixture.howl, "-c", script], environment: environment)
    #expect(setup.status == 0, "\(setup.output)")
    return root
  }

  static let mac = Fixture.mac1.replacingOccurrences(of: ":", with: "-")

  @Test func systemOverlayAndImageAreBuiltWhenFirstFetched() throws {
    let root = try Self.makeCluster()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let provision = root + "/var/lib/howl/provision"
    #expect(!FileManager.default.fileExists(atPath: provision + "/overlays/n1/__SYSTEM__.img.gz"))
    #expect(!FileManager.default.fileExists(atPath: provision + "/images/tiny.img.gz"))

    let server = try ServeProcess(root: root, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                          "--tftp-port", "16981", "--http-port", "19881"])
    defer { _ = server.stop() }
    let base = "http://127.0.0.1:19881"
    let system = try run(["sh", "-c", "curl -sf '\(base)/system/\(Self.mac)?compress=gz' | gzip -dc | cpio -i --to-stdout etc/hostname 2>/dev/null"])
    #expect(system.output == "n1\n", "\(server.log)")
    let image = try run(["sh", "-c", "curl -sf '\(base)/image/\(Self.mac)?compress=gz' | gzip -dc | cpio -it 2>/dev/null"])
    #expect(image.output.contains("bin/sh"), "\(server.log)")
    #expect(FileManager.default.fileExists(atPath: provision + "/images/tiny.img.gz"))
  }

  @Test func aZstdImageIsNamedInTheScriptRebuiltAndServedAsZstd() throws {
    let root = try Self.makeCluster(imageScript: "img.build(compression: \"zstd\")")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let images = root + "/var/lib/howl/provision/images"
    // Gone, as after a clean-up: the next fetch builds it again, as zstd.
    for file in ["tiny.img", "tiny.img.zst"] { try FileManager.default.removeItem(atPath: images + "/" + file) }

    let server = try ServeProcess(root: root, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                          "--tftp-port", "16982", "--http-port", "19882"])
    defer { _ = server.stop() }
    let base = "http://127.0.0.1:19882"
    let script = try run(["curl", "-sf", "\(base)/ipxe/\(Self.mac)"]).output
    #expect(script.contains("initrd --name image ${base}/image/\(Fixture.mac1)?${params}&compress=zstd "), "\(script)")

    let url = "\(base)/provision/\(Self.mac)?stage=image&compress=zstd"
    let listed = try run(["sh", "-c", "curl -sf '\(url)' | zstd -qdc | cpio -it --quiet"])
    #expect(listed.output.contains("bin/sh\n"), "\(listed.output)\n\(server.log)")
    let zst = images + "/tiny.img.zst"
    #expect(!FileManager.default.fileExists(atPath: images + "/tiny.img.gz"))
    let downloaded = root + "/downloaded.zst"
    #expect(try run(["curl", "-sf", "-o", downloaded, url]).status == 0)
    #expect(FileManager.default.contentsEqual(atPath: downloaded, andPath: zst))

    // Validators and ranges as for any file.
    let head = try run(["curl", "-sfI", url]).output
    let size = try #require(try FileManager.default.attributesOfItem(atPath: zst)[.size] as? Int)
    #expect(head.contains("Content-Length: \(size)\r\n") && head.contains("Content-Type: application/octet-stream"), "\(head)")
    let etag = try #require(head.split(separator: "\r\n").first { $0.hasPrefix("ETag:") }.map { String($0.dropFirst(6)) })
    #expect(try run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \(etag)", url]).output == "304")
    let magic = try run(["sh", "-c", "curl -sf -r 0-3 '\(url)' | od -An -tx1"]).output
    #expect(magic.split(separator: " ").map(String.init) == ["28", "b5", "2f", "fd\n"], "zstd's frame magic")

    // A gzip request for it finds no .img.gz, and the log says why.
    let gz = try run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/image/\(Self.mac)?compress=gz"]).output
    #expect(gz == "404")
    #expect(server.waitForLog("compress=gz asked, but its image is built with zstd (compress=zstd)"), "\(server.log)")
  }
}
