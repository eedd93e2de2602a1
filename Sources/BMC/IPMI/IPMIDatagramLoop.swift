import Foundation

/// Runs many IPMI conversations over UDP from the calling thread: each on
/// a connected socket of its own, all in one poll(2) loop, at most `width`
/// at once, each with a deadline `timeout` seconds after it starts. A
/// request not answered in a second is sent again (then after 2, 4 s).
enum IPMIDatagramLoop {
  /// One conversation and where its BMC listens.
  struct Job {
    let host: String
    let port: String
    let conversation: IPMIConversation
  }

  enum Outcome: Equatable {
    case answered([IPMIResponse])
    case refused(String)
    /// No answer by the deadline; whether the BMC had answered anything before.
    case silent(awaiting: String, heardFromBMC: Bool)
    case unreachable(String)
  }

  private final class Slot {
    let job: Int
    let fd: Int32
    let deadline: Double
    var retry: Double
    var interval = 1.0

    init(job: Int, fd: Int32, deadline: Double, retry: Double) {
      self.job = job
      self.fd = fd
      self.deadline = deadline
      self.retry = retry
    }
  }

  static func run(_ jobs: [Job], width: Int, timeout: Double) -> [Outcome] {
    var outcomes = [Outcome?](repeating: nil, count: jobs.count)
    var slots: [Slot] = []
    var next = 0
    var buffer = [UInt8](repeating: 0, count: 2048)

    func finish(_ slot: Slot, _ outcome: Outcome, farewell: [UInt8]? = nil) {
      if let farewell { _ = farewell.withUnsafeBytes { send(slot.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) } }
      close(slot.fd)
      outcomes[slot.job] = outcome
    }

    while next < jobs.count || !slots.isEmpty {
      while slots.count < max(1, width) && next < jobs.count {
        let i = next
        next += 1
        switch open(jobs[i].host, jobs[i].port) {
        case .failure(let message): outcomes[i] = .unreachable(message.description)
        case .success(let fd):
          let now = monotonic()
          let slot = Slot(job: i, fd: fd, deadline: now + timeout, retry: now + 1)
          transmit(jobs[i].conversation.datagram, slot.fd)
          slots.append(slot)
        }
      }
      guard !slots.isEmpty else { continue }
      let wake = slots.map { min($0.deadline, $0.retry) }.min()! - monotonic()
      var polled = slots.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
      _ = poll(&polled, nfds_t(polled.count), Int32(max(0, min(wake, 1)) * 1000) + 1)
      let now = monotonic()
      var still: [Slot] = []
      for (slot, p) in zip(slots, polled) {
        var finished = false
        if p.revents != 0 {
          while !finished {
            let n = recv(slot.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n < 0 && errno == ECONNREFUSED { continue }  // not listening yet: the retry will ask again
            guard n > 0 else { break }
            switch jobs[slot.job].conversation.receive(Array(buffer[0..<n])) {
            case .wait: break
            case .send(let datagram):
              transmit(datagram, slot.fd)
              slot.interval = 1
              slot.retry = now + slot.interval
            case .done(let responses, let farewell):
              finish(slot, .answered(responses), farewell: farewell)
              finished = true
            case .refused(let reason):
              finish(slot, .refused(reason))
              finished = true
            }
          }
        }
        if finished { continue }
        if now >= slot.deadline {
          let conversation = jobs[slot.job].conversation
          finish(slot, .silent(awaiting: conversation.awaiting, heardFromBMC: conversation.link.heardFromBMC))
          continue
        }
        if now >= slot.retry {
          transmit(jobs[slot.job].conversation.datagram, slot.fd)
          slot.interval = min(slot.interval * 2, 4)
          slot.retry = now + slot.interval
        }
        still.append(slot)
      }
      slots = still
    }
    return outcomes.map { $0! }
  }

  private struct Failure: Error, CustomStringConvertible { let description: String }

  /// A non-blocking UDP socket connected to the BMC.
  private static func open(_ host: String, _ port: String) -> Result<Int32, Failure> {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
    var found: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, port, &hints, &found)
    guard status == 0, let info = found else {
      return .failure(Failure(description: "cannot resolve the BMC address \(host): \(String(cString: gai_strerror(status)))"))
    }
    defer { freeaddrinfo(found) }
    let fd = socket(info.pointee.ai_family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return .failure(Failure(description: "cannot open a socket: \(String(cString: strerror(errno)))")) }
    guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
      let message = String(cString: strerror(errno))
      close(fd)
      return .failure(Failure(description: "cannot reach the BMC \(host): \(message)"))
    }
    return .success(fd)
  }

  private static func transmit(_ datagram: [UInt8], _ fd: Int32) {
    _ = datagram.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
  }

  private static func monotonic() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }
}
