import Foundation
import Testing
@testable import Services

/// TFTP transfers packet by packet against a running `howl serve`:
/// timeouts, duplicate and partial ACKs, errors, a client that goes away;
/// and the read-ahead DATA packets on their own.
@Suite(.serialized) struct TFTPTransferTests {
  /// Starts `howl serve` on TFTP port 16971 and runs `body` with it.
  private func withServer(_ body: (ServeProcess, String) throws -> Void) throws {
    let scratch = try ScratchRoot(state: Fixture.state())
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16971", "--http-port", "19875"])
    defer { #expect(server.stop() == 0) }
    try body(server, BootPaths(root: scratch.path).tftpRoot)
  }

  /// Requests big.bin in 512-byte blocks with a 1 s timeout and acknowledges the OACK.
  private func startBigFile(_ client: TFTPTestSocket, window: Int = 1) throws {
    client.send(.readRequest(filename: "warewulf/big.bin", mode: "octet",
                             options: [("timeout", "1"), ("windowsize", String(window))]), to: 16971)
    #expect(try client.next() == .optionAck([("timeout", "1"), ("windowsize", String(window))]))
    client.reply(.ack(block: 0))
  }

  private func block(_ packet: TFTPPacket) -> UInt16? {
    if case .data(let block, _) = packet { return block }
    return nil
  }

  @Test func lostAckOrOptionAckIsAnsweredByResending() throws {
    try withServer { _, _ in
      let client = try TFTPTestSocket()
      client.send(.readRequest(filename: "warewulf/big.bin", mode: "octet", options: [("timeout", "1")]), to: 16971)
      #expect(try client.next() == .optionAck([("timeout", "1")]))
      let started = Date()
      #expect(try client.next(timeout: 3) == .optionAck([("timeout", "1")]), "the OACK is sent again")
      #expect(Date().timeIntervalSince(started) > 0.8)
      client.reply(.ack(block: 0))
      #expect(block(try client.next()) == 1)
      let sent = Date()
      #expect(block(try client.next(timeout: 3)) == 1, "DATA 1 is sent again when its ACK is lost")
      #expect(Date().timeIntervalSince(sent) > 0.8)
      client.reply(.ack(block: 1))
      #expect(block(try client.next()) == 2)
    }
  }

  @Test func duplicateAckSendsNothing() throws {
    try withServer { _, _ in
      let client = try TFTPTestSocket()
      try startBigFile(client)
      #expect(block(try client.next()) == 1)
      client.reply(.ack(block: 0))
      #expect(try client.receive(timeout: 0.5) == nil, "a second ACK of the OACK sends nothing")
      client.reply(.ack(block: 1))
      #expect(block(try client.next()) == 2)
      client.reply(.ack(block: 1))
      client.reply(.ack(block: 0))
      #expect(try client.receive(timeout: 0.5) == nil, "no DATA answers a duplicate ACK (Sorcerer's Apprentice)")
      client.reply(.ack(block: 2))
      #expect(block(try client.next()) == 3)
    }
  }

  @Test func partialWindowAckSlidesTheWindow() throws {
    try withServer { _, _ in
      let client = try TFTPTestSocket()
      try startBigFile(client, window: 4)
      #expect(try (1...4).map { _ in block(try client.next()) } == [1, 2, 3, 4])
      // Blocks 3 and 4 "lost": the ACK of 2 restarts the window there (RFC 7440).
      client.reply(.ack(block: 2))
      #expect(try (1...4).map { _ in block(try client.next()) } == [3, 4, 5, 6])
      client.reply(.ack(block: 9))
      #expect(try client.receive(timeout: 0.5) == nil, "an ACK beyond what was sent is ignored")
    }
  }

  @Test func clientErrorOrDepartureEndsTheTransfer() throws {
    try withServer { server, _ in
      let client = try TFTPTestSocket()
      try startBigFile(client)
      #expect(block(try client.next()) == 1)
      client.reply(.error(code: 0, message: "user cancelled"))
      #expect(try client.receive(timeout: 1.5) == nil, "nothing is resent after the client's ERROR")
      #expect(server.waitForLog("aborted (0 user cancelled)"))

      let leaving = try TFTPTestSocket()
      try startBigFile(leaving)
      #expect(block(try leaving.next()) == 1)
      leaving.close()
      // The resend after 1 s meets a closed port: ICMP port unreachable ends the transfer.
      #expect(server.waitForLog("gone"))
    }
  }

  @Test func dataPacketsAreReadAheadAndNumberedModulo65536() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("howl-tftp-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let size = 65540 * 8
    let contents = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
    _ = FileManager.default.createFile(atPath: path, contents: Data(contents))
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    func packets(_ packets: inout TFTPDataPackets, _ blocks: ClosedRange<Int>) -> [[UInt8]]? {
      packets.withPackets(from: blocks.lowerBound, through: blocks.upperBound) { vectors in
        vectors.map { Array(UnsafeRawBufferPointer(start: $0.iov_base, count: $0.iov_len)) }
      }
    }
    func expected(_ block: Int, size blockSize: Int) -> [UInt8] {
      let start = min(size, (block - 1) * blockSize)
      return [0, 3, UInt8(block >> 8 & 255), UInt8(block & 255)] + contents[start..<min(size, start + blockSize)]
    }
    // 8-byte blocks: the file ends on a block boundary, so the last block is empty.
    var small = TFTPDataPackets(fd: fd, fileSize: size, blockSize: 8, windowSize: 4)
    #expect(small.lastBlock == 65541)
    #expect(packets(&small, 1...4) == (1...4).map { expected($0, size: 8) })
    #expect(packets(&small, 65534...65537) == (65534...65537).map { expected($0, size: 8) }, "65536 is block 0 again")
    #expect(packets(&small, 65538...65541)?.last == [0, 3, 0, 5])
    #expect(packets(&small, 2...3) == (2...3).map { expected($0, size: 8) }, "a resend reads back")
    // 1468-byte blocks: a short last block.
    var large = TFTPDataPackets(fd: fd, fileSize: size, blockSize: 1468, windowSize: 1)
    for block in [1, 44, 45, 100, large.lastBlock] {
      #expect(packets(&large, block...block) == [expected(block, size: 1468)], "block \(block)")
    }
    // The file shrank under the transfer: the read fails.
    var beyond = TFTPDataPackets(fd: fd, fileSize: size + 100_000, blockSize: 512, windowSize: 1)
    #expect(packets(&beyond, 1030...1030) == nil)
  }
}
