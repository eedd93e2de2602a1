import Foundation
import Lang
import Runtime

/// `nodes[...].refresh()` as the `howl` executable does it: asks the local
/// `howl serve` (`/agent/refresh` on loopback, at the committed
/// `warewulf.port`) to wake the nodes' agents, then reads `/status` until
/// each node's agent has reported the fetch this refresh caused (its token).
public final class ServeAgentRefresher: AgentRefreshing {
  public let root: String
  /// How often `/status` is read while waiting.
  public var pollInterval = 0.25

  public init(root: String) { self.root = root }

  public func refresh(nodes: [String], timeout: Double) throws -> [String: AgentRefreshOutcome] {
    let port = try Store(root: root).load().server.ports.http
    let asked = try LoopbackHTTP.get(port: port, path: "/agent/refresh?nodes=" + nodes.joined(separator: ","))
    guard asked.status == 200, let line = asked.body.split(separator: "\n").first, line.hasPrefix("token="),
          let token = Int(line.dropFirst(6)) else {
      throw LangError("howl serve on port \(port) refused the refresh: \(asked.body.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    let deadline = Date().addingTimeInterval(timeout)
    var outcomes: [String: AgentRefreshOutcome] = [:]
    while true {
      if let status = try? LoopbackHTTP.get(port: port, path: "/status"), status.status == 200,
         let document = try? JSONDecoder().decode(BootStatusFile.Document.self, from: Data(status.body.utf8)) {
        for node in nodes where outcomes[node] == nil {
          guard let entry = document.nodes[node], let after = entry.runtimeAfter, after >= token else { continue }
          outcomes[node] = .applied(digest: entry.runtimeDigest ?? "", changed: entry.runtimeChanged ?? 0)
        }
      }
      if outcomes.count == nodes.count || Date() >= deadline { break }
      Thread.sleep(forTimeInterval: pollInterval)
    }
    for node in nodes where outcomes[node] == nil { outcomes[node] = .timedOut(seconds: timeout) }
    return outcomes
  }
}

/// One blocking HTTP/1.0 GET to 127.0.0.1 (the head node's own `howl serve`).
enum LoopbackHTTP {
  struct Response {
    var status: Int
    var body: String
  }

  static func get(port: Int, path: String, timeout: Int = 10) throws -> Response {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var limit = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw LangError("howl serve is not running on port \(port) of this host") }
    let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { throw POSIXError(.EIO) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n <= 0 { break }
      bytes.append(contentsOf: buffer[0..<n])
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { throw LangError("howl serve on port \(port) sent no HTTP answer") }
    let statusLine = text[..<split.lowerBound].split(separator: "\r\n").first ?? ""
    let code = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return Response(status: code, body: String(text[split.upperBound...]))
  }
}
