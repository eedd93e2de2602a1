import Foundation
import Glibc
import Runtime

/// A blocking DNS-over-TCP connection (RFC 1035 §4.2.2, RFC 7766): each
/// message framed by its length in two bytes; every wait bounded by `timeout`.
/// Used by `dns.sync` on the interpreter's thread.
final class DNSStreamConnection {
  private let fd: Int32
  private let peer: String
  private let timeout: Double
  /// Bytes received and not yet returned, from `consumed` on.
  private var buffer: [UInt8] = []
  private var consumed = 0

  /// Connects to `address`:`port`.
  /// - Throws: `DNSSyncError` naming the server when it cannot be reached.
  init(address: String, port: Int, timeout: Double) throws {
    peer = port == 53 ? address : "\(address) port \(port)"
    self.timeout = timeout
    guard let ip = IPAddressText.parse(address) else { throw DNSSyncError("\(address) is not an IP address") }
    let v4 = DNSName.isIPv4(ip)
    fd = socket(v4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard fd >= 0 else { throw DNSSyncError("cannot open a socket: \(String(cString: strerror(errno)))") }
    var storage = sockaddr_storage()
    let length: socklen_t
    if v4 {
      var sin = sockaddr_in()
      sin.sin_family = sa_family_t(AF_INET)
      sin.sin_port = in_port_t(UInt16(port).bigEndian)
      withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: ip[12...]) }
      withUnsafeMutableBytes(of: &storage) { out in withUnsafeBytes(of: sin) { out.copyMemory(from: $0) } }
      length = socklen_t(MemoryLayout<sockaddr_in>.size)
    } else {
      var sin6 = sockaddr_in6()
      sin6.sin6_family = sa_family_t(AF_INET6)
      sin6.sin6_port = in_port_t(UInt16(port).bigEndian)
      withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: ip) }
      withUnsafeMutableBytes(of: &storage) { out in withUnsafeBytes(of: sin6) { out.copyMemory(from: $0) } }
      length = socklen_t(MemoryLayout<sockaddr_in6>.size)
    }
    let started = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
    var error: Int32 = started == 0 ? 0 : errno
    if error == EINPROGRESS {
      // A throw from here on closes the socket in deinit.
      try wait(for: Int16(POLLOUT), "cannot reach \(peer) over TCP")
      error = 0
    }
    var size = socklen_t(MemoryLayout<Int32>.size)
    if error == 0 { getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) }
    if error != 0 {
      throw DNSSyncError("cannot reach \(peer) over TCP: \(String(cString: strerror(error)))")
    }
  }

  deinit { close(fd) }

  private func wait(for events: Int16, _ what: String) throws {
    var poller = pollfd(fd: fd, events: events, revents: 0)
    while true {
      let ready = poll(&poller, 1, Int32(timeout * 1000))
      if ready < 0 && errno == EINTR { continue }
      if ready == 0 { throw DNSSyncError("\(what): no answer in \(String(format: "%g", timeout)) s") }
      if ready < 0 { throw DNSSyncError("\(what): \(String(cString: strerror(errno)))") }
      return
    }
  }

  /// Sends messages, each framed.
  func send(_ messages: [[UInt8]]) throws {
    var bytes: [UInt8] = []
    for message in messages {
      bytes.append(UInt8(message.count >> 8))
      bytes.append(UInt8(message.count & 0xff))
      bytes += message
    }
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if sent < 0 {
        if errno == EINTR { continue }
        if errno == EAGAIN {
          try wait(for: Int16(POLLOUT), "cannot send to \(peer)")
          continue
        }
        throw DNSSyncError("cannot send to \(peer): \(String(cString: strerror(errno)))")
      }
      offset += sent
    }
  }

  /// The next framed message from the server.
  func receive() throws -> [UInt8] {
    while true {
      if buffer.count - consumed >= 2 {
        let length = Int(buffer[consumed]) << 8 | Int(buffer[consumed + 1])
        if buffer.count - consumed >= 2 + length {
          let message = Array(buffer[consumed + 2..<consumed + 2 + length])
          consumed += 2 + length
          return message
        }
      }
      if consumed > 0 {
        buffer.removeFirst(consumed)
        consumed = 0
      }
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if got < 0 {
        if errno == EINTR { continue }
        if errno == EAGAIN {
          try wait(for: Int16(POLLIN), "\(peer) did not answer")
          continue
        }
        throw DNSSyncError("\(peer) did not answer: \(String(cString: strerror(errno)))")
      }
      if got == 0 { throw DNSSyncError("\(peer) closed the connection without answering") }
      buffer += chunk[0..<got]
    }
  }
}
