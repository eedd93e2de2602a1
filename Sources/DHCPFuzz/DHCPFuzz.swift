import FuzzSupport
import Foundation
import Services

/// Parses one input as a DHCP packet; whatever parses must encode and parse back the same.
enum FuzzTarget {
  static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let packet = try? DHCPPacket.parse(Array(bytes)) else { return }
    let again = try? DHCPPacket.parse(packet.encode())
    precondition(again != nil, "an encoded packet does not parse")
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
@_cdecl("DHCPFuzz_main")
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
