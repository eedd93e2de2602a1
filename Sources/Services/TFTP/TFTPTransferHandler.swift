#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore

/// One read transfer on its own port (the server's transfer ID): sends the
/// OACK or the first window, slides the window on ACKs, retransmits the
/// window on timeout, and closes the channel when done or given up.
/// Block numbers wrap at 65535 → 0 so files over 32 MB at 512 bytes work.
final class TFTPTransferHandler: ChannelInboundHandler {
  typealias InboundIn = AddressedEnvelope<ByteBuffer>
  typealias OutboundOut = AddressedEnvelope<ByteBuffer>

  private let peer: SocketAddress
  private let fd: Int32
  private let fileSize: Int
  private let options: TFTPTransferOptions
  private let logger: Logger
  private let name: String
  private let onFinish: @Sendable (Bool) -> Void
  /// Blocks acknowledged so far (block n covers bytes (n-1)·size ..< n·size).
  private var acknowledged: Int = 0
  private var lastBlock: Int
  private var retries = 0
  private var timer: Scheduled<Void>?
  private var deadline = NIODeadline.now()
  private var finished = false
  private static let maxRetries = 5

  init(peer: SocketAddress, fd: Int32, fileSize: Int, options: TFTPTransferOptions, name: String, logger: Logger,
       onFinish: @escaping @Sendable (Bool) -> Void) {
    self.peer = peer
    self.fd = fd
    self.fileSize = fileSize
    self.options = options
    self.name = name
    self.logger = logger
    self.onFinish = onFinish
    lastBlock = fileSize / options.blockSize + 1
  }

  func channelActive(context: ChannelHandlerContext) {
    if options.acknowledged.isEmpty {
      sendWindow(context: context)
    } else {
      send(context: context, TFTPPacket.optionAck(options.acknowledged).encode())
      armTimer(context: context)
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let envelope = unwrapInboundIn(data)
    guard envelope.remoteAddress == peer else {
      let error = TFTPPacket.error(code: TFTPPacket.ErrorCode.unknownTransferID.rawValue, message: "unknown transfer ID")
      let buffer = context.channel.allocator.buffer(bytes: error.encode())
      context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
      return
    }
    var data = envelope.data
    // ACKs are most of the traffic: read them without building a packet.
    if data.readableBytes == 4, data.getInteger(at: data.readerIndex, as: UInt16.self) == 4,
       let block = data.getInteger(at: data.readerIndex + 2, as: UInt16.self) {
      acknowledge(context: context, block: block)
      return
    }
    switch try? TFTPPacket.parse(data.readBytes(length: data.readableBytes) ?? []) {
    case .ack(let block):
      acknowledge(context: context, block: block)
    case .error(let code, let message):
      logger.info("TFTP \(name): client \(peer) aborted (\(code) \(message))")
      finish(context: context, ok: false)
    default:
      logger.info("TFTP \(name): unexpected packet from \(peer) dropped")
    }
  }

  private func acknowledge(context: ChannelHandlerContext, block: UInt16) {
    // The ACK names a block in (acknowledged, acknowledged + window] by its low 16 bits.
    let sent = min(acknowledged + options.windowSize, lastBlock)
    var advanced: Int?
    var candidate = acknowledged
    while candidate <= sent {
      if UInt16(truncatingIfNeeded: candidate) == block { advanced = candidate }
      candidate += 1
    }
    guard let newAcknowledged = advanced, newAcknowledged > acknowledged || (newAcknowledged == 0 && acknowledged == 0) else { return }
    acknowledged = newAcknowledged
    retries = 0
    if acknowledged >= lastBlock {
      finish(context: context, ok: true)
    } else {
      sendWindow(context: context)
    }
  }

  private func sendWindow(context: ChannelHandlerContext) {
    let last = min(acknowledged + options.windowSize, lastBlock)
    var block = acknowledged + 1
    while block <= last {
      let offset = (block - 1) * options.blockSize
      let count = max(0, min(options.blockSize, fileSize - offset))
      var buffer = context.channel.allocator.buffer(capacity: 4 + count)
      buffer.writeInteger(UInt16(3))
      buffer.writeInteger(UInt16(truncatingIfNeeded: block))
      let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
        count == 0 ? 0 : max(0, pread(fd, pointer.baseAddress, count, off_t(offset)))
      }
      guard read == count else {
        logger.warning("TFTP \(name): read failed at offset \(offset)")
        send(context: context, TFTPPacket.error(code: 0, message: "read error").encode())
        finish(context: context, ok: false)
        return
      }
      context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: peer, data: buffer)), promise: nil)
      block += 1
    }
    context.flush()
    armTimer(context: context)
  }

  /// Moves the retransmission deadline. One task stays scheduled and
  /// re-arms itself while the deadline moves, instead of a new task per block.
  private func armTimer(context: ChannelHandlerContext) {
    deadline = .now() + .seconds(Int64(options.timeoutSeconds))
    guard timer == nil else { return }
    timer = context.eventLoop.scheduleTask(deadline: deadline) { [weak self] in
      self?.timerFired(context: context)
    }
  }

  private func timerFired(context: ChannelHandlerContext) {
    timer = nil
    guard !finished else { return }
    if NIODeadline.now() < deadline {
      timer = context.eventLoop.scheduleTask(deadline: deadline) { [weak self] in
        self?.timerFired(context: context)
      }
      return
    }
    retries += 1
    guard retries <= TFTPTransferHandler.maxRetries else {
      logger.info("TFTP \(name): \(peer) stopped answering; transfer abandoned")
      finish(context: context, ok: false)
      return
    }
    if acknowledged == 0 && !options.acknowledged.isEmpty {
      send(context: context, TFTPPacket.optionAck(options.acknowledged).encode())
      armTimer(context: context)
    } else {
      sendWindow(context: context)
    }
  }

  private func send(context: ChannelHandlerContext, _ bytes: [UInt8]) {
    let buffer = context.channel.allocator.buffer(bytes: bytes)
    context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: peer, data: buffer)), promise: nil)
  }

  private func finish(context: ChannelHandlerContext, ok: Bool) {
    guard !finished else { return }
    finished = true
    timer?.cancel()
    close(fd)
    onFinish(ok)
    context.close(promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    if !finished {
      finished = true
      timer?.cancel()
      close(fd)
      onFinish(false)
    }
  }
}
