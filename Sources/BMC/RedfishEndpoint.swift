import Foundation
import Runtime

/// Where and how to reach one node's Redfish service, from its `ipmi`
/// fields: `ipaddr`, `port` (443 when empty or IPMI's 623), `username`,
/// `password`, and the tags `cacert` (a PEM file of the authorities the
/// BMC's certificate must come from, in place of the system's), `verify =
/// "false"` (accept a certificate that cannot be verified, such as a BMC's
/// self-signed one) and `system` (the ComputerSystem's id or path; else the
/// only one in `/redfish/v1/Systems`).
struct RedfishEndpoint {
  var host: String
  var port: Int
  var username: String
  var password: String
  var trust: HTTPSClient.Trust
  var system: String?

  init(_ target: BMCTarget) throws {
    guard !target.ipaddr.isEmpty else { throw BMCError("no ipmi.ipaddr") }
    host = target.ipaddr
    if target.port.isEmpty || target.port == "623" {
      port = 443
    } else if let number = Int(target.port), (1...65535).contains(number) {
      port = number
    } else {
      throw BMCError("ipmi.port \"\(target.port)\" is not a port number")
    }
    username = target.username
    password = target.password
    let authority = target.tags["cacert"] ?? ""
    switch target.tags["verify"]?.lowercased() ?? "" {
    case "", "true", "yes": trust = authority.isEmpty ? .system : .authorities(authority)
    case "false", "no":
      guard authority.isEmpty else {
        throw BMCError("ipmi.tags.cacert names authorities to verify against and ipmi.tags.verify = \"false\" turns verification off: keep one")
      }
      trust = .anything
    case let other: throw BMCError("ipmi.tags.verify is \"true\" or \"false\", not \"\(other)\"")
    }
    if !authority.isEmpty {
      guard authority.hasPrefix("/") else { throw BMCError("ipmi.tags.cacert is a file's full path, not \"\(authority)\"") }
      guard FileManager.default.isReadableFile(atPath: authority) else { throw BMCError("ipmi.tags.cacert: cannot read \(authority)") }
    }
    system = target.tags["system"].flatMap { name in
      name.isEmpty ? nil : name.hasPrefix("/") ? name : "/redfish/v1/Systems/" + name
    }
  }

  /// How messages name the BMC: `10.0.1.41`, or `127.0.0.1:8443` on another port.
  var address: String { port == 443 ? host : "\(host):\(port)" }

  /// The URL of `path` on this BMC.
  func url(_ path: String) -> String {
    let authority = HTTPSClient.isAddress(host) && host.contains(":") ? "[\(host)]" : host
    return "https://\(authority)\(port == 443 ? "" : ":\(port)")\(path)"
  }
}
