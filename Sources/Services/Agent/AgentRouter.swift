import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Runtime

/// The routes of Howl's node agent, beside Warewulf's:
///
/// | route | answer |
/// | --- | --- |
/// | `GET /agent/key/<wwid>` | `key=<hex>` and `time=<server time>`: this boot's secret, once (`AgentKeyring`) |
/// | `GET /agent/wait/<wwid>?seconds=N` | `refresh TOKEN` when a refresh is asked for, `idle` after N s (`AgentWakeups`) |
/// | `GET /agent/report/<wwid>?digest=D&changed=N&after=TOKEN` | records that the agent applied runtime overlay D (after that refresh) |
/// | `GET /agent/refresh?nodes=a,b` | from loopback only: wakes those agents; `token=TOKEN` |
///
/// Wait and report are signed as runtime overlay requests are; with
/// `secure` they must be.
public struct AgentRouter: Sendable {
  public var keyring: AgentKeyring
  public var wakeups: AgentWakeups
  public var status: BootStatusBoard
  public var logger: Logger

  public init(keyring: AgentKeyring, wakeups: AgentWakeups, status: BootStatusBoard, logger: Logger) {
    self.keyring = keyring
    self.wakeups = wakeups
    self.status = status
    self.logger = logger
  }

  /// Whether `uri` is one of these routes.
  public static func handles(_ uri: String) -> Bool { uri.hasPrefix("/agent/") }

  public func respond(uri: String, signature: AgentKeyring.Signature, clientIP: String, config: BootConfig,
                      on eventLoop: EventLoop) -> EventLoopFuture<ProvisionResponse> {
    let request = ProvisionRequest(uri: uri.replacingOccurrences(of: "/agent/", with: "/", options: .anchored))
    let query = AgentRouter.query(of: uri)
    let segments = uri.split(separator: "?", maxSplits: 1).first?.split(separator: "/").map(String.init) ?? []
    let action = segments.count > 1 ? segments[1] : ""
    func text(_ status: HTTPResponseStatus, _ body: String) -> EventLoopFuture<ProvisionResponse> {
      eventLoop.makeSucceededFuture(.text(status, body, contentType: "text/plain"))
    }
    if action == "refresh" {
      guard AgentRouter.isLoopback(clientIP) else {
        logger.warning("agent refresh asked from \(clientIP) refused: loopback only")
        return text(.forbidden, "refresh is asked from the head node only\n")
      }
      let names = (query["nodes"] ?? "").split(separator: ",").map(String.init).filter { config.nodes[$0] != nil }
      let token = Int(Date().timeIntervalSince1970 * 1000)
      wakeups.refresh(names, token: token)
      return text(.ok, "token=\(token)\n")
    }
    guard segments.count == 3, let mac = request.wwid, let node = config.node(for: mac) else {
      logger.notice("agent \(action) from \(clientIP): no known node in \(uri)")
      return text(.notFound, "unknown node\n")
    }
    switch action {
    case "key":
      let lease = config.leases[mac]?.address.map { "\($0)" }
      switch keyring.handOut(node: node.id, clientIP: clientIP, leaseAddress: lease) {
      case .key(let key):
        logger.info("agent key for \(node.id) handed out to \(clientIP)")
        return text(.ok, "key=\(key)\ntime=\(Int(Date().timeIntervalSince1970))\n")
      case .refused(let why):
        logger.warning("agent key for \(node.id) refused: \(why)")
        return text(.forbidden, "key refused: \(why)\n")
      case .conflict(let why):
        logger.error("agent key conflict for \(node.id): second request from \(clientIP): \(why)")
        return text(.conflict, "key refused: \(why)\n")
      }
    case "wait", "report":
      switch keyring.verify(node: node.id, target: uri, signature: signature) {
      case .signed: break
      case .unsigned where !config.settings.secure: break
      case .unsigned:
        logger.warning("agent \(action) for \(node.id) from \(clientIP) refused: not signed (secure mode)")
        return text(.unauthorized, "signature needed\n")
      case .refused(let why):
        logger.warning("agent \(action) for \(node.id) from \(clientIP) refused: \(why)")
        return text(.unauthorized, "signature refused: \(why)\n")
      }
      if action == "report" {
        let digest = query["digest"] ?? ""
        status.recordRefresh(node: node.id, digest: digest, changed: Int(query["changed"] ?? "") ?? 0,
                             after: Int(query["after"] ?? ""), ipaddr: clientIP)
        logger.info("agent \(node.id) applied runtime overlay \(digest.prefix(12)) (\(query["changed"] ?? "?") changed)")
        return text(.ok, "recorded\n")
      }
      let seconds = min(max(Int(query["seconds"] ?? "") ?? 60, 1), 3600)
      return wakeups.wait(node: node.id, seconds: seconds, on: eventLoop).map { token in
        .text(.ok, token.map { "refresh \($0)\n" } ?? "idle\n", contentType: "text/plain")
      }
    default:
      return text(.notFound, "not found\n")
    }
  }

  static func query(of uri: String) -> [String: String] {
    var out: [String: String] = [:]
    guard let q = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return out }
    for pair in q.split(separator: "&") {
      let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      out[String(kv[0])] = kv.count > 1 ? ProvisionRequest.percentDecoded(String(kv[1])) : ""
    }
    return out
  }

  static func isLoopback(_ ip: String) -> Bool { ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.") }
}
