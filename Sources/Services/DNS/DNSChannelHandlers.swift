import Logging
import NIOCore

/// Answers DNS over UDP: each datagram is one query. The replies made
/// while a batch of datagrams is read go out together when the batch ends
/// (one flush, sent as one `sendmmsg`); a forwarded reply, which comes
/// later, is flushed alone.
final class DNSDatagramHandler: ChannelInboundHandler {
  typealias InboundIn = AddressedEnvelope<ByteBuffer>
  typealias OutboundOut = AddressedEnvelope<ByteBuffer>

  private let service: DNSService
  private var reading = false
  init(service: DNSService) { self.service = service }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let envelope = unwrapInboundIn(data)
    let peer = envelope.remoteAddress
    let channel = context.channel
    reading = true
    defer { reading = false }
    service.answer(Array(envelope.data.readableBytesView), from: peer, over: .udp, on: channel.eventLoop) { [self] bytes in
      let reply = AddressedEnvelope(remoteAddress: peer, data: channel.allocator.buffer(bytes: bytes))
      if reading { channel.write(reply, promise: nil) } else { channel.writeAndFlush(reply, promise: nil) }
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) { context.flush() }
}

/// Splits a DNS TCP stream into messages: each is preceded by its length in two bytes (RFC 1035 §4.2.2).
struct DNSStreamFrameDecoder: ByteToMessageDecoder {
  typealias InboundOut = ByteBuffer

  mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
    guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
          buffer.readableBytes >= 2 + Int(length) else { return .needMoreData }
    buffer.moveReaderIndex(forwardBy: 2)
    context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
    return .continue
  }
}

/// Answers DNS over TCP: each framed message is one query, each reply framed the same way.
final class DNSStreamHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let service: DNSService
  init(service: DNSService) { self.service = service }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let message = unwrapInboundIn(data)
    let channel = context.channel
    guard let peer = channel.remoteAddress else { return }
    service.answer(Array(message.readableBytesView), from: peer, over: .tcp, on: channel.eventLoop) { bytes in
      var buffer = channel.allocator.buffer(capacity: bytes.count + 2)
      buffer.writeInteger(UInt16(bytes.count))
      buffer.writeBytes(bytes)
      channel.writeAndFlush(buffer, promise: nil)
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
}
