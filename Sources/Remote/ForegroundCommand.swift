import Foundation

/// Runs a command line in the foreground on this process's terminal (its
/// stdin, stdout and stderr): the terminal's settings are saved before and
/// put back after, however the command ends, and Ctrl-C and Ctrl-\ go to
/// the command, not to Howl. Returns its exit status.
public enum ForegroundCommand {
  public static func run(_ commandLine: String) throws -> Int32 {
    var saved = termios()
    let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
    let oldInterrupt = signal(SIGINT, SIG_IGN)
    let oldQuit = signal(SIGQUIT, SIG_IGN)
    defer {
      if isTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
      signal(SIGINT, oldInterrupt)
      signal(SIGQUIT, oldQuit)
    }
    fflush(stdout)
    return ShellSpawn.wait(try ShellSpawn.start(commandLine, ownGroup: false, defaults: [SIGINT, SIGQUIT]))
  }
}
