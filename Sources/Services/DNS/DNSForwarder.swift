import NIOCore
import NIOPosix

/// Sends a query for a name outside the zones to the upstream resolvers in
/// turn and hands back the first answer. A client's UDP query goes over UDP
/// and is asked again over TCP when the upstream truncates its answer; a
/// client's TCP query goes over TCP.
struct DNSForwarder {
  let upstreams: [SocketAddress]
  let group: EventLoopGroup
  let timeout: TimeAmount = .seconds(2)

  func forward(_ query: [UInt8], over transport: DNSResponder.Transport) -> EventLoopFuture<[UInt8]> {
    let loop = group.next()
    func attempt(_ index: Int) -> EventLoopFuture<[UInt8]> {
      guard index < upstreams.count else { return loop.makeFailedFuture(ForwardError.noAnswer) }
      let upstream = upstreams[index]
      let answer: EventLoopFuture<[UInt8]>
      switch transport {
      case .tcp: answer = askOverTCP(upstream, query, on: loop)
      case .udp:
        answer = askOverUDP(upstream, query, on: loop).flatMap { reply in
          reply.count >= 4 && reply[2] & 0x02 != 0 ? askOverTCP(upstream, query, on: loop) : loop.makeSucceededFuture(reply)
        }
      }
      return answer.flatMapError { _ in attempt(index + 1) }
    }
    return attempt(0)
  }

  enum ForwardError: Error { case noAnswer, timeout }

  private func askOverUDP(_ upstream: SocketAddress, _ query: [UInt8], on loop: EventLoop) -> EventLoopFuture<[UInt8]> {
    let promise = loop.makePromise(of: [UInt8].self)
    DatagramBootstrap(group: loop)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ReplyCatcher<AddressedEnvelope<ByteBuffer>>(promise: promise, query: query) { $0.data }) }
      }
      .bind(host: upstream.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
      .whenComplete { result in
        switch result {
        case .failure(let error): promise.fail(error)
        case .success(let channel):
          channel.writeAndFlush(AddressedEnvelope(remoteAddress: upstream, data: channel.allocator.buffer(bytes: query)), promise: nil)
          watch(channel, promise, on: loop)
        }
      }
    return promise.futureResult
  }

  private func askOverTCP(_ upstream: SocketAddress, _ query: [UInt8], on loop: EventLoop) -> EventLoopFuture<[UInt8]> {
    let promise = loop.makePromise(of: [UInt8].self)
    ClientBootstrap(group: loop)
      .connectTimeout(timeout)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DNSStreamFrameDecoder()))
          try channel.pipeline.syncOperations.addHandler(ReplyCatcher<ByteBuffer>(promise: promise, query: query) { $0 })
        }
      }
      .connect(to: upstream)
      .whenComplete { result in
        switch result {
        case .failure(let error): promise.fail(error)
        case .success(let channel):
          var buffer = channel.allocator.buffer(capacity: query.count + 2)
          buffer.writeInteger(UInt16(query.count))
          buffer.writeBytes(query)
          channel.writeAndFlush(buffer, promise: nil)
          watch(channel, promise, on: loop)
        }
      }
    return promise.futureResult
  }

  /// Fails the promise after the timeout; closes the channel however it ends.
  private func watch(_ channel: Channel, _ promise: EventLoopPromise<[UInt8]>, on loop: EventLoop) {
    let timer = loop.scheduleTask(in: timeout) { promise.fail(ForwardError.timeout) }
    promise.futureResult.whenComplete { _ in
      timer.cancel()
      channel.close(promise: nil)
    }
  }

  /// Whether `reply` answers `query`: at least a header, with the query's id.
  static func answers(_ reply: [UInt8], _ query: [UInt8]) -> Bool {
    reply.count >= 12 && query.count >= 2 && reply[0] == query[0] && reply[1] == query[1]
  }

  /// Takes the first message that answers the query: a datagram's payload
  /// (`AddressedEnvelope<ByteBuffer>`) or a framed TCP message (`ByteBuffer`).
  private final class ReplyCatcher<Inbound>: ChannelInboundHandler {
    typealias InboundIn = Inbound
    let promise: EventLoopPromise<[UInt8]>
    let query: [UInt8]
    let payload: (Inbound) -> ByteBuffer
    private var done = false
    init(promise: EventLoopPromise<[UInt8]>, query: [UInt8], payload: @escaping (Inbound) -> ByteBuffer) {
      self.promise = promise
      self.query = query
      self.payload = payload
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      let bytes = Array(payload(unwrapInboundIn(data)).readableBytesView)
      guard !done, DNSForwarder.answers(bytes, query) else { return }
      done = true
      promise.succeed(bytes)
    }
    func errorCaught(context: ChannelHandlerContext, error: Error) {
      guard !done else { return }
      done = true
      promise.fail(error)
    }
  }
}
