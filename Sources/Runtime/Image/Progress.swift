import Foundation

/// Progress of a long import or build on stderr: on a terminal a bar that
/// redraws itself (bytes, rate, time left), otherwise plain log lines (a
/// start line, one every 10 seconds, an end line).
public final class Progress {
  private let isTerminal: Bool
  private var label = ""
  private var total: Int64 = 0
  private var start = Date()
  private var lastDraw = Date.distantPast

  public init(isTerminal: Bool = isatty(STDERR_FILENO) == 1) { self.isTerminal = isTerminal }

  public func start(_ label: String, total: Int64) {
    self.label = label
    self.total = total
    start = Date()
    lastDraw = isTerminal ? .distantPast : start
    if !isTerminal { emit("\(label): started, \(Progress.bytes(total)) to read\n") }
  }

  public func advance(to done: Int64) {
    let now = Date()
    guard now.timeIntervalSince(lastDraw) >= (isTerminal ? 0.2 : 10) else { return }
    lastDraw = now
    let elapsed = max(now.timeIntervalSince(start), 0.001)
    let rate = Double(done) / elapsed
    let left = rate > 0 && total > done ? Double(total - done) / rate : 0
    let fraction = total > 0 ? min(Double(done) / Double(total), 1) : 0
    let text = "\(label): \(Progress.bytes(done)) of ~\(Progress.bytes(max(total, done))), \(Progress.bytes(Int64(rate)))/s, \(Int(left.rounded())) s left"
    if isTerminal {
      let width = 24
      let filled = Int(fraction * Double(width))
      emit("\r\u{1b}[K[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] " + text)
    } else {
      emit(text + "\n")
    }
  }

  public func end(_ summary: String) {
    let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
    emit((isTerminal ? "\r\u{1b}[K" : "") + "\(label): \(summary) in \(seconds) s\n")
  }

  /// `1.2 GiB`, `340 MiB`.
  public static func bytes(_ n: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(n)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
  }

  private func emit(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
