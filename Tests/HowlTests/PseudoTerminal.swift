import Foundation

/// A program running on a fresh pseudo-terminal, as if a person were typing
/// at it: the pty's slave is its controlling terminal and its stdin, stdout
/// and stderr.
///
/// Output is kept as a transcript with escape sequences and carriage
/// returns removed. `expect` waits (up to a deadline, never forever) for text
/// after the point the previous `expect` matched, so results are found after
/// the echo of the input that produced them. `close` kills the program if it
/// is still running.
final class PseudoTerminal {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  let pid: pid_t
  private let master: Int32
  private var output: [UInt8] = []
  private var matchedUpTo = 0
  private var exitStatus: Int32?
  private var closed = false

  /// The output so far, without escape sequences and carriage returns.
  var transcript: String { Self.strippingEscapes(String(decoding: output, as: UTF8.self)) }

  init(executable: String, arguments: [String] = [], environment: [String: String],
       columns: UInt16 = 100, rows: UInt16 = 30) throws {
    master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard master >= 0 else { throw Failure(description: "cannot open /dev/ptmx: \(String(cString: strerror(errno)))") }
    var unlocked: Int32 = 0
    var number: UInt32 = 0
    var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    guard ioctl(master, Self.unlockPseudoTerminal, &unlocked) == 0,
          ioctl(master, Self.pseudoTerminalNumber, &number) == 0,
          ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else {
      Glibc.close(master)
      throw Failure(description: "cannot set up the pseudo-terminal: \(String(cString: strerror(errno)))")
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/pts/\(number)", O_RDWR, 0)
    posix_spawn_file_actions_adddup2(&actions, 0, 1)
    posix_spawn_file_actions_adddup2(&actions, 0, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setflags(&attributes, Int16(Self.spawnNewSession | POSIX_SPAWN_SETSIGMASK))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var child: pid_t = 0
    let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
    guard result == 0 else {
      Glibc.close(master)
      throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
    }
    pid = child
  }

  deinit { close() }

  /// Types `text` (use "\r" for Enter, "\u{4}" for Ctrl-D, "\u{1B}[A" for Up)
  /// once the program reads key by key.
  ///
  /// A line editor prints its prompt and only then takes the terminal out of
  /// canonical mode; keys sent in between would be echoed twice (by the
  /// terminal, then by the editor). So this waits for the mode first.
  func send(_ text: String, timeout: TimeInterval = 5) throws {
    let deadline = Date().addingTimeInterval(timeout)
    var mode = termios()
    while tcgetattr(master, &mode) == 0 && mode.c_lflag & tcflag_t(ICANON) != 0 {
      guard Date() < deadline, readAvailable(waitingAtMost: 0.01) else {
        throw Failure(description: "the terminal stayed in canonical mode; output:\n\(transcript)")
      }
    }
    try sendNow(text)
  }

  /// Types `text` at once, whatever mode the terminal is in (for Ctrl-C
  /// while the program runs an entry and is not reading keys).
  func sendNow(_ text: String) throws {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let n = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw Failure(description: "cannot write to the terminal: \(String(cString: strerror(errno)))") }
      bytes = bytes.dropFirst(n)
    }
  }

  /// Waits until `text` appears after the previous match; returns the
  /// output between them (excluding `text`).
  @discardableResult
  func expect(_ text: String, timeout: TimeInterval = 5) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let seen = Array(transcript.utf8)
      if let range = Self.find(Array(text.utf8), in: seen, from: matchedUpTo) {
        let before = String(decoding: seen[matchedUpTo..<range.lowerBound], as: UTF8.self)
        matchedUpTo = range.upperBound
        return before
      }
      guard Date() < deadline, readAvailable(waitingAtMost: deadline.timeIntervalSinceNow) else {
        let unmatched = String(decoding: seen[min(matchedUpTo, seen.count)...], as: UTF8.self)
        throw Failure(description: "no \(text.debugDescription) in time (or the program exited); output after the last match:\n\(unmatched)")
      }
    }
  }

  /// Waits for the program to exit and returns its exit status.
  func waitForExit(timeout: TimeInterval = 5) throws -> Int32 {
    let deadline = Date().addingTimeInterval(timeout)
    while exitStatus == nil {
      var status: Int32 = 0
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid {
        guard status & 0x7f == 0 else { throw Failure(description: "killed by signal \(status & 0x7f)") }
        exitStatus = (status >> 8) & 0xff
      } else if Date() >= deadline {
        throw Failure(description: "still running after \(timeout) s; output:\n\(transcript)")
      } else if !readAvailable(waitingAtMost: 0.05) {
        usleep(20_000)
      }
    }
    return exitStatus!
  }

  /// Kills the program if it is still running and closes the terminal.
  func close() {
    guard !closed else { return }
    closed = true
    if exitStatus == nil {
      kill(pid, SIGKILL)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
    }
    Glibc.close(master)
  }

  /// Reads what arrives within `seconds` (at most 0.1); false once the
  /// program has closed the terminal and nothing more can arrive.
  private func readAvailable(waitingAtMost seconds: TimeInterval) -> Bool {
    var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, Int32(max(0, min(100, seconds * 1000)))) > 0 else { return true }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = read(master, &buffer, buffer.count)
    guard n > 0 else { return false }
    output += buffer[0..<n]
    return true
  }

  private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
    guard !needle.isEmpty, haystack.count - start >= needle.count else { return nil }
    for i in start...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
      return i..<(i + needle.count)
    }
    return nil
  }

  /// Removes CSI and OSC sequences, other escapes, carriage returns, bells
  /// and backspaces; an unfinished escape sequence at the end is dropped.
  static func strippingEscapes(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    while let c = scalars.next() {
      switch c {
      case "\u{1B}":
        switch scalars.next() {
        case "["?:
          while let p = scalars.next(), !(0x40...0x7E).contains(p.value) {}
        case "]"?:
          var previous: Unicode.Scalar = " "
          while let p = scalars.next(), p != "\u{7}", !(previous == "\u{1B}" && p == "\\") { previous = p }
        default:
          break
        }
      case "\r", "\u{7}", "\u{8}":
        continue
      default:
        out.append(c)
      }
    }
    return String(out)
  }

  /// Linux ioctls (`TIOCSPTLCK`, `TIOCGPTN`) and glibc's `POSIX_SPAWN_SETSID`,
  /// which Swift does not import.
  private static let unlockPseudoTerminal = UInt(0x4004_5431)
  private static let pseudoTerminalNumber = UInt(0x8004_5430)
  private static let spawnNewSession = Int32(0x80)
}
