import Foundation

/// `howl` on a terminal as a person sees it: the program runs in a detached
/// tmux session (a server of its own, on a socket in the scratch directory)
/// and the tests read the screen tmux has drawn (`capture-pane -p`), so
/// escape sequences are interpreted as a real terminal would, not stripped.
///
/// Colour is on (no `NO_COLOR`), `TERM` is tmux's own. `HOME`, `HOWL_ROOT`
/// and `HOWL_HISTORY` are in the scratch directory, as for `HowlProgram`.
final class TmuxScreen {
  let columns: Int
  private let socket: String
  /// Kept until the server is gone: its socket is in there.
  private let home: ScratchDirectory

  /// `launcher` runs howl (`ip netns exec NS`, say); howl runs directly without one.
  init(home: ScratchDirectory, columns: Int = 120, rows: Int = 30, launcher: [String] = []) throws {
    guard FileManager.default.isExecutableFile(atPath: HowlProgram.executable) else {
      throw PseudoTerminal.Failure(description: "\(HowlProgram.executable) is missing; run `swift build --build-tests` first")
    }
    self.columns = columns
    self.home = home
    socket = home.path + "/tmux.socket"
    var environment = HowlProgram.environment(home: home)
    environment["NO_COLOR"] = nil
    environment["TERM"] = "tmux-256color"
    let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    try tmux(["new-session", "-d", "-x", String(columns), "-y", String(rows)] + launcher + ["/usr/bin/env", "-i"]
      + assignments + [HowlProgram.executable])
  }

  deinit { _ = try? tmux(["kill-server"]) }

  /// Types `text` literally (no key names), as keystrokes.
  func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }

  /// Presses keys by tmux's names: `Enter`, `Tab`, `C-c`, `C-d`, `Up`.
  func press(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

  /// The screen's lines, without trailing blanks, and the blank lines at the
  /// bottom dropped.
  func lines() throws -> [String] {
    var lines = try tmux(["capture-pane", "-p"]).components(separatedBy: "\n").map(Self.withoutTrailingBlanks)
    while lines.last == "" { lines.removeLast() }
    return lines
  }

  /// The screen's lines with their colours, as SGR escape sequences.
  func styledLines() throws -> [String] {
    try tmux(["capture-pane", "-p", "-e"]).components(separatedBy: "\n")
  }

  /// The cursor's column and row (from 0).
  func cursor() throws -> (column: Int, row: Int) {
    let fields = try tmux(["display-message", "-p", "#{cursor_x} #{cursor_y}"])
      .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    guard fields.count == 2 else { throw PseudoTerminal.Failure(description: "tmux gave no cursor position") }
    return (fields[0], fields[1])
  }

  /// Waits until the screen's last line is `line` (a prompt, say) and the
  /// cursor stands at its end; returns the screen's lines.
  @discardableResult
  func waitForLastLine(_ line: String, timeout: TimeInterval = 10) throws -> [String] {
    try wait(for: "a last line \(line.debugDescription)", timeout: timeout) { screen in
      try screen.last == Self.withoutTrailingBlanks(line) && cursor() == (line.count % columns, screen.count - 1)
    }
  }

  /// Waits until `condition` holds for the screen's lines; returns them.
  @discardableResult
  func wait(for what: String, timeout: TimeInterval = 10, _ condition: ([String]) throws -> Bool) throws -> [String] {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let screen = try lines()
      if try condition(screen) { return screen }
      guard Date() < deadline else {
        throw PseudoTerminal.Failure(description: "no \(what) on the screen in time:\n" + screen.joined(separator: "\n"))
      }
      usleep(50_000)
    }
  }

  /// Types `line` and Enter, then waits for `prompt` on the last line;
  /// returns the screen's lines between the entry's and the prompt.
  func enter(_ line: String, prompt: String) throws -> [String] {
    let before = try lines().count
    try type(line)
    try press("Enter")
    let screen = try waitForLastLine(prompt)
    return Array(screen[min(before, screen.count - 1)..<(screen.count - 1)])
  }

  private static func withoutTrailingBlanks(_ line: String) -> String {
    String(line.reversed().drop { $0 == " " }.reversed())
  }

  /// Runs a tmux command, its output through files and waited for with
  /// `waitpid`: the server the first command starts stays behind with the
  /// descriptors it inherited, so nothing may wait for those to close.
  @discardableResult
  private func tmux(_ arguments: [String]) throws -> String {
    let outputPath = socket + ".out", errorsPath = socket + ".err"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errorsPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // The test runner blocks signals its children would inherit: tmux, and
    // howl under it, must see SIGHUP and SIGCHLD as a shell's children do.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    let argv = (["/usr/bin/tmux", "-S", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw PseudoTerminal.Failure(description: "cannot start tmux: \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    var reaped = waitpid(pid, &status, 0)
    while reaped < 0 && errno == EINTR { reaped = waitpid(pid, &status, 0) }
    guard reaped == pid else { throw PseudoTerminal.Failure(description: "waitpid: \(String(cString: strerror(errno)))") }
    guard status == 0 else {
      let problem = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
      throw PseudoTerminal.Failure(description: "tmux \(arguments.joined(separator: " ")): \(problem)")
    }
    return try String(contentsOfFile: outputPath, encoding: .utf8)
  }
}
