#if canImport(Glibc)
import Glibc
#endif

/// The DATA packets of a run of consecutive blocks, read ahead from the
/// file with one `preadv` into one buffer laid out packet after packet
/// (opcode, block number, payload): sending a block costs no read, copy or
/// allocation, and a window is a list of vectors into the buffer.
struct TFTPDataPackets {
  /// The file's last block (1-based): shorter than a block, maybe empty.
  let lastBlock: Int
  private let fd: Int32
  private let fileSize: Int
  private let blockSize: Int
  /// Blocks per fill: about `readAhead` bytes, at least one window.
  private let capacity: Int
  private var storage: [UInt8] = []
  private var first = 0
  private var held = 0

  /// Bytes read ahead per fill (unless one window is more).
  static let readAhead = 64 << 10
  /// Linux's IOV_MAX (not imported into Swift): the most vectors one `preadv` takes.
  private static let maxVectors = 1024

  init(fd: Int32, fileSize: Int, blockSize: Int, windowSize: Int) {
    self.fd = fd
    self.fileSize = fileSize
    self.blockSize = blockSize
    lastBlock = fileSize / blockSize + 1
    let wanted = max(windowSize, TFTPDataPackets.readAhead / blockSize)
    capacity = max(1, min(wanted, lastBlock, TFTPDataPackets.maxVectors))
  }

  /// Calls `body` with one vector per packet of blocks `from...through`
  /// (at most `capacity` of them), reading ahead from `from` unless all
  /// are held. Nil if the file could not be read.
  mutating func withPackets<Result>(from: Int, through: Int, _ body: (UnsafeMutableBufferPointer<iovec>) -> Result) -> Result? {
    if from < first || through >= first + held {
      guard fill(from: from) else { return nil }
    }
    let count = through - from + 1
    let (stride, offset) = (4 + blockSize, (from - first) * (4 + blockSize))
    let (blockSize, fileSize) = (self.blockSize, self.fileSize)
    return storage.withUnsafeMutableBytes { raw in
      withUnsafeTemporaryAllocation(of: iovec.self, capacity: count) { vectors in
        for index in 0..<count {
          let length = 4 + TFTPDataPackets.payloadSize(from + index, blockSize: blockSize, fileSize: fileSize)
          vectors[index] = iovec(iov_base: raw.baseAddress! + offset + index * stride, iov_len: length)
        }
        return body(vectors)
      }
    }
  }

  private static func payloadSize(_ block: Int, blockSize: Int, fileSize: Int) -> Int {
    min(blockSize, fileSize - (block - 1) * blockSize)
  }

  private mutating func fill(from: Int) -> Bool {
    let (fd, blockSize, fileSize) = (self.fd, self.blockSize, self.fileSize)
    let count = min(capacity, lastBlock - from + 1)
    let stride = 4 + blockSize
    if storage.isEmpty { storage = [UInt8](repeating: 0, count: capacity * stride) }
    let wanted = (from..<from + count).reduce(0) { $0 + TFTPDataPackets.payloadSize($1, blockSize: blockSize, fileSize: fileSize) }
    let read = storage.withUnsafeMutableBytes { raw in
      withUnsafeTemporaryAllocation(of: iovec.self, capacity: count) { vectors in
        for index in 0..<count {
          let packet = raw.baseAddress! + index * stride
          packet.storeBytes(of: UInt16(3).bigEndian, as: UInt16.self)
          (packet + 2).storeBytes(of: UInt16(truncatingIfNeeded: from + index).bigEndian, as: UInt16.self)
          let size = TFTPDataPackets.payloadSize(from + index, blockSize: blockSize, fileSize: fileSize)
          vectors[index] = iovec(iov_base: packet + 4, iov_len: size)
        }
        return preadv(fd, vectors.baseAddress, Int32(count), off_t((from - 1) * blockSize))
      }
    }
    guard read == wanted else {
      held = 0
      return false
    }
    first = from
    held = count
    return true
  }
}
