import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Runtime

/// Runs DHCP, TFTP and HTTP provisioning together, and serves the NFS
/// exports (`NFSExportManager`). Reloads the cluster when a commit lands
/// (the new state is swapped in between requests, so none is lost; changed
/// exports are applied) and stops cleanly on `stop()` or SIGTERM, stopping
/// the NFS server only if it started it.
public final class BootServer: @unchecked Sendable {
  /// What `howl serve` decides: the root, flag overrides, where templates
  /// and iPXE binaries are.
  public struct Options: Sendable {
    public var root: String
    /// Applies `howl serve` flags on top of the `server` settings.
    public var override: @Sendable (inout ServeSettings) -> Void
    public var ipxeTemplateDirectories: [String]
    /// Debian's `ipxe` package; copied into the TFTP root under `warewulf/`.
    public var ipxeBinaries = BootLoaders.ipxeDirectory
    public var builder: (any OnDemandBuilder)?
    /// Send empty IPv6 router advertisements on the DHCP interface (ends iPXE's IPv6 wait).
    public var routerAdvertisements = true
    /// How often the store files are checked for a commit.
    public var reloadInterval: TimeAmount = .milliseconds(500)
    /// Serve the exports over NFS (`server.nfs` says how).
    public var nfs = true
    /// The stage-one script of two-stage boot (`stdlib/stage1/init`).
    public var stageOneScript: String?

    public init(root: String, ipxeTemplateDirectories: [String], override: @escaping @Sendable (inout ServeSettings) -> Void = { _ in }) {
      self.root = root
      self.ipxeTemplateDirectories = ipxeTemplateDirectories
      self.override = override
    }
  }

  public let options: Options
  public let status: BootStatusBoard
  /// The node agents' secrets, long polls and runtime overlay digests.
  public let agentKeys: AgentKeyring
  public let agentWakeups = AgentWakeups()
  private let runtimeDigests = RuntimeDigests()
  public let logger: Logger
  private let group: MultiThreadedEventLoopGroup
  private let config: NIOLockedValueBox<BootConfig>
  private let store: Store
  private var channels: [Channel] = []
  private var responders: [(EventLoop, DHCPResponder)] = []
  private var watchTask: RepeatedTask?
  private var advertiser: RouterAdvertiser?
  private var tftpTransfers: TFTPTransferLoop?
  private let nfs: NFSExportManager?
  /// NFS work (starting ganesha, reloads) runs here, off the event loops.
  private let nfsQueue = DispatchQueue(label: "howl.nfs")
  /// DNS (`server.dns`); its listeners are opened and closed here, off the event loops.
  private let dns: DNSService
  private let dnsQueue = DispatchQueue(label: "howl.dns")
  private let stopped = NIOLockedValueBox(false)
  private let done = DispatchSemaphore(value: 0)

  /// Loads the cluster; throws if the store does not parse.
  public init(options: Options, logger: Logger = Logger(label: "howl.serve")) throws {
    self.options = options
    self.logger = logger
    store = Store(root: options.root)
    status = BootStatusBoard(stateFile: BootPaths(root: options.root).statusFile)
    agentKeys = AgentKeyring(stateDirectory: BootPaths(root: options.root).stateDirectory)
    let state = try store.load()
    config = NIOLockedValueBox(BootConfig(state: state, settings: BootServer.settings(for: state.server, options: options)))
    group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
    nfs = options.nfs ? NFSExportManager(root: options.root) : nil
    dns = DNSService(group: group)
  }

  /// The settings in effect: the `server` ones, the interface's address if
  /// none is set, then the flags.
  static func settings(for server: ServerConfig, options: Options) -> ServeSettings {
    var settings = ServeSettings(server: server, root: options.root)
    options.override(&settings)
    if settings.address == .zero, !settings.interface.isEmpty, let found = InterfaceAddress.ipv4(of: settings.interface) {
      settings.address = found.address
      if IPv4(server.netmask) == nil { settings.netmask = found.netmask }
    }
    return settings
  }

  public var currentConfig: BootConfig { config.withLockedValue { $0 } }

  /// Binds every enabled service. Throws if a port cannot be bound.
  public func start() throws {
    let settings = currentConfig.settings
    prepareTFTPRoot(settings.tftpRoot)
    if let problem = GrubNetImage.prepare(tftpRoot: settings.tftpRoot, port: settings.httpPort) {
      logger.notice("\(problem) (only x86_64 nodes can boot)")
    }
    do {
      if settings.dhcpEnabled {
        try startDHCP(port: settings.dhcpPort, proxyPort: false)
        if settings.dhcpMode == .proxy { try startDHCP(port: 4011, proxyPort: true) }
      }
      try startTFTP(settings)
      try startHTTP(settings)
      try dnsQueue.sync { try dns.apply(currentConfig.state, nodes: currentConfig.nodes, serverAddress: settings.address) }
      if options.routerAdvertisements, settings.dhcpEnabled, !settings.interface.isEmpty {
        let advertiser = RouterAdvertiser(interface: settings.interface)
        do {
          try advertiser.start()
          self.advertiser = advertiser
        } catch {
          logger.warning("no router advertisements (iPXE will wait about 13 s for IPv6): \(error)")
        }
      }
    } catch {
      stop()
      throw error
    }
    nfsQueue.sync { applyExports(currentConfig) }
    config.withLockedValue { checkReadiness(&$0) }
    let interval = options.reloadInterval
    var watcher = ConfigWatcher(paths: [store.nodesConfPath, store.serverConfPath])
    let statusFile = BootPaths(root: options.root).statusFile
    watchTask = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] _ in
      guard let self else { return }
      self.status.flush(to: statusFile)
      if watcher.changed() { self.reload() }
    }
    logger.info("serving: DHCP \(settings.dhcpEnabled ? "\(settings.dhcpMode) on :\(settings.dhcpPort)" : "off"), TFTP :\(settings.tftpPort) from \(settings.tftpRoot), HTTP \(settings.address):\(settings.httpPort)\(settings.secure ? " (secure)" : "")")
  }

  /// Starts, then blocks until `stop()` or SIGTERM/SIGINT.
  public func run() throws {
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    let sources = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in
        self?.logger.notice("signal \(number): stopping")
        self?.stop()
      }
      source.resume()
      return source
    }
    try start()
    done.wait()
    sources.forEach { $0.cancel() }
  }

  /// Closes every listener, writes the status file, shuts the loops down.
  public func stop() {
    let already = stopped.withLockedValue { value -> Bool in
      defer { value = true }
      return value
    }
    guard !already else { return }
    watchTask?.cancel()
    advertiser?.stop()
    nfsQueue.sync { nfs?.stopStartedServer() }
    dnsQueue.sync { dns.stop() }
    for channel in channels { try? channel.close().wait() }
    tftpTransfers?.stop()
    status.flush(to: BootPaths(root: options.root).statusFile)
    try? group.syncShutdownGracefully()
    logger.info("stopped")
    done.signal()
  }

  /// Loads the committed state and swaps it in.
  func reload() {
    do {
      let state = try store.load()
      apply(state)
      logger.info("reloaded: \(state.cluster.nodes.count) nodes")
    } catch {
      logger.error("reload failed, keeping the previous state: \(error)")
    }
  }

  private func apply(_ state: ClusterState) {
    var checked = BootConfig(state: state, settings: BootServer.settings(for: state.server, options: options))
    checkReadiness(&checked)
    let next = checked
    let old = config.withLockedValue { value -> BootConfig in
      defer { value = next }
      return value
    }
    if old.settings.dhcpPort != next.settings.dhcpPort || old.settings.httpPort != next.settings.httpPort
      || old.settings.tftpPort != next.settings.tftpPort || old.settings.interface != next.settings.interface {
      logger.warning("listening addresses and ports change only on restart")
    }
    for (loop, responder) in responders { loop.execute { responder.update(next) } }
    dnsQueue.async { [dns, logger] in
      do { try dns.apply(next.state, nodes: next.nodes, serverAddress: next.settings.address) } catch { logger.error("DNS not updated, serving the previous zones: \(error)") }
    }
    if BootServer.exportsDiffer(old, next) { nfsQueue.async { self.applyExports(next) } }
  }

  /// Logs each problem of the readiness check once (nodes folded), and
  /// notes in `config` why each node that cannot boot cannot. Mounts are
  /// not checked: this server applies the exports itself and logs a failure.
  private func checkReadiness(_ config: inout BootConfig) {
    let settings = config.settings
    let check = ReadinessCheck(state: config.state, root: options.root,
                               address: settings.address == .zero ? nil : settings.address.description,
                               netmask: settings.address == .zero ? nil : settings.netmask.description)
    var unbootable: [String: [String]] = [:]
    for problem in check.problems() {
      if problem.blocksBoot {
        logger.warning("cannot boot: \(problem.line)")
        for node in problem.nodes {
          unbootable[node, default: []].append("\(problem.what); fix: \(problem.fix(for: node))")
        }
      } else {
        logger.notice("check: \(problem.line)")
      }
    }
    config.unbootable = unbootable
  }

  /// Whether what the NFS server is configured from changed.
  static func exportsDiffer(_ old: BootConfig, _ next: BootConfig) -> Bool {
    let a = old.state.server, b = next.state.server
    return a.exports != b.exports || a.nfs != b.nfs || old.settings.address != next.settings.address
      || old.settings.netmask != next.settings.netmask
  }

  /// Applies the exports of `config`, logging what changed; on failure the
  /// NFS server keeps the exports it had.
  private func applyExports(_ config: BootConfig) {
    guard let nfs else { return }
    let logger = Logger(label: "howl.nfs")
    let settings = config.settings
    let network = NFSNetwork(address: settings.address == .zero ? nil : settings.address, netmask: settings.netmask)
    do {
      let report = try nfs.apply(config.state.server, network: network)
      logger.info("\(report.summary)")
    } catch {
      logger.error("exports not applied, the NFS server keeps its previous ones: \(error)")
    }
  }

  private func startDHCP(port: Int, proxyPort: Bool) throws {
    let settings = currentConfig.settings
    let responder = DHCPResponder(config: currentConfig)
    let logger = Logger(label: "howl.dhcp")
    let store = self.store
    let status = self.status
    let handler = DHCPHandler(
      responder: responder, settings: settings, proxyPort: proxyPort, logger: logger,
      discover: { [weak self] mac in
        guard let self else { return nil }
        do {
          guard let state = try Discovery.commit(mac, store: store) else { return nil }
          self.apply(state)
          return self.currentConfig
        } catch {
          logger.error("discovery of \(mac) failed: \(error)")
          return nil
        }
      },
      onRequest: { _, node in
        if let node { status.record(node: node, stage: BootStage.dhcp.rawValue, sent: "lease", ipaddr: "") }
      })
    let interface = settings.interface
    let channel = try DatagramBootstrap(group: group)
      .channelOption(.socketOption(.so_reuseaddr), value: 1)
      .channelOption(.socketOption(.so_broadcast), value: 1)
      // Bursts of thousands of DISCOVERs a second must queue, not drop.
      .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
      .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
      .channelOption(.maxMessagesPerRead, value: 16)
      .channelInitializer { channel in
        BootServer.bindToDevice(channel, interface).flatMapThrowing {
          try channel.pipeline.syncOperations.addHandler(handler)
        }
      }
      .bind(host: "0.0.0.0", port: port).wait()
    responders.append((channel.eventLoop, responder))
    channels.append(channel)
  }

  /// SO_BINDTODEVICE: DHCP broadcasts are received and sent on that interface only.
  static func bindToDevice(_ channel: Channel, _ interface: String) -> EventLoopFuture<Void> {
    guard !interface.isEmpty, let provider = channel as? SocketOptionProvider else { return channel.eventLoop.makeSucceededVoidFuture() }
    var name: (UInt64, UInt64) = (0, 0)
    withUnsafeMutableBytes(of: &name) { raw in
      for (index, byte) in interface.utf8.prefix(15).enumerated() { raw[index] = byte }
    }
    return provider.unsafeSetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_BINDTODEVICE), value: name)
  }

  private func startTFTP(_ settings: ServeSettings) throws {
    let root = SafeRoot(settings.tftpRoot)
    let host = "\(settings.bindAddress)"
    let status = self.status
    let transfers = try TFTPTransferLoop()
    tftpTransfers = transfers
    let handler = TFTPServerHandler(root: root, transfers: transfers, logger: Logger(label: "howl.tftp")) { [weak self] peer, file in
      guard let self, let ip = peer.ipAddress, let mac = ARPTable.mac(for: ip), let lease = self.currentConfig.leases[mac] else { return }
      status.record(node: lease.nodeID, stage: BootStage.tftp.rawValue, sent: file, ipaddr: ip)
    }
    let channel = try DatagramBootstrap(group: group)
      .channelOption(.socketOption(.so_reuseaddr), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
      }
      .bind(host: host, port: settings.tftpPort).wait()
    channels.append(channel)
  }

  private func startHTTP(_ settings: ServeSettings) throws {
    var router = ProvisionRouter(
      artifacts: DiskBootArtifacts(paths: BootPaths(root: options.root)),
      ipxe: IPXEScript(directories: options.ipxeTemplateDirectories),
      status: status, builder: options.builder, logger: Logger(label: "howl.http"))
    router.agents = agentKeys
    router.twoStage = TwoStageArtifacts(paths: BootPaths(root: options.root), script: options.stageOneScript)
    let agents = AgentRouter(keyring: agentKeys, wakeups: agentWakeups, status: status, logger: Logger(label: "howl.agent"))
    let digests = runtimeDigests
    let box = config
    let current: @Sendable () -> BootConfig = { box.withLockedValue { $0 } }
    let channel = try ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      // Stage one's busybox `nc` shuts its sending side once the request is
      // out; the answer must still go out whole.
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: HTTPProvisionHandler.idleTimeout))
          try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
          try channel.pipeline.syncOperations.addHandler(
            HTTPProvisionHandler(router: router, agents: agents, digests: digests, config: current, logger: Logger(label: "howl.http")))
        }
      }
      .bind(host: "\(settings.bindAddress)", port: settings.httpPort).wait()
    channels.append(channel)
  }

  /// Copies the iPXE binaries into `<tftp root>/warewulf/` unless already
  /// there (as `wwctl configure tftp` does). Debian links some of them to
  /// /boot, and TFTP refuses links out of its root, so the files themselves
  /// are copied (and a link left by an older copy is replaced).
  private func prepareTFTPRoot(_ root: String) {
    let target = root + "/warewulf"
    let files = FileManager.default
    try? files.createDirectory(atPath: target, withIntermediateDirectories: true)
    for name in ["undionly.kpxe", "ipxe.efi", "snponly.efi"] {
      let source = URL(fileURLWithPath: options.ipxeBinaries + "/" + name).resolvingSymlinksInPath().path
      let destination = target + "/" + name
      let existing = (try? files.attributesOfItem(atPath: destination))?[.type] as? FileAttributeType
      guard files.fileExists(atPath: source), existing != .typeRegular else { continue }
      do {
        if existing != nil { try files.removeItem(atPath: destination) }
        try files.copyItem(atPath: source, toPath: destination)
      } catch {
        logger.warning("cannot copy \(source) into the TFTP root: \(error)")
      }
    }
  }
}
