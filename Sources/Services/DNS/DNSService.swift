import CLinuxIO
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Runtime

/// Howl's DNS server, on UDP and TCP: authoritative for the cluster zone and
/// its reverse zones, forwarding other names to `server.dns.forward` or
/// refusing them. `apply` takes each committed state: the zones' serial
/// moves when a record changes, the new data is answered at once, and the
/// listeners follow `enabled`, `listen` and `port`.
public final class DNSService: @unchecked Sendable {
  /// What is served, taken by every query: a class, so taking it is one reference, not a copy of the zones' fields.
  private final class Current: Sendable {
    let responder: DNSResponder
    let forwarder: DNSForwarder?
    init(responder: DNSResponder, forwarder: DNSForwarder?) {
      self.responder = responder
      self.forwarder = forwarder
    }
  }

  private let group: EventLoopGroup
  private let logger: Logger
  private let current = NIOLockedValueBox<Current?>(nil)
  private var channels: [Channel] = []
  private var bound: (host: String, port: Int)?

  public init(group: EventLoopGroup, logger: Logger = Logger(label: "howl.dns")) {
    self.group = group
    self.logger = logger
  }

  /// Where the server listens (nil while DNS is off).
  public var address: (host: String, port: Int)? { bound }

  /// The serial of the zones being served.
  public var serial: UInt32? { current.withLockedValue { $0?.responder.authority.serial } }

  /// Serves `state`'s zones: starts, updates or stops. `nodes` are its
  /// nodes already merged (the boot view's), `serverAddress` is where the
  /// server is reached when `server.dns.listen` is unset.
  /// - Throws: when the zones cannot be built or a port cannot be bound (the previous zones stay).
  public func apply(_ state: ClusterState, nodes: [String: MergedNode]? = nil, serverAddress: IPv4) throws {
    let dns = state.server.dns
    guard dns.enabled else {
      stop()
      return
    }
    let zone = try DNSZoneData(state: state, merged: nodes)
    let previous = current.withLockedValue { $0?.responder.authority }
    let serial: UInt32
    if let previous, previous.zone == zone {
      serial = previous.serial
    } else {
      let now = UInt32(clamping: Int(Date().timeIntervalSince1970))
      serial = previous.map { max($0.serial &+ 1, now) } ?? now
    }
    let upstreams = dns.forward.compactMap { try? SocketAddress(ipAddress: $0, port: 53) }
    let next = Current(responder: DNSResponder(authority: DNSAuthority(zone: zone, serial: serial), forwarding: !upstreams.isEmpty),
                       forwarder: upstreams.isEmpty ? nil : DNSForwarder(upstreams: upstreams, group: group))
    let host = !dns.listen.isEmpty ? dns.listen : serverAddress == .zero ? "0.0.0.0" : "\(serverAddress)"
    if bound.map({ $0.host != host || $0.port != dns.port }) ?? true {
      closeChannels()
      current.withLockedValue { $0 = next }
      try bind(host: host, port: dns.port)
      logger.info("DNS: zone \(zone.domain) and \(zone.reverse.count) reverse zones on \(host):\(dns.port) (UDP and TCP), serial \(serial)")
    } else {
      current.withLockedValue { $0 = next }
      if serial != previous?.serial { logger.info("DNS: zone \(zone.domain) serial \(serial), \(zone.records.count) records") }
    }
  }

  public func stop() {
    closeChannels()
    current.withLockedValue { $0 = nil }
  }

  private func closeChannels() {
    for channel in channels { try? channel.close().wait() }
    channels = []
    bound = nil
  }

  /// One UDP socket per event loop, sharing the port (SO_REUSEPORT), so
  /// every core answers; the TCP listener beside them is a single socket,
  /// so a second server on the same port still fails to start.
  private func bind(host: String, port: Int) throws {
    var udpChannels: [Channel] = []
    for loop in group.makeIterator() {
      let udp = try DatagramBootstrap(group: loop)
        .channelOption(.socketOption(.so_reuseaddr), value: 1)
        .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
        .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
        .channelOption(.maxMessagesPerRead, value: 16)
        .channelOption(.datagramVectorReadMessageCount, value: 16)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(DNSDatagramHandler(service: self)) }
        }
        .bind(host: host, port: port).wait()
      channels.append(udp)
      udpChannels.append(udp)
    }
    spreadAtRandom(udpChannels)
    let tcp = try ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DNSStreamFrameDecoder()))
          try channel.pipeline.syncOperations.addHandler(DNSStreamHandler(service: self))
        }
      }
      .bind(host: host, port: port).wait()
    channels.append(tcp)
    bound = (host, port)
  }

  /// Hands each datagram to one of the UDP sockets at random: the kernel
  /// would otherwise pick by a hash of the source, and a cluster's queries
  /// come from few sources (a site resolver, a node's stub), which would
  /// load one event loop and leave the others idle. Without the filter
  /// (an old kernel), the hash stays.
  private func spreadAtRandom(_ sockets: [Channel]) {
    guard sockets.count > 1, let provider = sockets.first as? SocketOptionProvider else { return }
    let instructions = UnsafeMutablePointer<sock_filter>.allocate(capacity: 3)
    defer { instructions.deallocate() }
    let program = RandomSocketProgram(program: clinuxio_random_socket_program(instructions, UInt32(sockets.count)))
    do {
      try provider.unsafeSetSocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: clinuxio_so_attach_reuseport_cbpf),
                                         value: program).wait()
    } catch {
      logger.warning("DNS: queries are spread over the event loops by their source only (SO_ATTACH_REUSEPORT_CBPF: \(error))")
    }
  }

  /// Answers, forwards or drops one query; `send` gets the reply's bytes.
  func answer(_ bytes: [UInt8], from peer: SocketAddress, over transport: DNSResponder.Transport, on loop: EventLoop,
              send: @escaping ([UInt8]) -> Void) {
    guard let now = current.withLockedValue({ $0 }) else { return }
    switch now.responder.respond(to: bytes, over: transport) {
    case .reply(let reply): send(reply)
    case .drop(let reason): logger.warning("dropped malformed DNS query from \(peer): \(reason)")
    case .forward:
      guard let forwarder = now.forwarder else { return }
      forwarder.forward(bytes, over: transport).hop(to: loop).whenComplete { [logger] result in
        switch result {
        case .success(let reply): send(transport == .udp ? DNSResponder.fitForwarded(reply, query: bytes) : reply)
        case .failure(let error): logger.warning("no upstream answered a query from \(peer): \(error)")
        }
      }
    }
  }
}

/// The socket filter of `DNSService.spreadAtRandom`, handed to setsockopt
/// on the socket's event loop; the kernel copies its instructions, and they
/// are freed only once that is done.
private struct RandomSocketProgram: @unchecked Sendable {
  var program: sock_fprog
}
