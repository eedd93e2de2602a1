import Foundation
import Runtime

/// Serial-over-LAN on this process's terminal: the console command runs in
/// the foreground with the terminal as its stdin and stdout until the user
/// types the escape sequence (`~.` by default, the node's `ipmi.escapechar`
/// then `.`). The terminal's settings are saved before and put back after,
/// however the command ends; Ctrl-C goes to the node, not to Howl.
enum ConsoleAttachment {
  static func run(_ commandLine: String, _ target: BMCTarget) throws {
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
    let exit = ShellSpawn.wait(try ShellSpawn.start(commandLine, ownGroup: false, defaults: [SIGINT, SIGQUIT]))
    if exit != 0 {
      throw BMCError("the console of BMC \(target.address) ended with exit status \(exit)")
    }
  }
}
