import Foundation
import NIOCore
import NIOHTTP1
import Remote

/// The requests of one operation on one node's Redfish service, all within
/// one deadline, with HTTP basic authentication. Failures are `BMCError`s
/// that name the BMC, as the ipmitool path's do; the password is never in one.
struct RedfishSession {
  let endpoint: RedfishEndpoint
  let client: HTTPSClient
  let timeout: Double
  let deadline: NIODeadline

  init(_ endpoint: RedfishEndpoint, client: HTTPSClient, timeout: Double) {
    self.endpoint = endpoint
    self.client = client
    self.timeout = timeout
    deadline = .now() + .nanoseconds(Int64(timeout * 1e9))
  }

  typealias Object = [String: Any]

  func get(_ path: String) throws -> Object {
    let body = try send(.GET, path, nil)
    guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? Object else {
      throw BMCError("BMC \(endpoint.address): \(path) is not a JSON object")
    }
    return object
  }

  func post(_ path: String, _ json: Object) throws { _ = try send(.POST, path, json) }

  func patch(_ path: String, _ json: Object) throws { _ = try send(.PATCH, path, json) }

  /// The ComputerSystem's path: the node's `system` tag, or the only member of `/redfish/v1/Systems`.
  func systemPath() throws -> String {
    if let system = endpoint.system { return system }
    let members = try self.members(of: "/redfish/v1/Systems")
    guard members.count == 1 else {
      throw BMCError(members.isEmpty ? "BMC \(endpoint.address) has no system in /redfish/v1/Systems"
        : "BMC \(endpoint.address) has \(members.count) systems (\(members.joined(separator: ", "))): name one with ipmi.tags.system")
    }
    return members[0]
  }

  /// The `@odata.id`s of a collection's members.
  func members(of path: String) throws -> [String] {
    Self.links(try get(path)["Members"])
  }

  /// The `@odata.id`s in a list of links.
  static func links(_ value: Any?) -> [String] {
    (value as? [Object] ?? []).compactMap { $0["@odata.id"] as? String }
  }

  private func send(_ method: HTTPMethod, _ path: String, _ json: Object?) throws -> [UInt8] {
    var headers = [("Accept", "application/json"), ("Authorization", "Basic " + Data("\(endpoint.username):\(endpoint.password)".utf8).base64EncodedString())]
    var body: [UInt8]?
    if let json {
      headers.append(("Content-Type", "application/json"))
      body = Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
    }
    let response: HTTPSClient.Response
    do {
      response = try client.send(method, host: endpoint.host, port: endpoint.port, path: path, headers: headers, body: body,
                                 trust: endpoint.trust, deadline: deadline)
    } catch let failure as HTTPSClient.Failure {
      throw error(failure)
    }
    switch response.status {
    case 200..<300: return response.body
    case 401, 403:
      throw BMCError("BMC \(endpoint.address) refused the session (wrong user name or password): HTTP \(response.status) \(response.reason)")
    default:
      let detail = Self.message(response.body).map { ": \($0)" } ?? ""
      throw BMCError("BMC \(endpoint.address): \(method) \(path) gave HTTP \(response.status) \(response.reason)\(detail)")
    }
  }

  private func error(_ failure: HTTPSClient.Failure) -> BMCError {
    switch failure {
    case .timedOut: return BMCError("BMC \(endpoint.address) did not answer in \(TimedCommand.seconds(timeout))")
    case .refused(let why): return BMCError("BMC \(endpoint.address): \(why)")
    case .certificate(let why):
      if case .authorities(let file) = endpoint.trust {
        return BMCError("BMC \(endpoint.address): certificate refused (\(why == HTTPSClient.untrusted ? "not from an authority in \(file)" : why))")
      }
      return BMCError("BMC \(endpoint.address): certificate refused (\(why)); ipmi.tags.cacert names the authority that signed it, or ipmi.tags.verify = \"false\" accepts it")
    case .other(let why): return BMCError("BMC \(endpoint.address): \(why)")
    }
  }

  /// A Redfish error body's message (`error.@Message.ExtendedInfo[0].Message`, or `error.message`).
  static func message(_ body: [UInt8]) -> String? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? Object,
          let error = object["error"] as? Object else { return nil }
    if let info = error["@Message.ExtendedInfo"] as? [Object], let text = info.first?["Message"] as? String { return text }
    return error["message"] as? String
  }
}
