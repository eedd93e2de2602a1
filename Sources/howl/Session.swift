import Foundation
import Lang
import Runtime
import Services
import BMC
import Remote

/// One interpreter with everything installed: the standard library, the
/// module search path for `import`, and (as it grows) the cluster.
final class Session {
  let interpreter = Interpreter()
  /// The cluster in `$HOWL_ROOT` (default `/`), loaded on first use.
  let cluster: ClusterContext

  /// Whether changes are staged but not committed (the REPL prompt's marker).
  func hasUncommittedChanges() -> Bool { cluster.hasChanges }

  init(arguments: [String]) {
    setvbuf(stdout, nil, _IOFBF, 1 << 16)
    interpreter.output = { text in fputs(text, stdout) }
    Library.installAll(into: interpreter, arguments: arguments)
    RuntimeLibrary.install(into: interpreter)
    interpreter.modulePaths = Session.stdlibPaths()
    Session.findStockOverlays()
    let root = HowlRoot.path
    cluster = ClusterContext(store: Store(root: root))
    cluster.exportApplier = NFSExportManager(root: root)
    let ipmi = IPMIController(siteDirectory: AtomicFile.parent(of: cluster.store.nodesConfPath) + "/bmc",
                              stockDirectories: Session.stdlibPaths().map { $0 + "/bmc" })
    cluster.bmc = BMCProtocols(ipmi: ipmi, redfish: RedfishController())
    cluster.agentRefresher = ServeAgentRefresher(root: root)
    cluster.remote = OpenSSHShell()
    cluster.dnsSync = DNSUpdateClient()
    ClusterLibrary.install(into: interpreter, cluster: cluster)
  }

  deinit { fflush(stdout) }

  /// Tells the runtime where the stock overlays are (`stdlib/overlays`).
  static func findStockOverlays() {
    OverlaySettings.stockDirectory = stdlibPaths().map { $0 + "/overlays" }
      .first { FileManager.default.fileExists(atPath: $0) }
  }

  /// `$HOWL_STDLIB`, then `stdlib/` beside the install or the source tree.
  static func stdlibPaths() -> [String] {
    var paths: [String] = []
    if let env = ProcessInfo.processInfo.environment["HOWL_STDLIB"] { paths.append(env) }
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for candidate in ["../share/howl/stdlib", "../../../stdlib", "../../stdlib"] {
      let dir = exe.appendingPathComponent(candidate).standardized.path
      if FileManager.default.fileExists(atPath: dir) { paths.append(dir) }
    }
    paths.append("/usr/share/howl/stdlib")
    return paths
  }
}
