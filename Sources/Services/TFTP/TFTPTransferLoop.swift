#if canImport(Glibc)
import Glibc
#endif
import CLinuxIO
import NIOConcurrencyHelpers

/// Runs every TFTP transfer on one thread of its own, apart from the HTTP
/// event loops. TFTP is lock-step at small block sizes, so the time from an
/// ACK arriving to the next DATA leaving sets the rate: here that is one
/// `epoll_wait`, one `recv` and one `send` (one `sendmmsg` for a window),
/// without what a NIO datagram channel adds to each packet (a
/// `SocketAddress` and its text form per read, a boxed envelope, the
/// pending-write queue): with server and client on one CPU, 26 MB/s at
/// 512-byte blocks on a channel, 31 here. One thread and one epoll set
/// serve any number of transfers; deadlines are checked every `tick`.
final class TFTPTransferLoop: @unchecked Sendable {
  private let epoll: Int32
  private let wakeup: Int32
  /// Transfers `add` handed over, and whether `stop` was called.
  private let handover = NIOLockedValueBox((transfers: [TFTPTransfer](), stopping: false))
  /// The loop thread's alone: the running transfers by socket.
  private var transfers: [Int32: TFTPTransfer] = [:]
  private var thread: pthread_t?
  /// How often retransmission deadlines are checked, in nanoseconds.
  static let tick: Int64 = 100_000_000

  /// Why the loop could not start.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Starts the loop thread.
  init() throws {
    epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
    wakeup = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
    guard epoll >= 0, wakeup >= 0 else {
      let failure = Failure(description: "epoll/eventfd: \(String(cString: strerror(errno)))")
      if epoll >= 0 { close(epoll) }
      if wakeup >= 0 { close(wakeup) }
      throw failure
    }
    watch(wakeup)
    let box = Unmanaged.passRetained(self)
    var handle = pthread_t()
    guard pthread_create(&handle, nil, { argument in
      Unmanaged<TFTPTransferLoop>.fromOpaque(argument!).takeRetainedValue().run()
      return nil
    }, box.toOpaque()) == 0 else {
      box.release()
      close(epoll)
      close(wakeup)
      throw Failure(description: "cannot start the TFTP transfer thread")
    }
    thread = handle
  }

  /// Hands a transfer to the loop thread, which sends its first packet.
  func add(_ transfer: TFTPTransfer) {
    let accepted = handover.withLockedValue { state -> Bool in
      if !state.stopping { state.transfers.append(transfer) }
      return !state.stopping
    }
    guard accepted else { return transfer.abandon() }
    signal()
  }

  /// Abandons the running transfers and ends the thread.
  func stop() {
    handover.withLockedValue { $0.stopping = true }
    signal()
    guard let thread else { return }
    pthread_join(thread, nil)
    self.thread = nil
    close(epoll)
    close(wakeup)
  }

  /// Monotonic nanoseconds, to a few milliseconds (ample for timeouts in seconds).
  static func now() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC_COARSE, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
  }

  private func run() {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
    defer { buffer.deallocate() }
    var events = [epoll_event](repeating: epoll_event(), count: 64)
    var now = TFTPTransferLoop.now()
    var nextCheck = now + TFTPTransferLoop.tick
    while true {
      let wait = transfers.isEmpty ? -1 : Int32(clamping: max(0, nextCheck - now + 999_999) / 1_000_000)
      let ready = epoll_wait(epoll, &events, Int32(events.count), wait)
      now = TFTPTransferLoop.now()
      for event in events.prefix(Int(max(0, ready))) {
        if event.data.fd == wakeup {
          guard adopt(now: now) else { return shutDown() }
        } else if let transfer = transfers[event.data.fd] {
          transfer.readable(now: now, buffer: buffer)
          if transfer.finished { transfers[event.data.fd] = nil }
        }
      }
      if now >= nextCheck {
        for transfer in transfers.values { transfer.expire(now: now) }
        if transfers.values.contains(where: \.finished) { transfers = transfers.filter { !$0.value.finished } }
        nextCheck = now + TFTPTransferLoop.tick
      }
    }
  }

  /// Starts the transfers handed over; false once `stop` was called.
  private func adopt(now: Int64) -> Bool {
    var count: UInt64 = 0
    _ = read(wakeup, &count, MemoryLayout<UInt64>.size)
    let (incoming, stopping) = handover.withLockedValue { state in
      defer { state.transfers.removeAll() }
      return (state.transfers, state.stopping)
    }
    for transfer in incoming {
      watch(transfer.socket.fd)
      transfer.sendAwaited(now: now)
      if !transfer.finished { transfers[transfer.socket.fd] = transfer }
    }
    return !stopping
  }

  private func shutDown() {
    for transfer in transfers.values { transfer.abandon() }
    transfers = [:]
  }

  private func watch(_ fd: Int32) {
    var event = epoll_event()
    event.events = EPOLLIN.rawValue
    event.data.fd = fd
    _ = epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
  }

  private func signal() {
    var one: UInt64 = 1
    _ = write(wakeup, &one, MemoryLayout<UInt64>.size)
  }
}
