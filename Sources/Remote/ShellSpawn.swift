import Foundation

/// Starting `/bin/sh -c LINE` with posix_spawn: the signal mask cleared,
/// `defaults` put back to their default action, optionally in a process
/// group of its own and with stdin/stdout/stderr redirected.
public enum ShellSpawn {
  /// Held while a pipe is made close-on-exec and while a child is spawned,
  /// so no child of another thread inherits a pipe meant for one child
  /// (Glibc's module has no pipe2).
  private static let lock = NSLock()

  /// A pipe whose ends are closed in every child (the child's own copy
  /// comes from a dup2 in its spawn): (read, write).
  public static func pipe() throws -> (Int32, Int32) {
    lock.lock()
    defer { lock.unlock() }
    var fds: [Int32] = [0, 0]
    guard Glibc.pipe(&fds) == 0 else { throw SpawnError("pipe: \(String(cString: strerror(errno)))") }
    _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
    return (fds[0], fds[1])
  }

  public static func start(_ commandLine: String, ownGroup: Bool, defaults: [Int32], output: Int32? = nil) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let output {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
      posix_spawn_file_actions_adddup2(&actions, output, 1)
      posix_spawn_file_actions_adddup2(&actions, output, 2)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    var defaultSet = sigset_t()
    sigemptyset(&defaultSet)
    for signal in defaults { sigaddset(&defaultSet, signal) }
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &defaultSet)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if ownGroup {
      posix_spawnattr_setpgroup(&attributes, 0)
      flags |= POSIX_SPAWN_SETPGROUP
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    let words: [String] = ["/bin/sh", "-c", commandLine]
    var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) }
    argv.append(nil)
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    lock.lock()
    defer { lock.unlock() }
    let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw SpawnError("cannot run /bin/sh: \(String(cString: strerror(spawned)))") }
    return pid
  }

  /// Waits for `pid`; its exit status, or 128 + the signal that ended it.
  public static func wait(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  }
}

/// A process that could not be started, with a message fit for the user.
public struct SpawnError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
