import Logging
import NIOCore

/// The DHCP channel handler: decodes each datagram, asks the
/// `DHCPResponder`, and sends the reply where RFC 2131 §4.1 says (the
/// relay, the client's address, or broadcast). Malformed datagrams are
/// dropped with a log line.
final class DHCPHandler: ChannelInboundHandler {
  typealias InboundIn = AddressedEnvelope<ByteBuffer>
  typealias OutboundOut = AddressedEnvelope<ByteBuffer>

  private let responder: DHCPResponder
  private let settings: ServeSettings
  private let proxyPort: Bool
  private let logger: Logger
  /// Gives an unknown MAC to the first discoverable node and returns the
  /// committed state, or nil if discovery did not happen.
  private let discover: (MACAddress) -> BootConfig?
  private let onRequest: (MACAddress, String?) -> Void

  init(responder: DHCPResponder, settings: ServeSettings, proxyPort: Bool, logger: Logger,
       discover: @escaping (MACAddress) -> BootConfig?, onRequest: @escaping (MACAddress, String?) -> Void) {
    self.responder = responder
    self.settings = settings
    self.proxyPort = proxyPort
    self.logger = logger
    self.discover = discover
    self.onRequest = onRequest
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let envelope = unwrapInboundIn(data)
    let request: DHCPPacket
    do {
      request = try DHCPPacket.parse(envelope.data.readableBytesView)
    } catch {
      logger.warning("dropped malformed DHCP datagram from \(envelope.remoteAddress): \(error)")
      return
    }
    let now = UInt64(NIODeadline.now().uptimeNanoseconds / 1_000_000_000)
    var decision = responder.respond(to: request, now: now, proxyPort: proxyPort)
    if case .discover(let mac) = decision {
      if let config = discover(mac) {
        responder.update(config)
        logger.notice("discovered \(mac): now node \(config.leases[mac]?.nodeID ?? "?")")
        decision = responder.respond(to: request, now: now, proxyPort: proxyPort)
      } else {
        decision = .ignore("unknown MAC \(mac) denied (discovery found no node)")
      }
    }
    switch decision {
    case .ignore(let reason):
      logger.info("DHCP \(request.messageType.map { "\($0)" } ?? "?") ignored: \(reason)")
    case .discover(let mac):
      logger.info("DHCP ignored: unknown MAC \(mac) denied")
    case .reply(let reply):
      guard let destination = destination(for: request, reply: reply, from: envelope.remoteAddress) else {
        logger.warning("DHCP reply to \(request.macAddress.map { "\($0)" } ?? "?") has no destination")
        return
      }
      if let mac = request.macAddress { onRequest(mac, responder.config.leases[mac]?.nodeID) }
      logger.debug("DHCP \(reply.messageType.map { "\($0)" } ?? "?") \(reply.yiaddr) to \(request.macAddress.map { "\($0)" } ?? "?") file '\(reply.file)'")
      let buffer = context.channel.allocator.buffer(bytes: reply.encode())
      context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: destination, data: buffer)), promise: nil)
    }
  }

  /// RFC 2131 §4.1: relay → giaddr:67; PXE port 4011 → back to the sender;
  /// renewing client → ciaddr:68; otherwise broadcast.
  private func destination(for request: DHCPPacket, reply: DHCPPacket, from source: SocketAddress) -> SocketAddress? {
    if request.giaddr != .zero {
      return try? SocketAddress(ipAddress: "\(request.giaddr)", port: settings.dhcpPort)
    }
    if proxyPort { return source }
    if request.ciaddr != .zero, !request.broadcastFlag {
      return try? SocketAddress(ipAddress: "\(request.ciaddr)", port: settings.dhcpClientPort)
    }
    return try? SocketAddress(ipAddress: "255.255.255.255", port: settings.dhcpClientPort)
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    logger.warning("DHCP channel error: \(error)")
  }
}
