import CZstd
import Foundation

/// Writes one zstd frame with libzstd's own worker threads (one per core,
/// `ZSTD_c_nbWorkers`) and a content checksum, as `zstd -T0 --check` does.
/// The Linux kernel unpacks it as an initramfs (`CONFIG_RD_ZSTD`); `zstd -d`
/// and libarchive read it. A libzstd built without threads compresses on
/// one core.
public final class ZstdWriter: CompressingWriter {
  private let output: Int32
  private let context: OpaquePointer
  private var buffer: [UInt8]
  private var finished = false
  /// Bytes of compressed output written so far.
  public private(set) var compressedBytes: Int = 0

  /// Compresses into the open file descriptor `output` (not closed here).
  public init(output: Int32, level: Int32 = 3, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
    guard (1...19).contains(level) else { throw ArchiveError("zstd level must be 1 to 19, not \(level)") }
    guard let context = ZSTD_createCCtx() else { throw ArchiveError("cannot start zstd") }
    self.output = output
    self.context = context
    buffer = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
    _ = ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, Int32(max(threads, 1)))
  }

  deinit { ZSTD_freeCCtx(context) }

  /// Appends uncompressed bytes.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
    while input.pos < input.size {
      _ = try compress(&input, ZSTD_e_continue)
    }
  }

  /// Compresses the rest and ends the frame.
  public func finish() throws {
    guard !finished else { return }
    finished = true
    var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    while try compress(&input, ZSTD_e_end) != 0 {}
  }

  /// One `ZSTD_compressStream2` call, its output written; what libzstd has left to flush.
  private func compress(_ input: inout ZSTD_inBuffer, _ directive: ZSTD_EndDirective) throws -> Int {
    let (remaining, produced) = try buffer.withUnsafeMutableBytes { raw -> (Int, Int) in
      var out = ZSTD_outBuffer(dst: raw.baseAddress, size: raw.count, pos: 0)
      let remaining = ZSTD_compressStream2(context, &out, &input, directive)
      try check(remaining)
      return (remaining, out.pos)
    }
    try buffer.withUnsafeBytes { try FileDescriptorWriter.writeAll(output, UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
    compressedBytes += produced
    return remaining
  }

  private func check(_ result: Int) throws {
    if ZSTD_isError(result) != 0 { throw ArchiveError("zstd failed: \(String(cString: ZSTD_getErrorName(result)))") }
  }
}
