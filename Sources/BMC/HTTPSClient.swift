import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Howl's HTTPS client for BMCs: one request on a connection of its own,
/// finished by a deadline. Certificates are verified (against the system's
/// trust roots or a site's authorities, and the address or name the request
/// was sent to) unless the caller says not to. Safe to call from many threads at once; it must not
/// be called on one of NIO's event loops.
final class HTTPSClient: @unchecked Sendable {
  struct Response {
    var status: Int
    var reason: String
    var body: [UInt8]
  }

  /// Why a request got no response.
  enum Failure: Error {
    case timedOut
    case refused(String)
    case certificate(String)
    case other(String)
  }

  /// Which certificates a request accepts.
  enum Trust: Hashable {
    /// Those the system's trust roots vouch for.
    case system
    /// Those from the authorities in this PEM file.
    case authorities(String)
    /// Any (a BMC's self-signed certificate).
    case anything
  }

  private let lock = NSLock()
  private var contexts: [Trust: Result<NIOSSLContext, Error>] = [:]

  init() {}

  /// One TLS context per way of trusting, made when first needed.
  private func context(_ trust: Trust) throws -> NIOSSLContext {
    lock.lock()
    defer { lock.unlock() }
    if let made = contexts[trust] { return try made.get() }
    var configuration = TLSConfiguration.makeClientConfiguration()
    switch trust {
    case .system: break
    case .authorities(let file): configuration.trustRoots = .file(file)
    case .anything: configuration.certificateVerification = .none
    }
    let made = Result { try NIOSSLContext(configuration: configuration) }
    contexts[trust] = made
    return try made.get()
  }

  func send(_ method: HTTPMethod, host: String, port: Int, path: String, headers: [(String, String)], body: [UInt8]?,
            trust: Trust, deadline: NIODeadline) throws -> Response {
    let context: NIOSSLContext
    do { context = try self.context(trust) } catch { throw Failure.other("TLS: \(error)") }
    let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
    let outcome = Outcome(eventLoop.makePromise(of: Response.self))
    // A name is sent for SNI and checked against the certificate; an address is checked against it as the peer's.
    let serverName = Self.isAddress(host) ? nil : host
    let bootstrap = ClientBootstrap(group: eventLoop)
      .connectTimeout(max(.milliseconds(1), deadline - .now()))
      .channelInitializer { channel in
        do {
          try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverName))
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          try channel.pipeline.syncOperations.addHandler(ResponseCollector(outcome))
          return channel.eventLoop.makeSucceededVoidFuture()
        } catch {
          return channel.eventLoop.makeFailedFuture(error)
        }
      }
    let timer = eventLoop.scheduleTask(deadline: deadline) { outcome.finish(.failure(Failure.timedOut)) }
    defer { timer.cancel() }
    var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
    head.headers.add(name: "Host", value: Self.isAddress(host) && host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
    head.headers.add(name: "Connection", value: "close")
    for (name, value) in headers { head.headers.add(name: name, value: value) }
    if let body { head.headers.add(name: "Content-Length", value: String(body.count)) }
    bootstrap.connect(host: host, port: port).whenComplete { result in
      switch result {
      case .failure(let error):
        outcome.finish(.failure(error))
      case .success(let channel):
        outcome.promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
      }
    }
    do {
      return try outcome.promise.futureResult.wait()
    } catch {
      throw Self.failure(error)
    }
  }

  /// Why a certificate that does not chain to a trusted authority is refused.
  static let untrusted = "self-signed, or from an authority this machine does not trust"

  /// What went wrong, in a user's terms.
  static func failure(_ error: Error) -> Failure {
    if let failure = error as? Failure { return failure }
    if case ChannelError.connectTimeout = error { return .timedOut }
    if let error = error as? NIOConnectionError {
      let refused = error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
      if refused { return .refused("connection refused") }
      return .other(error.connectionErrors.first.map { "\($0.error)" } ?? "\(error)")
    }
    if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return .refused("connection refused") }
    if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
      return .certificate("it is not for this address")
    }
    if case NIOSSLError.handshakeFailed(let reason) = error {
      let text = "\(reason)"
      if text.contains("CERTIFICATE_VERIFY_FAILED") { return .certificate(untrusted) }
      return .other("the TLS handshake failed: \(text)")
    }
    if let error = error as? NIOSSLError { return .other("TLS: \(error)") }
    return .other("\(error)")
  }

  static func isAddress(_ host: String) -> Bool {
    var v4 = in_addr(), v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }

  /// The request's promise, completed once (by the response, an error or
  /// the deadline), always on its event loop.
  final class Outcome: @unchecked Sendable {
    let promise: EventLoopPromise<Response>
    private var done = false

    init(_ promise: EventLoopPromise<Response>) { self.promise = promise }

    func finish(_ result: Result<Response, Error>) {
      promise.futureResult.eventLoop.execute { [self] in
        guard !done else { return }
        done = true
        promise.completeWith(result)
      }
    }
  }

  /// Gathers the response's head and body.
  final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    private let outcome: Outcome
    private var response = Response(status: 0, reason: "", body: [])

    init(_ outcome: Outcome) { self.outcome = outcome }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      switch unwrapInboundIn(data) {
      case .head(let head):
        response.status = Int(head.status.code)
        response.reason = head.status.reasonPhrase
      case .body(var buffer):
        response.body += buffer.readBytes(length: buffer.readableBytes) ?? []
      case .end:
        outcome.finish(.success(response))
      }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
      outcome.finish(.failure(error))
      context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
      outcome.finish(.failure(Failure.other("the connection closed before a response")))
    }
  }
}
