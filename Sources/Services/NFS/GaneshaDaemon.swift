import Foundation
import Runtime

/// An nfs-ganesha daemon known by its pid file. Started as a daemon (it
/// outlives `exports.apply()` in a short script, as a sysadmin expects of
/// an NFS server) with Howl's configuration, log and pid file; SIGHUP makes
/// it re-read the `EXPORT` blocks while clients stay mounted (nfs-ganesha
/// 4.3 logs "Reread exports complete"); SIGTERM stops it.
struct GaneshaDaemon {
  let paths: NFSPaths
  /// How long to wait for the daemon to start or confirm a reload.
  var timeout: TimeInterval = 15

  /// `ganesha.nfsd` on PATH (or in /usr/bin, /usr/sbin).
  static func executable() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin"]
    return directories.map { $0 + "/ganesha.nfsd" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// The pid in the pid file, if that process is alive and is ganesha.
  func runningPID() -> Int32? {
    guard let text = try? AtomicFile.read(paths.ganeshaPidFile),
          let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return nil }
    return GaneshaDaemon.isGanesha(pid) ? pid : nil
  }

  /// Whether `pid` is a live ganesha (`/proc/PID/stat`: `PID (ganesha.nfsd) S …`, not a zombie).
  static func isGanesha(_ pid: Int32) -> Bool {
    guard let stat = try? AtomicFile.read("/proc/\(pid)/stat"), let close = stat.range(of: ") ", options: .backwards) else { return false }
    return stat.contains("(ganesha.nfsd)") && !stat[close.upperBound...].hasPrefix("Z")
  }

  /// Starts the daemon and waits until it serves; returns its pid. Throws
  /// with what its log says if it exits instead.
  func start() throws -> Int32 {
    guard let executable = GaneshaDaemon.executable() else {
      throw NFSError("nfs-ganesha is not installed (no ganesha.nfsd): install nfs-ganesha and nfs-ganesha-vfs, or set server.nfs.backend")
    }
    for file in [paths.ganeshaPidFile, paths.ganeshaLog] { try AtomicFile.makeDirectories(AtomicFile.parent(of: file)) }
    try AtomicFile.makeDirectories(paths.ganeshaRecovery)
    let offset = logSize()
    let status = try GaneshaDaemon.spawnAndWait([executable, "-f", paths.ganeshaConfig, "-L", paths.ganeshaLog, "-p", paths.ganeshaPidFile])
    guard status == 0 else {
      throw NFSError("ganesha.nfsd exited with status \(status): \(complaints(since: offset))")
    }
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let log = logText(since: offset)
      if log.contains(":FATAL :") {
        throw NFSError("ganesha.nfsd did not start: \(complaints(since: offset))")
      }
      if log.contains("NFS SERVER INITIALIZED"), let pid = runningPID() { return pid }
      usleep(50_000)
    }
    throw NFSError("ganesha.nfsd did not start within \(Int(timeout)) s (see \(paths.ganeshaLog)): \(complaints(since: offset))")
  }

  /// Runs `arguments` with standard input and output on /dev/null and no
  /// other descriptor inherited, and waits for it: ganesha forks its daemon
  /// and exits. (posix_spawn and waitpid: Foundation's Process does not
  /// notice the exit of a parent whose child lives on.)
  static func spawnAndWait(_ arguments: [String]) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
    let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    for fd in open.compactMap(Int32.init) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    guard spawned == 0 else { throw NFSError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { throw NFSError("waiting for \(arguments[0]): \(String(cString: strerror(errno)))") }
    }
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  }

  /// SIGHUP: ganesha re-reads its exports. Returns whether its log confirmed
  /// the reload (a ganesha started elsewhere may log elsewhere); throws if
  /// the log says it rejected the configuration.
  func reload(_ pid: Int32) throws -> Bool {
    let offset = logSize()
    guard kill(pid, SIGHUP) == 0 else { throw NFSError("cannot signal ganesha.nfsd (pid \(pid)): \(String(cString: strerror(errno)))") }
    let deadline = Date().addingTimeInterval(FileManager.default.fileExists(atPath: paths.ganeshaLog) ? timeout : 0)
    while Date() < deadline {
      if logText(since: offset).contains("Reread exports complete") {
        usleep(200_000)  // the configuration errors are logged just after
        let errors = logText(since: offset).split(separator: "\n").filter { $0.contains(":CONFIG :CRIT") }
        if !errors.isEmpty { throw NFSError("ganesha.nfsd rejected the exports: " + errors.map(GaneshaDaemon.message).joined(separator: "; ")) }
        return true
      }
      usleep(50_000)
    }
    return false
  }

  /// SIGTERM, then SIGKILL if it has not exited after 10 s.
  func stop(_ pid: Int32) {
    guard GaneshaDaemon.isGanesha(pid) else { return }
    kill(pid, SIGTERM)
    let deadline = Date().addingTimeInterval(10)
    while GaneshaDaemon.isGanesha(pid) && Date() < deadline { usleep(50_000) }
    if GaneshaDaemon.isGanesha(pid) { kill(pid, SIGKILL) }
  }

  private func logSize() -> UInt64 {
    ((try? FileManager.default.attributesOfItem(atPath: paths.ganeshaLog))?[.size] as? UInt64) ?? 0
  }

  private func logText(since offset: UInt64) -> String {
    guard let handle = FileHandle(forReadingAtPath: paths.ganeshaLog) else { return "" }
    defer { try? handle.close() }
    try? handle.seek(toOffset: offset)
    return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
  }

  /// The log's FATAL, MAJ and configuration errors since `offset`, without their prefixes.
  private func complaints(since offset: UInt64) -> String {
    let lines = logText(since: offset).split(separator: "\n")
      .filter { $0.contains(":FATAL :") || $0.contains(":MAJ :") || $0.contains(":CONFIG :CRIT") }
    return lines.isEmpty ? "nothing in \(paths.ganeshaLog)" : lines.map(GaneshaDaemon.message).joined(separator: "; ")
  }

  /// `… nfs-ganesha-123[main] Bind_sockets :DISP :FATAL :Error binding` → `Error binding`.
  static func message(_ line: Substring) -> String {
    guard let range = line.range(of: " :", options: .backwards) else { return String(line) }
    return String(line[range.upperBound...])
  }
}
