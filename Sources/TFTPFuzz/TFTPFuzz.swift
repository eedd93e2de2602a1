import Foundation
import Services

/// Parses one input as a TFTP packet; whatever parses must encode and parse back the same.
enum FuzzTarget {
  static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let packet = try? TFTPPacket.parse(Array(bytes)) else { return }
    let again = try? TFTPPacket.parse(packet.encode())
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

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>, _ callback: FuzzCallback) -> CInt

/// SwiftPM links an executable's entry point under this name; hand the
/// command line to libFuzzer's driver.
@_cdecl("TFTPFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var vector = argv
  return runFuzzerDriver(&count, &vector, fuzzOneInput)
}
#else
/// Without the fuzzer: replays the files named on the command line (to
/// reproduce a crash the fuzzer found).
@main
struct Replay {
  static func main() {
    for path in CommandLine.arguments.dropFirst() {
      guard let data = FileManager.default.contents(atPath: path) else { continue }
      Array(data).withUnsafeBufferPointer(FuzzTarget.run)
    }
  }
}
#endif
