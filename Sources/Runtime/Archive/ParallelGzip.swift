import CZlib
import Dispatch
import Foundation

/// Writes one gzip stream, compressing blocks on every core as pigz does:
/// each block is raw-deflated with the previous 32 KiB as its preset
/// dictionary and ends with a sync flush (the last one finishes the
/// stream), the blocks are written in order and their CRC-32s combined.
/// The result is a single ordinary gzip member that `gzip -d`, the Linux
/// kernel's initramfs unpacker and iPXE's `imgextract` read.
public final class ParallelGzipWriter {
  /// One block in flight: its input, and the compressed output a worker fills.
  private final class Block {
    let input: [UInt8]
    let dictionary: [UInt8]
    let isLast: Bool
    var output: [UInt8] = []
    var crc: UInt = 0
    var failure: String?
    let done = DispatchSemaphore(value: 0)

    init(input: [UInt8], dictionary: [UInt8], isLast: Bool) {
      self.input = input
      self.dictionary = dictionary
      self.isLast = isLast
    }
  }

  private let output: Int32
  private let level: Int32
  private let blockSize: Int
  private let maxInFlight: Int
  private let queue = DispatchQueue(label: "howl.gzip", attributes: .concurrent)
  private let workers: DispatchSemaphore
  private var current: [UInt8] = []
  private var previousTail: [UInt8] = []
  private var pending: [Block] = []
  private var crc: UInt = 0
  private var length: UInt64 = 0
  private var finished = false
  /// Bytes of compressed output written so far.
  public private(set) var compressedBytes: Int = 0

  /// Compresses into the open file descriptor `output` (not closed here).
  public init(output: Int32, level: Int32 = 6, blockSize: Int = 128 * 1024,
              threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
    guard (1...9).contains(level) else { throw ArchiveError("gzip level must be 1 to 9, not \(level)") }
    self.output = output
    self.level = level
    self.blockSize = max(blockSize, 32 * 1024)
    workers = DispatchSemaphore(value: max(threads, 1))
    maxInFlight = max(threads, 1) * 2
    current.reserveCapacity(self.blockSize)
    // magic, deflate, no flags, no mtime, no extra flags, OS unix
    try writeAll([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
  }

  /// Appends uncompressed bytes.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var rest = bytes[...]
    while !rest.isEmpty {
      let take = min(blockSize - current.count, rest.count)
      current.append(contentsOf: rest.prefix(take))
      rest = rest.dropFirst(take)
      if current.count == blockSize { try submit(isLast: false) }
    }
  }

  /// Compresses the rest, writes the trailer; the stream is complete.
  public func finish() throws {
    guard !finished else { return }
    finished = true
    try submit(isLast: true)
    while !pending.isEmpty { try drainOldest() }
    var trailer = [UInt8]()
    for shift in stride(from: 0, to: 32, by: 8) { trailer.append(UInt8((crc >> UInt(shift)) & 0xff)) }
    for shift in stride(from: 0, to: 32, by: 8) { trailer.append(UInt8((length >> UInt64(shift)) & 0xff)) }
    try writeAll(trailer)
  }

  private func submit(isLast: Bool) throws {
    let block = Block(input: current, dictionary: previousTail, isLast: isLast)
    previousTail = Array(current.suffix(32 * 1024))
    current = []
    current.reserveCapacity(blockSize)
    pending.append(block)
    let level = self.level
    let workers = self.workers
    workers.wait()
    queue.async {
      ParallelGzipWriter.compress(block, level: level)
      block.done.signal()
      workers.signal()
    }
    while pending.count > maxInFlight { try drainOldest() }
  }

  private func drainOldest() throws {
    let block = pending.removeFirst()
    block.done.wait()
    if let failure = block.failure { throw ArchiveError("gzip failed: \(failure)") }
    crc = block.input.isEmpty ? crc : UInt(crc32_combine(uLong(crc), uLong(block.crc), off_t(block.input.count)))
    length += UInt64(block.input.count)
    try writeAll(block.output)
  }

  private static func compress(_ block: Block, level: Int32) {
    var stream = z_stream()
    guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                        Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      block.failure = "cannot start deflate"
      return
    }
    defer { deflateEnd(&stream) }
    if !block.dictionary.isEmpty {
      _ = block.dictionary.withUnsafeBufferPointer { deflateSetDictionary(&stream, $0.baseAddress, uInt($0.count)) }
    }
    block.crc = block.input.withUnsafeBufferPointer { UInt(crc32(0, $0.baseAddress, uInt($0.count))) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(block.input.count))) + 64)
    var produced = 0
    let flush = block.isLast ? Z_FINISH : Z_SYNC_FLUSH
    block.input.withUnsafeBufferPointer { input in
      stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
      stream.avail_in = uInt(input.count)
      while true {
        if produced == out.count { out.append(contentsOf: [UInt8](repeating: 0, count: 64 * 1024)) }
        let status = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
          stream.next_out = buffer.baseAddress.map { $0 + produced }
          stream.avail_out = uInt(buffer.count - produced)
          let status = deflate(&stream, flush)
          produced = buffer.count - Int(stream.avail_out)
          return status
        }
        if status == Z_STREAM_ERROR {
          block.failure = "deflate error"
          return
        }
        if block.isLast ? status == Z_STREAM_END : (stream.avail_out > 0 && stream.avail_in == 0) { return }
      }
    }
    out.removeSubrange(produced...)
    block.output = out
  }

  private func writeAll(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try FileDescriptorWriter.writeAll(output, $0) }
    compressedBytes += bytes.count
  }
}

/// `write(2)` until every byte is out, with a clear error (a full disk).
enum FileDescriptorWriter {
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
      let n = Foundation.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw ArchiveError("cannot write: \(String(cString: strerror(errno)))") }
      offset += n
    }
  }
}
