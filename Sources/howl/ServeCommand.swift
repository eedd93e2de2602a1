import ArgumentParser
import Foundation
import Logging
import Runtime
import Services

/// `howl serve`: DHCP, TFTP and HTTP provisioning in the foreground.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "howl serve",
    abstract: "Run the boot services (DHCP, TFTP, HTTP provisioning, NFS exports, DNS) in the foreground.",
    discussion: """
      Settings come from `server` in $HOWL_ROOT/etc/howl/howl.conf; flags override them.
      The cluster is reloaded when a commit lands; changed exports are applied to the NFS
      server (nfs-ganesha is started if it is not running, else reloaded). SIGTERM or SIGINT
      stops the server, and the nfs-ganesha it started. With server.dns.enabled, it answers DNS
      for the cluster zone on server.dns.listen (the server's address) port server.dns.port (53).
      """)

  @Option(help: "The address clients reach the server at (next-server, URLs).")
  var address: String?
  @Option(help: "The interface DHCP listens on; its address is used if none is set.")
  var interface: String?
  @Option(help: "The address TFTP and HTTP bind to (default: all).")
  var bind: String?
  @Option(help: "DHCP port (default: server.dhcp_port, 67).")
  var dhcpPort: Int?
  @Option(help: ArgumentHelp("Port DHCP replies are sent to (68).", visibility: .hidden))
  var dhcpClientPort: Int?
  @Option(help: "TFTP port (default: server.tftp_port, 69).")
  var tftpPort: Int?
  @Option(help: "HTTP port (default: server.http_port, 9873).")
  var httpPort: Int?
  @Option(help: "DHCP mode: static, dynamic or proxy.")
  var dhcpMode: String?
  @Flag(help: "Do not run DHCP.")
  var noDHCP = false
  @Option(help: "Secure mode (runtime overlay only to source ports below 1024): true or false.")
  var secure: Bool?
  @Option(help: "The directory TFTP serves.")
  var tftpRoot: String?
  @Option(help: "Where Debian's iPXE binaries are.")
  var ipxeBinaries = BootLoaders.ipxeDirectory
  @Flag(help: "Do not serve the NFS exports (server.nfs says how they are served otherwise).")
  var noNFS = false
  @Flag(help: "Do not send IPv6 router advertisements (iPXE then waits about 13 s per boot for IPv6).")
  var noRouterAdvertisements = false
  @Option(help: "Log level: trace, debug, info, notice, warning, error.")
  var logLevel = "info"

  func run() throws {
    let level = Logger.Level(rawValue: logLevel) ?? .info
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    let root = HowlRoot.path
    if let dhcpMode, ServerConfig.DHCPMode(rawValue: dhcpMode) == nil {
      throw ValidationError("--dhcp-mode must be static, dynamic or proxy")
    }
    for (flag, text) in [("--address", address), ("--bind", bind)] where text.map({ IPv4($0) == nil }) ?? false {
      throw ValidationError("\(flag) needs an IPv4 address")
    }
    let flags = self
    var options = BootServer.Options(root: root, ipxeTemplateDirectories: ServeCommand.templateDirectories(root: root)) { settings in
      if let address = flags.address.flatMap(IPv4.init) { settings.address = address }
      if let interface = flags.interface { settings.interface = interface }
      if let bind = flags.bind.flatMap(IPv4.init) { settings.bindAddress = bind }
      if let port = flags.dhcpPort { settings.dhcpPort = port }
      if let port = flags.dhcpClientPort { settings.dhcpClientPort = port }
      if let port = flags.tftpPort { settings.tftpPort = port }
      if let port = flags.httpPort { settings.httpPort = port }
      if let mode = flags.dhcpMode.flatMap(ServerConfig.DHCPMode.init) { settings.dhcpMode = mode }
      if flags.noDHCP { settings.dhcpEnabled = false }
      if let secure = flags.secure { settings.secure = secure }
      if let root = flags.tftpRoot { settings.tftpRoot = root }
    }
    options.ipxeBinaries = ipxeBinaries
    options.stageOneScript = Session.stdlibPaths().map { $0 + "/stage1/init" }.first { FileManager.default.fileExists(atPath: $0) }
    Session.findStockOverlays()
    options.builder = ClusterBuilder(root: root)
    options.routerAdvertisements = !noRouterAdvertisements
    options.nfs = !noNFS
    let server = try BootServer(options: options)
    try server.run()
  }

  /// The site's `etc/howl/ipxe`, then `ipxe/` in each standard library directory.
  static func templateDirectories(root: String) -> [String] {
    [BootPaths(root: root).ipxeTemplates] + Session.stdlibPaths().map { $0 + "/ipxe" }
  }
}
