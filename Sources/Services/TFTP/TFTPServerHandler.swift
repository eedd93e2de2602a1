#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore

/// The TFTP listener (port 69): a read request becomes a `TFTPTransfer` on
/// a fresh port, run by the `TFTPTransferLoop`; writes are refused (the
/// server is read-only); names outside the `SafeRoot` get "access violation".
final class TFTPServerHandler: ChannelInboundHandler {
  typealias InboundIn = AddressedEnvelope<ByteBuffer>
  typealias OutboundOut = AddressedEnvelope<ByteBuffer>

  private let root: SafeRoot
  private let transfers: TFTPTransferLoop
  private let logger: Logger
  private let onServed: @Sendable (SocketAddress, String) -> Void

  init(root: SafeRoot, transfers: TFTPTransferLoop, logger: Logger, onServed: @escaping @Sendable (SocketAddress, String) -> Void) {
    self.root = root
    self.transfers = transfers
    self.logger = logger
    self.onServed = onServed
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let envelope = unwrapInboundIn(data)
    let peer = envelope.remoteAddress
    let packet: TFTPPacket
    do {
      packet = try TFTPPacket.parse(envelope.data.readableBytesView)
    } catch {
      logger.warning("dropped malformed TFTP datagram from \(peer): \(error)")
      return
    }
    switch packet {
    case let .readRequest(filename, _, requested):
      start(context: context, peer: peer, filename: filename, requested: requested)
    case .writeRequest(let filename, _):
      logger.notice("TFTP write of '\(filename)' from \(peer) refused (read-only)")
      reply(context: context, to: peer, .error(code: TFTPPacket.ErrorCode.accessViolation.rawValue, message: "read-only server"))
    default:
      logger.info("TFTP packet from \(peer) on the request port dropped")
    }
  }

  private func start(context: ChannelHandlerContext, peer: SocketAddress, filename: String, requested: [(String, String)]) {
    let path: String
    switch root.resolve(filename) {
    case .success(let resolved):
      path = resolved
    case .failure(let refusal):
      logger.notice("TFTP '\(filename)' for \(peer) refused: \(refusal)")
      let code: TFTPPacket.ErrorCode = refusal == .traversal ? .accessViolation : .fileNotFound
      reply(context: context, to: peer, .error(code: code.rawValue, message: refusal == .traversal ? "access violation" : "file not found"))
      return
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    var info = stat()
    guard fd >= 0, fstat(fd, &info) == 0 else {
      if fd >= 0 { close(fd) }
      reply(context: context, to: peer, .error(code: TFTPPacket.ErrorCode.fileNotFound.rawValue, message: "file not found"))
      return
    }
    let options = TFTPTransferOptions(requested: requested, fileSize: Int(info.st_size))
    let logger = self.logger
    let onServed = self.onServed
    logger.info("TFTP '\(filename)' to \(peer) (\(info.st_size) bytes, blksize \(options.blockSize), window \(options.windowSize))")
    do {
      let socket = try TFTPSocket(local: context.channel.localAddress!, peer: peer)
      transfers.add(TFTPTransfer(socket: socket, file: fd, fileSize: Int(info.st_size), options: options, peer: peer,
                                 name: filename, logger: logger) { ok in if ok { onServed(peer, filename) } })
    } catch {
      close(fd)
      logger.warning("TFTP transfer port for \(peer) failed: \(error)")
    }
  }

  private func reply(context: ChannelHandlerContext, to peer: SocketAddress, _ packet: TFTPPacket) {
    let buffer = context.channel.allocator.buffer(bytes: packet.encode())
    context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: peer, data: buffer)), promise: nil)
  }
}
