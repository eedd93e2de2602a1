import NIOCore
import NIOPosix

/// Sends a query for a name outside the zones to the upstream resolvers in
/// turn over UDP and hands back the first answer with the client's id.
struct DNSForwarder {
  let upstreams: [SocketAddress]
  let group: EventLoopGroup
  let timeout: TimeAmount = .seconds(2)

  func forward(_ query: [UInt8]) -> EventLoopFuture<[UInt8]> {
    let loop = group.next()
    func attempt(_ index: Int) -> EventLoopFuture<[UInt8]> {
      guard index < upstreams.count else { return loop.makeFailedFuture(ForwardError.noAnswer) }
      return ask(upstreams[index], query, on: loop).flatMapError { _ in attempt(index + 1) }
    }
    return attempt(0)
  }

  enum ForwardError: Error { case noAnswer, timeout }

  private func ask(_ upstream: SocketAddress, _ query: [UInt8], on loop: EventLoop) -> EventLoopFuture<[UInt8]> {
    let promise = loop.makePromise(of: [UInt8].self)
    let id = query.count >= 2 ? query[0..<2] : []
    DatagramBootstrap(group: loop)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ReplyCatcher(promise: promise, id: Array(id))) }
      }
      .bind(host: upstream.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
      .whenComplete { result in
        switch result {
        case .failure(let error): promise.fail(error)
        case .success(let channel):
          let buffer = channel.allocator.buffer(bytes: query)
          channel.writeAndFlush(AddressedEnvelope(remoteAddress: upstream, data: buffer), promise: nil)
          let timer = loop.scheduleTask(in: timeout) { promise.fail(ForwardError.timeout) }
          promise.futureResult.whenComplete { _ in
            timer.cancel()
            channel.close(promise: nil)
          }
        }
      }
    return promise.futureResult
  }

  /// Takes the first datagram whose id matches the query's.
  private final class ReplyCatcher: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let promise: EventLoopPromise<[UInt8]>
    let id: [UInt8]
    init(promise: EventLoopPromise<[UInt8]>, id: [UInt8]) {
      self.promise = promise
      self.id = id
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      let bytes = Array(unwrapInboundIn(data).data.readableBytesView)
      guard bytes.count >= 12, Array(bytes[0..<2]) == id else { return }
      promise.succeed(bytes)
    }
  }
}
