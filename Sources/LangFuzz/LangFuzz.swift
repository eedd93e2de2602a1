import FuzzSupport
import Lang

/// Runs one input through the lexer, parser, compiler and interpreter with
/// tight limits and no access to the host system (no `sh`, `read`, `write`).
enum FuzzTarget {
  static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: bytes, as: UTF8.self)
    let interpreter = Interpreter()
    interpreter.output = { _ in }
    interpreter.maxCallDepth = 100
    interpreter.stepLimit = 3_000
    Library.installSafe(into: interpreter)
    do {
      try interpreter.run(SourceFile(name: "<fuzz>", text: text))
    } catch let error as LangError {
      _ = DiagnosticRenderer(color: false).render(error)
    } catch {}
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
@_cdecl("LangFuzz_main")
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
