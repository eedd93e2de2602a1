import Foundation

/// Waits for a child as a shell waits for a foreground job: when our stdin
/// is the terminal and we are its foreground, the child's process group gets
/// the terminal until it exits, then we take it back. Foundation's `Process`
/// starts each child in a process group of its own, a background job on the
/// terminal: without this an interactive child (`image.shell()`, a command
/// asking a question) is stopped by SIGTTIN at its first read, and Ctrl-C
/// would reach Howl instead of the child.
enum ForegroundJob {
  static func wait(for process: Process) {
    let terminal = STDIN_FILENO
    guard isatty(terminal) == 1, tcgetpgrp(terminal) == getpgrp() else {
      process.waitUntilExit()
      return
    }
    // Taking the terminal back from the background needs SIGTTOU blocked.
    var ttou = sigset_t()
    sigemptyset(&ttou)
    sigaddset(&ttou, SIGTTOU)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &ttou, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    let group = process.processIdentifier
    tcsetpgrp(terminal, group)
    // It may have read before it had the terminal, and been stopped.
    kill(-group, SIGCONT)
    process.waitUntilExit()
    tcsetpgrp(terminal, getpgrp())
  }
}
