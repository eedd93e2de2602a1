#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOHTTP1
import Runtime

/// Serves one HTTP connection: routes each request through the
/// `ProvisionRouter`, sends text bodies directly and files as `FileRegion`s
/// (sendfile, no copy through user space), honouring HEAD, Range and
/// conditional requests. Keep-alive and pipelining come from NIO's
/// `HTTPServerPipelineHandler` before it.
///
/// A connection ends when the client has closed its side and every answer
/// has gone out (busybox `nc` half-closes right after its request; GRUB
/// closes once it has read a file), and after `idleTimeout` without a
/// request (an `IdleStateHandler` in front says when). Firmware that
/// reboots comes back with the same source port and initial sequence
/// number (GRUB's TCP does), and a connection of its previous boot still
/// open, in LAST_ACK (GRUB does not acknowledge the server's FIN) or in
/// TIME_WAIT makes the server answer its SYN with an ACK that GRUB never
/// resolves. So the end is a reset where no byte can be lost by it: the
/// client closed after its answers were out and acknowledged, or an idle
/// connection's last answer was a text (a script, a few segments) that it
/// acknowledged. Otherwise (a file not yet read by a client that opened
/// several, an answer still going out) the close is graceful.
final class HTTPProvisionHandler: ChannelInboundHandler {
  static let idleTimeout = TimeAmount.seconds(15)

  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let router: ProvisionRouter
  private let agents: AgentRouter?
  private let digests: RuntimeDigests?
  private let config: @Sendable () -> BootConfig
  private let logger: Logger
  private var head: HTTPRequestHead?
  /// Answers being routed or written.
  private var answering = 0
  private var inputClosed = false
  private var lastAnswerWasFile = false

  /// `agents` answers the node agents' routes; `digests` adds the
  /// `X-Howl-SHA256` of each runtime overlay sent.
  init(router: ProvisionRouter, agents: AgentRouter? = nil, digests: RuntimeDigests? = nil,
       config: @escaping @Sendable () -> BootConfig, logger: Logger) {
    self.router = router
    self.agents = agents
    self.digests = digests
    self.config = config
    self.logger = logger
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let request):
      head = request
    case .body:
      break
    case .end:
      guard let request = head else { return }
      head = nil
      answering += 1
      handle(context: context, request: request)
    }
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    switch event {
    case ChannelEvent.inputClosed:
      inputClosed = true
      if answering == 0 { HTTPProvisionHandler.end(context.channel, resetting: true) }
    case IdleStateHandler.IdleStateEvent.read where answering == 0 && head == nil:
      HTTPProvisionHandler.end(context.channel, resetting: !lastAnswerWasFile)
    default:
      context.fireUserInboundEventTriggered(event)
    }
  }

  private func handle(context: ChannelHandlerContext, request: HTTPRequestHead) {
    guard request.method == .GET || request.method == .HEAD else {
      sendText(context: context, request: request, status: .methodNotAllowed, body: "GET or HEAD only\n", contentType: "text/plain")
      return
    }
    let remote = context.channel.remoteAddress
    let signature = AgentKeyring.Signature(
      time: request.headers.first(name: AgentSignature.timeHeader), sequence: request.headers.first(name: AgentSignature.sequenceHeader),
      hmac: request.headers.first(name: AgentSignature.signatureHeader))
    if let agents, AgentRouter.handles(request.uri) {
      agents.respond(uri: request.uri, signature: signature, clientIP: remote?.ipAddress ?? "", config: config(), on: context.eventLoop)
        .assumeIsolated().whenComplete { result in
          let response = (try? result.get()) ?? .text(.internalServerError, "agent request failed\n", contentType: "text/plain")
          self.send(response, context: context, request: request)
        }
      return
    }
    let response = router.respond(uri: request.uri, clientIP: remote?.ipAddress ?? "", clientPort: remote?.port ?? 0, config: config(),
                                  signature: signature)
    send(response, context: context, request: request)
  }

  private func send(_ response: ProvisionResponse, context: ChannelHandlerContext, request: HTTPRequestHead) {
    switch response {
    case let .text(status, body, contentType):
      sendText(context: context, request: request, status: status, body: body, contentType: contentType)
    case .file(let path):
      let digest = ProvisionRequest(uri: request.uri).route == .stage(.runtime) ? digests?.digest(of: path) : nil
      sendFile(context: context, request: request, path: path, digest: digest)
    }
  }

  private func sendText(context: ChannelHandlerContext, request: HTTPRequestHead, status: HTTPResponseStatus, body: String, contentType: String) {
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: contentType)
    headers.add(name: "Content-Length", value: String(body.utf8.count))
    headers.add(name: "Cache-Control", value: "no-store")
    var head = HTTPResponseHead(version: request.version, status: status, headers: headers)
    head.headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    if request.method != .HEAD {
      context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
    }
    finish(context: context, request: request, closing: nil)
  }

  private func sendFile(context: ChannelHandlerContext, request: HTTPRequestHead, path: String, digest: String?) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    var info = stat()
    guard fd >= 0, fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
      if fd >= 0 { close(fd) }
      logger.notice("HTTP \(request.uri): \(path) missing")
      sendText(context: context, request: request, status: .notFound, body: "not found\n", contentType: "text/plain")
      return
    }
    let size = Int(info.st_size)
    let plan = FileRange(size: size, mtime: Int(info.st_mtim.tv_sec), inode: UInt64(info.st_ino), headers: request.headers,
                         queryRange: ProvisionRequest(uri: request.uri).range)
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "application/octet-stream")
    headers.add(name: "ETag", value: plan.etag)
    headers.add(name: "Last-Modified", value: plan.lastModified)
    headers.add(name: "Accept-Ranges", value: "bytes")
    if let digest { headers.add(name: AgentSignature.digestHeader, value: digest) }
    headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
    if let contentRange = plan.contentRange { headers.add(name: "Content-Range", value: contentRange) }
    if plan.status != .notModified { headers.add(name: "Content-Length", value: String(plan.range.count)) }
    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: plan.status, headers: headers))), promise: nil)
    guard request.method != .HEAD, !plan.range.isEmpty else {
      close(fd)
      finish(context: context, request: request, closing: nil)
      return
    }
    let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd)
    let region = FileRegion(fileHandle: handle, readerIndex: plan.range.lowerBound, endIndex: plan.range.upperBound)
    context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: nil)
    finish(context: context, request: request, closing: handle)
  }

  private func finish(context: ChannelHandlerContext, request: HTTPRequestHead, closing handle: NIOFileHandle?) {
    let keepAlive = request.isKeepAlive
    let channel = context.channel
    context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
      try? handle?.close()
      self.answering -= 1
      self.lastAnswerWasFile = handle != nil
      if !keepAlive || (self.inputClosed && self.answering == 0) { channel.close(promise: nil) }
    }
  }

  /// Closes `channel`: with `resetting`, by a reset if the client has
  /// acknowledged every segment sent (no socket of this connection
  /// lingers), else gracefully.
  static func end(_ channel: Channel, resetting: Bool) {
    guard resetting, let socket = channel as? SocketOptionProvider else { return channel.close(promise: nil) }
    socket.getTCPInfo().whenComplete { info in
      guard case .success(let info) = info, info.tcpi_unacked == 0 else { return channel.close(promise: nil) }
      socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    logger.debug("HTTP connection error: \(error)")
    context.close(promise: nil)
  }
}
