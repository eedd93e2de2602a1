import CZlib
import Dispatch
import Foundation

/// Writes one gzip stream, compressing blocks on every core as pigz does:
/// each block is raw-deflated with the previous 32 KiB as its preset
/// dictionary and ends with a sync flush (the last one finishes the
/// stream), the blocks are written in order and their CRC-32s combined.
/// The result is a single ordinary gzip member that `gzip -d`, the Linux
/// kernel's initramfs unpacker and iPXE's `imgextract` read.
public final class ParallelGzipWriter: CompressingWriter {
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

  /// Blocks waiting for a compressing thread.
  private final class WorkQueue {
    private let condition = NSCondition()
    private var blocks: [Block] = []
    private var closed = false

    func push(_ block: Block) {
      condition.lock()
      blocks.append(block)
      condition.signal()
      condition.unlock()
    }

    /// The next block if one is waiting, without blocking.
    func tryPop() -> Block? {
      condition.lock()
      defer { condition.unlock() }
      return blocks.isEmpty ? nil : blocks.removeFirst()
    }

    /// The next block, or nil once closed and empty.
    func pop() -> Block? {
      condition.lock()
      defer { condition.unlock() }
      while blocks.isEmpty && !closed { condition.wait() }
      return blocks.isEmpty ? nil : blocks.removeFirst()
    }

    func close() {
      condition.lock()
      closed = true
      condition.broadcast()
      condition.unlock()
    }
  }

  private let output: Int32
  private let level: Int32
  private let blockSize: Int
  private let maxInFlight: Int
  private let work = WorkQueue()
  /// The writing thread's own deflate state: it compresses queued blocks
  /// itself instead of idling while it waits for the oldest one.
  private let helperStream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  private let helperStarted: Bool
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
    maxInFlight = max(threads, 1) * 8
    helperStream.initialize(to: z_stream())
    helperStarted = deflateInit2_(helperStream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                  Int32(MemoryLayout<z_stream>.size)) == Z_OK
    current.reserveCapacity(self.blockSize)
    for _ in 0..<max(threads, 1) {
      let work = self.work
      let thread = Thread {
        // One deflate state per thread, reset for each block.
        var stream = z_stream()
        let started = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                    Int32(MemoryLayout<z_stream>.size)) == Z_OK
        defer { if started { deflateEnd(&stream) } }
        while let block = work.pop() {
          if started {
            ParallelGzipWriter.compress(block, with: &stream)
          } else {
            block.failure = "cannot start deflate"
          }
          block.done.signal()
        }
      }
      thread.start()
    }
    // magic, deflate, no flags, no mtime, no extra flags, OS unix
    try writeAll([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
  }

  deinit {
    work.close()
    if helperStarted { deflateEnd(helperStream) }
    helperStream.deallocate()
  }

  /// Appends uncompressed bytes.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
      let take = min(blockSize - current.count, bytes.count - offset)
      current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]).bindMemory(to: UInt8.self))
      offset += take
      if current.count == blockSize { try submit(isLast: false) }
    }
  }

  /// Compresses the rest, writes the trailer; the stream is complete.
  public func finish() throws {
    guard !finished else { return }
    finished = true
    try submit(isLast: true)
    while !pending.isEmpty { try drainOldest() }
    work.close()
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
    work.push(block)
    while pending.count > maxInFlight { try drainOldest() }
  }

  private func drainOldest() throws {
    let block = pending.removeFirst()
    while block.done.wait(timeout: .now()) == .timedOut {
      guard helperStarted, let queued = work.tryPop() else {
        block.done.wait()
        break
      }
      ParallelGzipWriter.compress(queued, with: &helperStream.pointee)
      queued.done.signal()
    }
    if let failure = block.failure { throw ArchiveError("gzip failed: \(failure)") }
    crc = block.input.isEmpty ? crc : UInt(crc32_combine(uLong(crc), uLong(block.crc), off_t(block.input.count)))
    length += UInt64(block.input.count)
    try writeAll(block.output)
  }

  private static func compress(_ block: Block, with stream: inout z_stream) {
    guard deflateReset(&stream) == Z_OK else {
      block.failure = "cannot reset deflate"
      return
    }
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
