import FuzzSupport
import Foundation
import Runtime
import Services

/// Parses one input as a DNS message and answers it as a query; whatever
/// parses must encode and parse back the same, and every reply must parse.
enum FuzzTarget {
  static let responder: DNSResponder = {
    var state = ClusterState()
    state.server.ipaddr = "10.0.0.1"
    state.server.netmask = "255.255.0.0"
    state.server.dns = DNSSettings(enabled: true, domain: "c", hosts: ["a": ["10.0.0.5"], "b": (1...80).map { "10.0.1.\($0)" }])
    return DNSResponder(authority: DNSAuthority(zone: try! DNSZoneData(state: state), serial: 1), forwarding: false)
  }()

  static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    let input = Array(bytes)
    if let message = try? DNSMessage(parsing: input) {
      let again = try? DNSMessage(parsing: message.encode())
      precondition(again == message, "an encoded message does not parse back the same")
    }
    for transport in [DNSResponder.Transport.udp, .tcp] {
      if case .reply(let reply) = responder.respond(to: input, over: transport) {
        precondition((try? DNSMessage(parsing: reply)) != nil, "a reply does not parse")
        precondition(transport == .tcp || reply.count <= 1232, "a UDP reply is larger than advertised")
      }
    }
  }
}

#if FUZZING
/// The libFuzzer entry point (build with `-sanitize=fuzzer -DFUZZING`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  FuzzTarget.run(UnsafeBufferPointer(start: data, count: size))
  return 0
}

/// SwiftPM links an executable's entry point under this name.
@_cdecl("DNSFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  FuzzDriver.run(argc, argv, fuzzOneInput)
}
#else
/// Without the fuzzer: replays the files named on the command line.
@main
struct Replay {
  static func main() { FuzzDriver.replay(FuzzTarget.run) }
}
#endif
