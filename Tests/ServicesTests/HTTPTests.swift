import Foundation
import NIOHTTP1
import Runtime
import Testing
@testable import Services

/// HTTP provisioning: route parsing, ranges and validators, iPXE rendering,
/// and curl against a running `howl serve` on loopback.
@Suite(.serialized) struct HTTPTests {
  @Test func routesAndParameters() {
    let request = ProvisionRequest(uri: "//ipxe/52-54-00-77-00-11?assetkey=k%20y&uuid=u1")
    #expect(request.route == .stage(.ipxe))
    #expect(request.wwid == MACAddress(Fixture.mac1))
    #expect(request.assetKey == "k y")
    #expect(ProvisionRequest(uri: "/container/52:54:00:77:00:11?compress=gz").route == .stage(.image))
    #expect(ProvisionRequest(uri: "/container/52:54:00:77:00:11?compress=gz").compression == .gzip)
    #expect(ProvisionRequest(uri: "/provision/52:54:00:77:00:11?stage=image&compress=zstd").compression == .zstd)
    #expect(ProvisionRequest(uri: "/image/52:54:00:77:00:11?compress=lz4").compression == nil)
    #expect(ProvisionRequest(uri: "/overlay-runtime/52:54:00:77:00:11").route == .stage(.runtime))
    #expect(ProvisionRequest(uri: "/provision/52:54:00:77:00:11?stage=system").route == .stage(.system))
    #expect(ProvisionRequest(uri: "/kernel?wwid=52-54-00-77-00-11").wwid == MACAddress(Fixture.mac1))
    #expect(ProvisionRequest(uri: "/status").route == .status)
    #expect(ProvisionRequest(uri: "/etc/passwd").route == .unknown)
  }

  @Test func rangesAndValidators() {
    func plan(_ headers: [(String, String)]) -> FileRange {
      FileRange(size: 1000, mtime: 1_700_000_000, inode: 7, headers: HTTPHeaders(headers))
    }
    #expect(plan([]).status == .ok && plan([]).range == 0..<1000)
    #expect(plan([("Range", "bytes=10-19")]).range == 10..<20)
    #expect(plan([("Range", "bytes=990-")]).range == 990..<1000)
    #expect(plan([("Range", "bytes=-5")]).range == 995..<1000)
    #expect(plan([("Range", "bytes=5-99999")]).range == 5..<1000)
    #expect(plan([("Range", "bytes=1000-")]).status == .rangeNotSatisfiable)
    #expect(plan([("Range", "bytes=0-1,5-6")]).status == .ok, "multiple ranges: the whole file")
    let etag = plan([]).etag
    #expect(plan([("If-None-Match", etag)]).status == .notModified)
    #expect(plan([("If-None-Match", "\"other\"")]).status == .ok)
    #expect(plan([("If-Modified-Since", HTTPDate.format(1_700_000_000))]).status == .notModified)
    #expect(plan([("If-Modified-Since", HTTPDate.format(1_600_000_000))]).status == .ok)
    #expect(plan([("Range", "bytes=0-9"), ("If-Range", "\"stale\"")]).status == .ok)
    #expect(plan([("Range", "bytes=10-19")]).contentRange == "bytes 10-19/1000")
    let query = FileRange(size: 1000, mtime: 1_700_000_000, inode: 7, headers: HTTPHeaders(), queryRange: "990-1999")
    #expect(query.status == .ok && query.range == 990..<1000 && query.contentRange == "bytes 990-999/1000", "range=: 200 with the slice")
    #expect(FileRange(size: 1000, mtime: 0, inode: 7, headers: HTTPHeaders(), queryRange: "1000-").status == .rangeNotSatisfiable)
    #expect(FileRange(size: 1000, mtime: 0, inode: 7, headers: HTTPHeaders(), queryRange: "x").range == 0..<1000, "unparsed: the whole file")
    #expect(HTTPDate.parse(HTTPDate.format(1_700_000_123)) == 1_700_000_123)
  }

  @Test func ipxeScriptHasKernelInitrdsAndNames() throws {
    let config = BootConfig(state: Fixture.state(), settings: Fixture.settings())
    let mac = try #require(MACAddress(Fixture.mac1))
    let node = try #require(config.node(for: mac))
    let script = try IPXEScript(directories: [Fixture.stdlibIPXE]).render(node: node, mac: mac, settings: config.settings, kernelVersion: "6.1")
    #expect(script.hasPrefix("#!ipxe"))
    #expect(script.contains("kernel --name kernel ${base}/kernel/52:54:00:77:00:11?${params}"))
    #expect(script.contains("initrd --name image ${base}/image/52:54:00:77:00:11?${params}&compress=gz"))
    #expect(script.contains("boot kernel initrd=image initrd=system ${runtime} wwid=52:54:00:77:00:11 console=ttyS0 quiet"))
    #expect(script.contains("set base http://10.77.0.1:9873"))
    #expect(!script.contains("imgextract"))
  }

  @Test func grubConfigurationBootsTheKernelWithTheInitrdsOrSaysWhyNot() throws {
    let config = BootConfig(state: Fixture.state(), settings: Fixture.settings())
    let mac = try #require(MACAddress(Fixture.mac1))
    let node = try #require(config.node(for: mac))
    let grub = IPXEScript(directories: [Fixture.stdlibIPXE])
    let script = try grub.renderGrub(node: node, mac: mac, settings: config.settings, kernelVersion: "6.1",
                                     imageCompression: .gzip, problems: [])
    let lines = script.split(separator: "\n").map(String.init)
    #expect(lines.contains("set base=(http,10.77.0.1:9873)"))
    #expect(lines.contains("linux ${base}/kernel/52:54:00:77:00:11 wwid=52:54:00:77:00:11 console=ttyS0 quiet"))
    #expect(lines.contains("initrd ${base}/image/52:54:00:77:00:11?compress=gz ${base}/system/52:54:00:77:00:11?compress=gz ${base}/runtime/52:54:00:77:00:11?compress=gz"))
    var secure = config.settings
    secure.secure = true
    let noRuntime = try grub.renderGrub(node: node, mac: mac, settings: secure, kernelVersion: nil, imageCompression: .zstd, problems: [])
    #expect(noRuntime.contains("initrd ${base}/image/52:54:00:77:00:11?compress=zstd ${base}/system/52:54:00:77:00:11?compress=gz\n"))
    let refused = try grub.renderGrub(node: node, mac: mac, settings: config.settings, kernelVersion: nil, imageCompression: .gzip,
                                      problems: ["no image; fix: profiles[\"default\"].image = \"NAME\""])
    #expect(refused.contains("echo \"  no image; fix: profiles[\\\"default\\\"].image = \\\"NAME\\\"\"\n"), "\(refused)")
    #expect(!refused.contains("linux ") && refused.contains("reboot"))
    #expect(ProvisionRequest(uri: "/grub/52:54:00:77:00:11").route == .stage(.grub))
  }

  /// A two-stage node booting GRUB (arm64) gets stage one for GRUB's CPU
  /// and its image's kernel modules, not the image.
  @Test func grubConfigurationOfATwoStageNodeLoadsStageOne() throws {
    var state = Fixture.state()
    state.cluster.profiles["default"]?.fields["ipxe template"] = .string("two-stage")
    let config = BootConfig(state: state, settings: Fixture.settings())
    let mac = try #require(MACAddress(Fixture.mac1))
    let node = try #require(config.node(for: mac))
    let script = try IPXEScript(directories: [Fixture.stdlibIPXE])
      .renderGrub(node: node, mac: mac, settings: config.settings, kernelVersion: "6.1", imageCompression: .zstd, problems: [])
    let lines = script.split(separator: "\n").map(String.init)
    #expect(lines.contains("linux ${base}/kernel/52:54:00:77:00:11 wwid=52:54:00:77:00:11 howl.server=10.77.0.1:9873 howl.root=tmpfs howl.compress=zstd console=ttyS0 quiet"), "\(script)")
    #expect(lines.contains("initrd \"${base}/stage1/52:54:00:77:00:11?arch=${grub_cpu}\" ${base}/kmods/52:54:00:77:00:11"), "\(script)")
    #expect(!script.contains("/image/"))
    #expect(ProvisionRequest(uri: "/stage1/52:54:00:77:00:11?arch=arm64").arch.map(ProvisionRouter.architecture) == "aarch64")
  }

  @Test func ipxeScriptAsksForAZstdImageAsZstd() throws {
    var state = Fixture.state()
    state.server.images["img1"] = ServerConfig.ImageEntry(compression: .zstd)
    let config = BootConfig(state: state, settings: Fixture.settings())
    let mac = try #require(MACAddress(Fixture.mac1))
    let node = try #require(config.node(for: mac))
    #expect(config.imageCompression(of: node) == .zstd)
    let script = try IPXEScript(directories: [Fixture.stdlibIPXE])
      .render(node: node, mac: mac, settings: config.settings, kernelVersion: "6.1", imageCompression: config.imageCompression(of: node))
    #expect(script.contains("initrd --name image ${base}/image/52:54:00:77:00:11?${params}&compress=zstd || goto failed"))
    #expect(script.contains("initrd --name system ${base}/system/52:54:00:77:00:11?${params}&compress=gz"))
  }

  @Test func newestKernelIsPicked() throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let config = BootConfig(state: Fixture.state(), settings: Fixture.settings())
    let node = try #require(config.nodes["n1"])
    let kernel = DiskBootArtifacts(paths: BootPaths(root: scratch.path)).kernel(for: node)
    #expect(kernel?.hasSuffix("/boot/vmlinuz-6.1.0-10-amd64") == true)
  }

  @Test func curlGetsScriptsFilesRangesAndIsRefusedWhereItShouldBe() throws {
    let scratch = try ScratchRoot(state: Fixture.state(assetKey: "k1", server: ServerConfig(secure: true)))
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16971", "--http-port", "19875"])
    defer { #expect(server.stop() == 0) }
    let base = "http://127.0.0.1:19875"
    func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
      try run(["curl", "-sS", "--max-time", "20"] + arguments, timeout: 30)
    }
    func code(_ arguments: [String]) throws -> String {
      try curl(["-o", "/dev/null", "-w", "%{http_code}"] + arguments).output
    }
    let n1 = "52-54-00-77-00-11", n2 = "52:54:00:77:00:12"
    let script = try curl(["\(base)/ipxe/\(n1)?assetkey=k1"]).output
    #expect(script.contains("kernel --name kernel ${base}/kernel/52:54:00:77:00:11"))
    #expect(try code(["\(base)/ipxe/\(n1)"]) == "401", "asset key missing")
    #expect(try code(["\(base)/ipxe/\(n1)?assetkey=wrong"]) == "401")
    #expect(try curl(["\(base)/ipxe/02-00-00-00-00-99"]).output.contains("not a known node"), "unknown MAC: the unconfigured script")
    #expect(try curl(["\(base)/kernel/\(n2)"]).output == "new kernel")
    let paths = BootPaths(root: scratch.path)
    let imageFile = paths.provision + "/images/img1.img.gz"
    let out = scratch.path + "/image"
    #expect(try curl(["-o", out, "\(base)/image/\(n2)?compress=gz"]).status == 0)
    #expect(FileManager.default.contentsEqual(atPath: out, andPath: imageFile))
    #expect(try curl(["\(base)/image/\(n2)"]).output == "image")
    #expect(try curl(["-r", "4096-4097", "\(base)/image/\(n2)?compress=gz"]).output.utf8.elementsEqual([1, 0]))
    #expect(try code(["-r", "4096-4097", "\(base)/image/\(n2)?compress=gz"]) == "206")
    #expect(try code(["-r", "9999999-", "\(base)/image/\(n2)?compress=gz"]) == "416")
    // Two-stage boot's stage one fetches its chunks so, with busybox wget.
    let chunk = scratch.path + "/chunk"
    let wget = try run(["busybox", "wget", "-q", "-S", "-O", chunk, "\(base)/image/\(n2)?compress=gz&range=4096-4097"])
    #expect(wget.status == 0 && wget.output.contains("  HTTP/1.1 200 OK") && wget.output.contains("  Content-Range: bytes 4096-4097/3000000"),
            "\(wget.output)")
    #expect((try? Data(contentsOf: URL(fileURLWithPath: chunk))) == Data([1, 0]))
    let head = try curl(["-I", "\(base)/image/\(n2)?compress=gz"]).output
    #expect(head.contains("Content-Length: 3000000"))
    let etag = head.split(separator: "\r\n").first { $0.hasPrefix("ETag:") }.map { String($0.dropFirst(6)) } ?? ""
    #expect(try code(["-H", "If-None-Match: \(etag)", "\(base)/image/\(n2)?compress=gz"]) == "304")
    #expect(try code(["-z", imageFile, "\(base)/image/\(n2)?compress=gz"]) == "304", "If-Modified-Since")
    #expect(try curl(["\(base)/system/\(n2)?compress=gz"]).output == "system n2")
    // Secure mode: the runtime overlay only to privileged source ports, and
    // only signed by the node's agent (served so in AgentTests).
    #expect(try code(["--local-port", "40000-40100", "\(base)/runtime/\(n2)?compress=gz"]) == "401")
    #expect(try curl(["--local-port", "700-800", "\(base)/runtime/\(n2)?compress=gz"]).output
      == "runtime overlay needs a request signed by the node's agent\n")
    #expect(try code(["\(base)/kernel/02-00-00-00-00-99"]) == "404")
    #expect(try code(["--path-as-is", "\(base)/../../etc/passwd"]) == "404")
    #expect(try code(["\(base)/kernel/not-a-mac"]) == "400")
    let status = try curl(["\(base)/status"]).output
    #expect(status.contains("\"n2\"") && status.contains("\"runtime\"") && status.contains("BAD_REQUEST"), "the unsigned runtime request, refused")
    #expect(status.contains("BAD_ASSET"))
  }

  /// busybox nc half-closes after its request: the server answers, then
  /// closes, and leaves no CLOSE-WAIT socket behind. A kept-alive connection
  /// that asks nothing more is reset after the idle timeout, so a node
  /// rebooting with the same source port (GRUB) finds no stale connection.
  @Test func connectionsEndWhenTheClientIsDoneOrIdle() throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16973", "--http-port", "19877"])
    defer { #expect(server.stop() == 0) }
    let request = "GET /ipxe/52-54-00-77-00-11 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    let halfClosed = try run(["/bin/sh", "-c", "printf '\(request)' | timeout 10 busybox nc 127.0.0.1 19877"])
    #expect(halfClosed.status == 0 && halfClosed.output.contains("#!ipxe"), "\(halfClosed.output)")
    let waiting = try run(["/usr/bin/ss", "-Htan", "state", "close-wait", "state", "last-ack", "( sport = :19877 )"])
    #expect(waiting.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(waiting.output)")

    let client = Process()
    client.executableURL = URL(fileURLWithPath: "/bin/busybox")
    client.arguments = ["nc", "127.0.0.1", "19877"]
    let input = Pipe(), output = Pipe()
    client.standardInput = input
    client.standardOutput = output
    let start = Date()
    try client.run()
    input.fileHandleForWriting.write(Data(request.utf8))
    while client.isRunning && Date().timeIntervalSince(start) < 40 { usleep(50_000) }
    let seconds = Date().timeIntervalSince(start)
    if client.isRunning { kill(client.processIdentifier, SIGKILL) }
    try? input.fileHandleForWriting.close()
    #expect(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("#!ipxe"))
    #expect(seconds >= 14 && seconds < 30, "the idle connection ended after \(seconds) s")
  }

  @Test func manyConcurrentDownloads() throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16972", "--http-port", "19876"])
    defer { #expect(server.stop() == 0) }
    let url = "http://127.0.0.1:19876/image/52-54-00-77-00-12?compress=gz"
    let downloads = try (1...40).map { index in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
      process.arguments = ["-sS", "--max-time", "30", "-o", "\(scratch.path)/dl\(index)", url]
      try process.run()
      return process
    }
    let deadline = Date().addingTimeInterval(40)
    while downloads.contains(where: \.isRunning) && Date() < deadline { usleep(20_000) }
    downloads.filter(\.isRunning).forEach { kill($0.processIdentifier, SIGKILL) }
    #expect(downloads.allSatisfy { !$0.isRunning && $0.terminationStatus == 0 })
    let imageFile = BootPaths(root: scratch.path).provision + "/images/img1.img.gz"
    for index in 1...40 {
      let same = FileManager.default.contentsEqual(atPath: "\(scratch.path)/dl\(index)", andPath: imageFile)
      #expect(same, "\((try? FileManager.default.attributesOfItem(atPath: "\(scratch.path)/dl\(index)"))?[.size] ?? "missing")")
      if !same { break }
    }
  }
}
