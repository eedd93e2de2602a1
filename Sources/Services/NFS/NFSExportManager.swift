import Foundation
import Runtime

/// Serves the committed exports over NFS: checks them, renders the
/// server's configuration, writes it (atomically, only when it changed)
/// and makes the server pick it up without dropping clients: nfs-ganesha
/// is started if it is not running and sent SIGHUP if it is; the kernel's
/// nfsd gets `exportfs -ra`. `howl` installs one as `exports.apply()`'s
/// implementation, and `howl serve` applies through one at start and after
/// each commit that changes the exports.
public final class NFSExportManager: ExportApplying, @unchecked Sendable {
  public let root: String
  /// Whether the kernel can serve NFS (`KernelExports.available`); tests replace it.
  var kernelAvailable: () -> Bool = { KernelExports.available() }
  private var started: (pid: Int32, daemon: GaneshaDaemon)?
  private let lock = NSLock()

  public init(root: String) { self.root = root }

  /// The pid of the ganesha this manager started, if it runs.
  public var startedPID: Int32? { lock.withLock { started?.pid } }

  /// Applies with the server address and netmask from `server` (or its interface's).
  public func apply(_ server: ServerConfig) throws -> ExportApplyReport {
    let fromInterface = server.interface.isEmpty ? nil : InterfaceAddress.ipv4(of: server.interface)
    let network = NFSNetwork(address: IPv4(server.ipaddr) ?? fromInterface?.address,
                             netmask: IPv4(server.netmask) ?? fromInterface?.netmask)
    return try apply(server, network: network)
  }

  public func servedExports(_ server: ServerConfig) -> [String: String] {
    NFSState.load(NFSPaths(root: root, settings: server.nfs).state).applied.mapValues(\.path)
  }

  /// Applies `server.exports`, serving them on `network`. Throws, changing
  /// nothing, if an export cannot be served or the server refuses them.
  public func apply(_ server: ServerConfig, network: NFSNetwork) throws -> ExportApplyReport {
    try lock.withLock {
      let paths = NFSPaths(root: root, settings: server.nfs)
      guard let backend = try backend(for: server) else {
        return ExportApplyReport(backend: "none", action: server.nfs.enabled ? "off (server.nfs.backend is none)" : "off (server.nfs.enabled is false)")
      }
      let entries = Array(server.exports.elements)
      do { try ExportCheck.all(entries) } catch let problem as ExportCheck.Problem { throw NFSError(problem.description) }
      let saved = NFSState.load(paths.state)
      var state = saved
      let ids = try state.assignIDs(try entries.map { try ExportCheck.normalize($0.value.path) })
      let served = try entries.map { name, entry in
        let path = try ExportCheck.normalize(entry.path)
        return ServedExport(name: name, path: path, id: ids[path]!, optionText: entry.options,
                            options: try ExportOptions(entry.options), image: entry.image)
      }
      var report = ExportApplyReport(backend: backend.rawValue, action: "")
      let applied = Dictionary(uniqueKeysWithValues: served.map { ($0.name, NFSState.Applied(path: $0.path, options: $0.optionText)) })
      report.added = applied.keys.filter { state.applied[$0] == nil }.sorted()
      report.removed = state.applied.keys.filter { applied[$0] == nil }.sorted()
      report.changed = applied.filter { name, now in state.applied[name].map { $0 != now } ?? false }.keys.sorted()
      switch backend {
      case .kernel: report.action = try applyKernel(served, network: network, paths: paths)
      default: report.action = try applyGanesha(served, network: network, paths: paths)
      }
      state.applied = applied
      if state != saved { try state.save(paths.state) }
      return report
    }
  }

  /// Stops the ganesha this manager started, if any; one started by
  /// someone else keeps running.
  public func stopStartedServer() {
    lock.withLock {
      guard let started else { return }
      started.daemon.stop(started.pid)
      self.started = nil
    }
  }

  /// The backend to use, nil for none. Throws when the one asked for cannot work here.
  private func backend(for server: ServerConfig) throws -> ServerConfig.NFSBackend? {
    guard server.nfs.enabled else { return nil }
    switch server.nfs.backend {
    case .none: return nil
    case .ganesha: return .ganesha
    case .kernel:
      guard kernelAvailable() else {
        throw NFSError("server.nfs.backend is \"kernel\", but this machine's kernel has no NFS server "
          + "(no nfsd in /proc/filesystems, no nfsd module); use \"ganesha\" or \"auto\"")
      }
      return .kernel
    case .auto:
      return kernelAvailable() && KernelExports.exportfs != nil ? .kernel : .ganesha
    }
  }

  private func applyGanesha(_ exports: [ServedExport], network: NFSNetwork, paths: NFSPaths) throws -> String {
    let daemon = GaneshaDaemon(paths: paths)
    let text = GaneshaConfig.render(exports, network: network, recoveryRoot: paths.ganeshaRecovery)
    let old = try AtomicFile.read(paths.ganeshaConfig)
    let running = daemon.runningPID()
    if exports.isEmpty && running == nil {
      if old != nil && old != text { try AtomicFile.write(text, to: paths.ganeshaConfig) }
      return "no exports, ganesha not started"
    }
    if old != text {
      try AtomicFile.makeDirectories(AtomicFile.parent(of: paths.ganeshaConfig))
      try AtomicFile.write(text, to: paths.ganeshaConfig)
    }
    guard let pid = running else {
      let pid = try daemon.start()
      started = (pid, daemon)
      return "started (pid \(pid))"
    }
    guard old != text else { return "unchanged (pid \(pid))" }
    if let old, GaneshaConfig.serverPart(old) != GaneshaConfig.serverPart(text) {
      // Addresses and core settings are read at start only.
      daemon.stop(pid)
      let restarted = try daemon.start()
      if started?.pid == pid { started = (restarted, daemon) }
      return "restarted (pid \(restarted)): its address or settings changed"
    }
    do {
      return try daemon.reload(pid) ? "reloaded (pid \(pid))" : "sent SIGHUP to pid \(pid) (its log is elsewhere, not confirmed)"
    } catch {
      if let old {
        try AtomicFile.write(old, to: paths.ganeshaConfig)
        _ = try? daemon.reload(pid)
      }
      throw error
    }
  }

  private func applyKernel(_ exports: [ServedExport], network: NFSNetwork, paths: NFSPaths) throws -> String {
    let text = KernelExports.render(exports, network: network)
    let old = try AtomicFile.read(paths.kernelExports)
    guard old != text else { return "unchanged" }
    try AtomicFile.makeDirectories(AtomicFile.parent(of: paths.kernelExports))
    try AtomicFile.write(text, to: paths.kernelExports)
    do {
      try KernelExports.reexport()
    } catch {
      if let old { try AtomicFile.write(old, to: paths.kernelExports) } else { unlink(paths.kernelExports) }
      throw error
    }
    return "exportfs -ra"
  }
}
