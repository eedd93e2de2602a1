import CZlib
import Foundation

/// gzip compression of whole files with zlib.
public enum Gzip {
  /// Compresses `source` into `destination` (a single gzip member).
  public static func compress(_ source: String, to destination: String, level: Int32 = 6) throws {
    guard let input = FileHandle(forReadingAtPath: source) else { throw ArchiveError("cannot read \(source)") }
    defer { try? input.close() }
    guard FileManager.default.createFile(atPath: destination, contents: nil),
          let output = FileHandle(forWritingAtPath: destination) else { throw ArchiveError("cannot create \(destination)") }
    defer { try? output.close() }
    var stream = z_stream()
    // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
    guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                        Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw ArchiveError("cannot start gzip") }
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: 1 << 18)
    var finished = false
    while !finished {
      let chunk = input.readData(ofLength: 1 << 20)
      let flush = chunk.isEmpty ? Z_FINISH : Z_NO_FLUSH
      try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
        stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(raw.count)
        repeat {
          let produced = try out.withUnsafeMutableBufferPointer { buffer -> Int in
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(buffer.count)
            let status = deflate(&stream, flush)
            guard status != Z_STREAM_ERROR else { throw ArchiveError("gzip failed") }
            if status == Z_STREAM_END { finished = true }
            return buffer.count - Int(stream.avail_out)
          }
          if produced > 0 { output.write(Data(out[0..<produced])) }
        } while stream.avail_out == 0
      }
    }
  }
}
