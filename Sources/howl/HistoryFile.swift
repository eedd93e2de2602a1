import Foundation

/// The REPL's persistent history: `$HOWL_HISTORY`, else `~/.howl_history`.
///
/// One entry per line, oldest first; inside an entry a backslash is written
/// `\\`, a newline `\n` and a carriage return `\r`, so a multi-line entry
/// stays one line of the file.
/// Each entry is appended as it is entered (nothing is lost if the session
/// dies); the file is rewritten with the newest `limit` entries only when it
/// has grown to twice that. The file is created with mode 0600. Failing to
/// read or write it never stops the REPL: a write failure is reported once.
final class HistoryFile {
  let path: String
  let limit: Int
  private var warned = false

  init(path: String, limit: Int = 1_000) {
    self.path = path
    self.limit = limit
  }

  /// The history file for this environment; nil when `HOWL_HISTORY` is set
  /// but empty (history off) or when neither it nor `HOME` is set.
  static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> HistoryFile? {
    if let path = environment["HOWL_HISTORY"] { return path.isEmpty ? nil : HistoryFile(path: path) }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return HistoryFile(path: home + "/.howl_history")
  }

  /// The newest `limit` entries, oldest first; compacts an oversized file.
  func load() -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    let entries = data.split(separator: UInt8(ascii: "\n")).map { Self.decode(String(decoding: $0, as: UTF8.self)) }
    if entries.count >= 2 * limit { rewrite(Array(entries.suffix(limit))) }
    return Array(entries.suffix(limit))
  }

  /// Appends one entry.
  func append(_ entry: String) {
    write(Self.encode(entry) + "\n", flags: O_APPEND, to: path)
  }

  private func rewrite(_ entries: [String]) {
    let temporary = path + ".tmp\(getpid())"
    let text = entries.map { Self.encode($0) + "\n" }.joined()
    guard write(text, flags: O_TRUNC, to: temporary) else { return }
    if rename(temporary, path) != 0 { unlink(temporary) }
  }

  @discardableResult
  private func write(_ text: String, flags: Int32, to file: String) -> Bool {
    let fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0o600)
    guard fd >= 0 else { return failed() }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return failed() }
      offset += n
    }
    return true
  }

  private func failed() -> Bool {
    if !warned {
      warned = true
      let reason = String(cString: strerror(errno))
      FileHandle.standardError.write(Data("howl: warning: cannot save history to '\(path)': \(reason)\n".utf8))
    }
    return false
  }

  static func encode(_ entry: String) -> String {
    entry.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
      .replacingOccurrences(of: "\r", with: "\\r")
  }

  static func decode(_ line: String) -> String {
    var out = String.UnicodeScalarView()
    var escaped = false
    for c in line.unicodeScalars {
      if escaped {
        out.append(c == "n" ? "\n" : c == "r" ? "\r" : c)
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else {
        out.append(c)
      }
    }
    return String(out)
  }
}
