#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers

/// Ends iPXE's IPv6 wait. Without router advertisements iPXE spends about
/// 13 s in "Configuring (net0 …)" on every boot (boot-lab.md §3). This
/// answers router solicitations (and repeats every `interval` seconds)
/// with an ICMPv6 Router Advertisement that carries nothing: router
/// lifetime 0 (not a default router), no prefixes, M and O flags clear.
/// iPXE then finishes IPv6 configuration at once; other hosts learn
/// nothing they would act on.
///
/// NIO has no raw sockets, so this runs on its own thread with a plain
/// raw ICMPv6 socket; the kernel fills in the checksum.
public final class RouterAdvertiser: @unchecked Sendable {
  private let interface: String
  private let interval: Int32
  private let logger: Logger
  private let running = NIOLockedValueBox(true)
  private var fd: Int32 = -1
  private var thread: pthread_t?

  public init(interface: String, interval: Int32 = 10, logger: Logger = Logger(label: "howl.ra")) {
    self.interface = interface
    self.interval = interval
    self.logger = logger
  }

  /// The advertisement: type 134, hop limit 64, no flags, lifetime 0.
  static let advertisement: [UInt8] = [134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]

  /// Opens the socket on the interface and starts answering.
  public func start() throws {
    let index = if_nametoindex(interface)
    guard index != 0 else { throw Failure(description: "no interface \(interface)") }
    fd = socket(AF_INET6, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMPV6))
    guard fd >= 0 else { throw Failure(description: "raw ICMPv6 socket: errno \(errno)") }
    var hops: Int32 = 255
    var ifindex = Int32(index)
    var name = [CChar](repeating: 0, count: Int(IFNAMSIZ))
    for (offset, byte) in interface.utf8.prefix(Int(IFNAMSIZ) - 1).enumerated() { name[offset] = CChar(bitPattern: byte) }
    var join = ipv6_mreq()
    join.ipv6mr_multiaddr = RouterAdvertiser.address([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
    join.ipv6mr_interface = UInt32(index)
    // Receive only router solicitations (ICMP6_FILTER: a bit set blocks a type).
    var filter = [UInt32](repeating: 0xFFFF_FFFF, count: 8)
    filter[133 >> 5] &= ~(UInt32(1) << (133 & 31))
    let results = [
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, socklen_t(name.count)),
      setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, &hops, 4),
      setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_UNICAST_HOPS, &hops, 4),
      setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, &ifindex, 4),
      setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_JOIN_GROUP, &join, socklen_t(MemoryLayout<ipv6_mreq>.size)),
      setsockopt(fd, Int32(IPPROTO_ICMPV6), 1 /* ICMP6_FILTER */, filter, 32),
    ]
    if let failed = results.firstIndex(where: { $0 != 0 }) {
      let code = errno
      close(fd)
      throw Failure(description: "socket option \(failed) on \(interface): errno \(code)")
    }
    let box = Unmanaged.passRetained(self)
    var handle = pthread_t()
    guard pthread_create(&handle, nil, { argument in
      let advertiser = Unmanaged<RouterAdvertiser>.fromOpaque(argument!).takeRetainedValue()
      advertiser.loop()
      return nil
    }, box.toOpaque()) == 0 else {
      box.release()
      close(fd)
      throw Failure(description: "cannot start the router advertisement thread")
    }
    thread = handle
    logger.info("router advertisements (lifetime 0, no prefixes) on \(interface)")
  }

  /// Stops the thread and closes the socket.
  public func stop() {
    running.withLockedValue { $0 = false }
    if let thread { pthread_join(thread, nil) }
    thread = nil
    if fd >= 0 { close(fd) }
    fd = -1
  }

  private func loop() {
    send()
    var buffer = [UInt8](repeating: 0, count: 1500)
    var elapsed: Int32 = 0
    while running.withLockedValue({ $0 }) {
      var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, 500)
      if ready > 0 {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count >= 8, buffer[0] == 133 { send() }
      }
      elapsed += 500
      if elapsed >= interval * 1000 {
        elapsed = 0
        send()
      }
    }
  }

  private func send() {
    var destination = sockaddr_in6()
    destination.sin6_family = sa_family_t(AF_INET6)
    destination.sin6_addr = RouterAdvertiser.address([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    destination.sin6_scope_id = if_nametoindex(interface)
    let sent = withUnsafePointer(to: &destination) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        sendto(fd, RouterAdvertiser.advertisement, RouterAdvertiser.advertisement.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
      }
    }
    if sent < 0 { logger.debug("router advertisement on \(interface) failed: errno \(errno)") }
  }

  static func address(_ bytes: [UInt8]) -> in6_addr {
    var address = in6_addr()
    withUnsafeMutableBytes(of: &address) { raw in
      for (index, byte) in bytes.enumerated() { raw[index] = byte }
    }
    return address
  }

  /// Why advertising could not start.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }
}
