import Foundation

/// Runs a shell command line with a deadline: its own process group, stdin
/// from /dev/null, stdout and stderr gathered; past the deadline the whole
/// group is killed, so a peer that never answers costs `timeout` and no more.
/// Safe to call from many threads at once (see `ShellSpawn.pipe`).
public enum TimedCommand {
  public struct Outcome {
    public var status: Int32
    public var output: String
    public var timedOut: Bool
  }

  /// A timeout as error messages say it: `10 s`, `2.5 s`.
  public static func seconds(_ timeout: Double) -> String {
    timeout == timeout.rounded() ? "\(Int(timeout)) s" : "\(timeout) s"
  }

  public static func run(_ commandLine: String, timeout: Double) throws -> Outcome {
    let (readEnd, writeEnd) = try ShellSpawn.pipe()
    defer { close(readEnd) }
    let pid: pid_t
    do {
      pid = try ShellSpawn.start(commandLine, ownGroup: true, defaults: [SIGINT, SIGQUIT, SIGPIPE, SIGTERM], output: writeEnd)
    } catch {
      close(writeEnd)
      throw error
    }
    close(writeEnd)

    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while true {
      let left = deadline.timeIntervalSinceNow
      if left <= 0 { timedOut = true; break }
      var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, Int32(min(left * 1000, 1000)) + 1)
      if ready < 0 && errno != EINTR { break }
      if ready <= 0 { continue }
      let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      output.append(contentsOf: buffer[0..<n])
    }
    if timedOut { kill(-pid, SIGKILL) }
    return Outcome(status: ShellSpawn.wait(pid), output: String(decoding: output, as: UTF8.self), timedOut: timedOut)
  }
}
