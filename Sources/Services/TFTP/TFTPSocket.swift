#if canImport(Glibc)
import Glibc
#endif
import CLinuxIO
import NIOCore

/// A transfer's non-blocking UDP socket: bound to the listener's address on
/// a fresh port (the server's transfer ID) and connected to the client, so
/// the kernel drops datagrams from anyone else (RFC 1350's "unknown
/// transfer ID" error becomes an ICMP port unreachable) and a send needs
/// no address.
struct TFTPSocket {
  let fd: Int32

  /// Why a transfer socket could not be made.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  init(local: SocketAddress, peer: SocketAddress) throws {
    var local = local
    local.port = 0
    fd = socket(peer.protocol.rawValue, Int32(SOCK_DGRAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
    // A whole window (up to 64 blocks of 64 KB) must fit.
    var sendBuffer: Int32 = 4 << 20
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))
    let fd = self.fd
    guard local.withSockAddr({ bind(fd, $0, socklen_t($1)) }) == 0,
          peer.withSockAddr({ connect(fd, $0, socklen_t($1)) }) == 0 else {
      let failure = Failure(description: "bind/connect to \(peer): \(String(cString: strerror(errno)))")
      Glibc.close(fd)
      throw failure
    }
  }

  /// Sends each vector as a datagram: 0, or the errno that stopped the
  /// first (one that would block just leaves the rest unsent).
  func send(_ packets: UnsafeMutableBufferPointer<iovec>) -> Int32 {
    let sent = packets.count == 1
      ? Glibc.send(fd, packets[0].iov_base, packets[0].iov_len, 0)
      : Int(clinuxio_send_datagrams(fd, packets.baseAddress, UInt32(packets.count)))
    return sent < 0 ? errno : 0
  }

  /// Sends one datagram: 0, or the errno why not.
  func send(_ bytes: [UInt8]) -> Int32 {
    Glibc.send(fd, bytes, bytes.count, 0) < 0 ? errno : 0
  }

  /// Receives one datagram into `buffer` (truncated to fit): its length,
  /// or -1 with `errno` set.
  func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    recv(fd, buffer.baseAddress, buffer.count, 0)
  }

  func close() {
    Glibc.close(fd)
  }
}
