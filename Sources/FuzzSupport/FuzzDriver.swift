import Foundation

/// The libFuzzer plumbing every fuzz target shares. A target defines its
/// `LLVMFuzzerTestOneInput` and its SwiftPM entry point `<Target>_main`
/// (both `@_cdecl`, so they must live in the executable) and hands them here.
///
/// Built with `-sanitize=fuzzer -DFUZZING` (see `scripts/fuzz`), `run` starts
/// libFuzzer's driver; built normally, a target replays the files named on
/// its command line with `replay`, to reproduce what the fuzzer found.
public enum FuzzDriver {
  /// libFuzzer's per-input callback.
  public typealias Callback = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

  #if FUZZING
  /// Hands the command line to libFuzzer, which calls `callback` per input.
  public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                         _ callback: Callback) -> CInt {
    var count = argc
    var vector = argv
    return runFuzzerDriver(&count, &vector, callback)
  }
  #endif

  /// Runs `body` on the contents of each file named on the command line.
  public static func replay(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    for path in CommandLine.arguments.dropFirst() {
      guard let data = FileManager.default.contents(atPath: path) else {
        print("cannot read \(path)")
        continue
      }
      Array(data).withUnsafeBufferPointer(body)
      print("ok: \(path)")
    }
  }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ callback: FuzzDriver.Callback) -> CInt
#endif
