import Foundation
import Testing
@testable import Services

/// TFTP: the codec, option negotiation, the safe root, and transfers to
/// curl and tftp-hpa from a running `howl serve` on loopback.
@Suite(.serialized) struct TFTPTests {
  @Test func codecRoundTrips() throws {
    let packets: [TFTPPacket] = [
      .readRequest(filename: "warewulf/ipxe.efi", mode: "octet", options: [("blksize", "1468"), ("tsize", "0")]),
      .data(block: 7, payload: [1, 2, 3]), .ack(block: 65535), .error(code: 1, message: "file not found"),
      .optionAck([("blksize", "1468")]),
    ]
    for packet in packets { #expect(try TFTPPacket.parse(packet.encode()) == packet) }
    #expect(throws: TFTPPacket.ParseError.self) { try TFTPPacket.parse([0, 1, 65, 66]) }
    #expect(throws: TFTPPacket.ParseError.self) { try TFTPPacket.parse([0, 9, 0, 0]) }
    #expect(throws: TFTPPacket.ParseError.self) { try TFTPPacket.parse([0, 1]) }
  }

  @Test func optionsAreNegotiatedWithinLimits() {
    let options = TFTPTransferOptions(requested: [("blksize", "100000"), ("tsize", "0"), ("timeout", "0"), ("windowsize", "16"), ("x", "1")], fileSize: 4242)
    #expect(options.blockSize == 65464)
    #expect(options.windowSize == 16)
    #expect(options.timeoutSeconds == 1)
    #expect(options.acknowledged.map(\.0) == ["blksize", "tsize", "windowsize"])
    #expect(options.acknowledged[1].1 == "4242")
    #expect(TFTPTransferOptions(requested: [], fileSize: 1).acknowledged.isEmpty)
  }

  @Test func safeRootRefusesEscapes() throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let root = SafeRoot(BootPaths(root: scratch.path).tftpRoot)
    #expect(try root.resolve("warewulf/small.bin").get().hasSuffix("/warewulf/small.bin"))
    #expect(try root.resolve("/warewulf/small.bin").get().hasSuffix("/warewulf/small.bin"), "absolute names are relative to the root")
    #expect(root.resolve("../outside/secret") == .failure(.traversal))
    #expect(root.resolve("warewulf/../../outside/secret") == .failure(.traversal))
    #expect(root.resolve("escape") == .failure(.traversal), "a symlink out of the root")
    #expect(root.resolve("warewulf") == .failure(.notAFile))
    #expect(root.resolve("missing") == .failure(.notFound))
  }

  @Test func curlAndTFTPHPAFetchAndAreRefusedTraversal() throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16969", "--http-port", "19873"])
    defer { #expect(server.stop() == 0) }
    let tftpRoot = BootPaths(root: scratch.path).tftpRoot
    let out = scratch.path + "/fetched"
    for (name, extra) in [("small.bin", [String]()), ("big.bin", []), ("big.bin", ["--tftp-blksize", "1468"]), ("big.bin", ["--tftp-blksize", "8192"])] {
      try? FileManager.default.removeItem(atPath: out)
      let result = try run(["curl", "-sS", "--max-time", "30", "-o", out] + extra + ["tftp://127.0.0.1:16969/warewulf/\(name)"], timeout: 40)
      #expect(result.status == 0, "\(result.output)")
      #expect(FileManager.default.contentsEqual(atPath: out, andPath: tftpRoot + "/warewulf/" + name), "\(name) \(extra)")
    }
    // The iPXE binaries are copied in at start.
    if FileManager.default.fileExists(atPath: "/usr/lib/ipxe/undionly.kpxe") {
      let result = try run(["curl", "-sS", "--max-time", "20", "-o", out, "tftp://127.0.0.1:16969/warewulf/undionly.kpxe"], timeout: 30)
      #expect(result.status == 0)
      #expect(FileManager.default.contentsEqual(atPath: out, andPath: "/usr/lib/ipxe/undionly.kpxe"))
    }
    // tftp-hpa with tsize and a big block size.
    try? FileManager.default.removeItem(atPath: out)
    let hpa = try run(["tftp", "-m", "binary", "127.0.0.1", "16969", "-c", "get", "warewulf/big.bin", out], timeout: 40)
    #expect(hpa.status == 0, "\(hpa.output)")
    #expect(FileManager.default.contentsEqual(atPath: out, andPath: tftpRoot + "/warewulf/big.bin"))
    for name in ["../outside/secret", "escape", "warewulf/../../outside/secret"] {
      try? FileManager.default.removeItem(atPath: out)
      let refused = try run(["curl", "-sS", "--path-as-is", "--max-time", "10", "-o", out, "tftp://127.0.0.1:16969/\(name)"], timeout: 20)
      #expect(refused.status != 0, "\(name) was served")
      #expect(!FileManager.default.fileExists(atPath: out) || (try? String(contentsOfFile: out, encoding: .utf8)) != "secret")
    }
    #expect(server.waitForLog("refused: traversal"))
  }

  @Test func windowedTransferFromARawClient() throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16970", "--http-port", "19874"])
    defer { #expect(server.stop() == 0) }
    let data = try RawTFTPClient.fetch("warewulf/big.bin", port: 16970, options: [("blksize", "1024"), ("windowsize", "8"), ("tsize", "0")])
    let expected = try Data(contentsOf: URL(fileURLWithPath: BootPaths(root: scratch.path).tftpRoot + "/warewulf/big.bin"))
    #expect(data.count == expected.count)
    #expect(data == expected)
    // 64-byte blocks: 78,125 of them, so block numbers wrap past 65535.
    let wrapped = try RawTFTPClient.fetch("warewulf/big.bin", port: 16970, options: [("blksize", "64"), ("windowsize", "16")])
    #expect(wrapped == expected)
  }
}
