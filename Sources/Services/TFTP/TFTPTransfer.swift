#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore

/// One read transfer (RFC 1350 with blksize, tsize, timeout, windowsize),
/// run by `TFTPTransferLoop`: sends the OACK or the first window, slides
/// the window on each ACK, resends the window when the timeout passes
/// without one, and stops when done, aborted or given up. A duplicate ACK
/// sends nothing (Sorcerer's Apprentice). Block numbers wrap at 65535 → 0,
/// so files over 32 MB at 512 bytes work. Made on the listener's thread,
/// then used by the loop's alone.
final class TFTPTransfer: @unchecked Sendable {
  let socket: TFTPSocket
  private(set) var finished = false
  private let file: Int32
  private let options: TFTPTransferOptions
  private let peer: SocketAddress
  private let name: String
  private let logger: Logger
  private let onFinish: @Sendable (Bool) -> Void
  private var packets: TFTPDataPackets
  /// Until the client acknowledges the OACK with block 0, nothing else counts.
  private var awaitingOptionAck: Bool
  /// Blocks acknowledged so far (block n covers bytes (n-1)·size ..< n·size).
  private var acknowledged = 0
  private var retries = 0
  /// When to resend, in `TFTPTransferLoop.now()` nanoseconds.
  private var deadline: Int64 = 0
  private static let maxRetries = 5

  init(socket: TFTPSocket, file: Int32, fileSize: Int, options: TFTPTransferOptions, peer: SocketAddress, name: String,
       logger: Logger, onFinish: @escaping @Sendable (Bool) -> Void) {
    self.socket = socket
    self.file = file
    self.options = options
    self.peer = peer
    self.name = name
    self.logger = logger
    self.onFinish = onFinish
    awaitingOptionAck = !options.acknowledged.isEmpty
    packets = TFTPDataPackets(fd: file, fileSize: fileSize, blockSize: options.blockSize, windowSize: options.windowSize)
  }

  /// Sends what the client waits for: the OACK, or the current window.
  func sendAwaited(now: Int64) {
    if awaitingOptionAck {
      sendOptionAck(now: now)
    } else {
      sendWindow(now: now)
    }
  }

  /// Reads the datagram waiting on the socket into `buffer` and acts on it.
  func readable(now: Int64, buffer: UnsafeMutableRawBufferPointer) {
    let count = socket.receive(into: buffer)
    guard count >= 0 else {
      if errno == EAGAIN || errno == EINTR { return }
      // A connected socket reports the client's port closing (ICMP port unreachable) here.
      logger.info("TFTP \(name): \(peer) gone (\(String(cString: strerror(errno))))")
      finish(ok: false)
      return
    }
    let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<count])
    // ACKs are most of the traffic: read them without building a packet.
    if count >= 4, bytes[0] == 0, bytes[1] == 4 {
      acknowledge(block: UInt16(bytes[2]) << 8 | UInt16(bytes[3]), now: now)
      return
    }
    switch try? TFTPPacket.parse(Array(bytes)) {
    case .error(let code, let message):
      logger.info("TFTP \(name): client \(peer) aborted (\(code) \(message))")
      finish(ok: false)
    default:
      logger.info("TFTP \(name): unexpected packet from \(peer) dropped")
    }
  }

  /// Resends what is unacknowledged if the deadline has passed, or gives up.
  func expire(now: Int64) {
    guard !finished, now >= deadline else { return }
    retries += 1
    guard retries <= TFTPTransfer.maxRetries else {
      logger.info("TFTP \(name): \(peer) stopped answering; transfer abandoned")
      finish(ok: false)
      return
    }
    sendAwaited(now: now)
  }

  /// Ends the transfer unfinished (the server is stopping).
  func abandon() {
    finish(ok: false)
  }

  private func acknowledge(block: UInt16, now: Int64) {
    if awaitingOptionAck {
      guard block == 0 else { return }
      awaitingOptionAck = false
      retries = 0
      sendWindow(now: now)
      return
    }
    // The ACK names a block in (acknowledged, acknowledged + window] by its low 16 bits.
    let sent = min(acknowledged + options.windowSize, packets.lastBlock)
    let ahead = Int(block &- UInt16(truncatingIfNeeded: acknowledged))
    guard ahead > 0, acknowledged + ahead <= sent else { return }
    acknowledged += ahead
    retries = 0
    if acknowledged >= packets.lastBlock {
      finish(ok: true)
    } else {
      sendWindow(now: now)
    }
  }

  private func sendWindow(now: Int64) {
    let first = acknowledged + 1
    let last = min(acknowledged + options.windowSize, packets.lastBlock)
    let socket = self.socket
    guard let error = packets.withPackets(from: first, through: last, { socket.send($0) }) else {
      logger.warning("TFTP \(name): read failed at block \(first)")
      _ = socket.send(TFTPPacket.error(code: TFTPPacket.ErrorCode.notDefined.rawValue, message: "read error").encode())
      finish(ok: false)
      return
    }
    afterSend(now: now, error: error)
  }

  private func sendOptionAck(now: Int64) {
    afterSend(now: now, error: socket.send(TFTPPacket.optionAck(options.acknowledged).encode()))
  }

  /// After a send: a refused one means the client is gone; one that would
  /// block (or was dropped) is resent when the deadline passes.
  private func afterSend(now: Int64, error: Int32) {
    if error == ECONNREFUSED {
      logger.info("TFTP \(name): \(peer) gone")
      finish(ok: false)
      return
    }
    deadline = now + Int64(options.timeoutSeconds) * 1_000_000_000
  }

  private func finish(ok: Bool) {
    guard !finished else { return }
    finished = true
    close(file)
    socket.close()
    onFinish(ok)
  }
}
