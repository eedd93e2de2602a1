import Foundation
@testable import Services

/// A minimal blocking TFTP client that acknowledges once per window
/// (RFC 7440), to test what curl and tftp-hpa cannot ask for.
enum RawTFTPClient {
  static func fetch(_ name: String, port: UInt16, options: [(String, String)]) throws -> Data {
    let client = try TFTPTestSocket()
    client.send(.readRequest(filename: name, mode: "octet", options: options), to: port)
    guard case .optionAck(let acknowledged) = try client.next() else { throw TestFailure("no OACK") }
    let blockSize = Int(acknowledged.first { $0.0 == "blksize" }?.1 ?? "512") ?? 512
    let window = Int(acknowledged.first { $0.0 == "windowsize" }?.1 ?? "1") ?? 1
    client.reply(.ack(block: 0))
    var data = Data()
    var expected: UInt16 = 1
    var inWindow = 0
    while true {
      guard case .data(let block, let payload) = try client.next(), block == expected else { continue }
      data.append(contentsOf: payload)
      expected &+= 1
      inWindow += 1
      if payload.count < blockSize {
        client.reply(.ack(block: block))
        return data
      }
      if inWindow == window {
        client.reply(.ack(block: block))
        inWindow = 0
      }
    }
  }
}

/// A UDP socket on loopback that speaks TFTP one packet at a time: sends a
/// request to the server's port, then replies to wherever the last packet
/// came from (the transfer's port).
final class TFTPTestSocket {
  private var fd: Int32
  private var peer = sockaddr_in()

  init() throws {
    fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket") }
  }

  deinit { close() }

  func close() {
    if fd >= 0 { Glibc.close(fd) }
    fd = -1
  }

  func send(_ packet: TFTPPacket, to port: UInt16) {
    var server = sockaddr_in()
    server.sin_family = sa_family_t(AF_INET)
    server.sin_port = port.bigEndian
    server.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    send(packet.encode(), to: server)
  }

  /// Sends to the transfer's port.
  func reply(_ packet: TFTPPacket) {
    send(packet.encode(), to: peer)
  }

  /// The next packet; throws if none comes within `timeout` seconds.
  func next(timeout: Double = 5) throws -> TFTPPacket {
    guard let packet = try receive(timeout: timeout) else { throw TestFailure("no answer in \(timeout) s") }
    return packet
  }

  /// The next packet, or nil if none comes within `timeout` seconds.
  func receive(timeout: Double = 5) throws -> TFTPPacket? {
    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var buffer = [UInt8](repeating: 0, count: 70000)
    var from = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let count = withUnsafeMutablePointer(to: &from) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
    }
    guard count >= 0 else { return nil }
    peer = from
    return try TFTPPacket.parse(Array(buffer.prefix(count)))
  }

  private func send(_ bytes: [UInt8], to address: sockaddr_in) {
    var address = address
    _ = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
  }
}
