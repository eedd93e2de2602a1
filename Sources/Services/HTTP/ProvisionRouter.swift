import Logging
import NIOHTTP1
import Runtime

/// What to answer a provisioning request with.
public enum ProvisionResponse: Equatable, Sendable {
  case text(HTTPResponseStatus, String, contentType: String)
  /// A file to send (with Range and conditional handling).
  case file(path: String)
}

/// Maps Warewulf's routes (§5.5) to responses: identifies the node, checks
/// its asset key and secure mode, picks the file, and records the stage on
/// the status board.
public struct ProvisionRouter: Sendable {
  public var artifacts: any BootArtifacts
  public var ipxe: IPXEScript
  public var status: BootStatusBoard
  /// The on-demand build seam; nil until the builders are wired in.
  public var builder: (any OnDemandBuilder)?
  /// The node agents' secrets: runtime overlay requests are checked against
  /// them (`AgentKeyring`); nil serves runtime overlays as Warewulf does.
  public var agents: AgentKeyring?
  /// The stage-one initrd and kernel modules of two-stage boots; nil
  /// answers their routes with 404.
  public var twoStage: TwoStageArtifacts?
  public var logger: Logger

  public init(artifacts: any BootArtifacts, ipxe: IPXEScript, status: BootStatusBoard,
              builder: (any OnDemandBuilder)? = nil, logger: Logger) {
    self.artifacts = artifacts
    self.ipxe = ipxe
    self.status = status
    self.builder = builder
    self.logger = logger
  }

  /// Answers `uri` from a client at `clientIP`:`clientPort`.
  /// A runtime overlay request signed by the node's agent is checked
  /// (and not recorded as a boot stage); with `secure` it must be signed.
  public func respond(uri: String, clientIP: String, clientPort: Int, config: BootConfig,
                      signature: AgentKeyring.Signature = .init(time: nil, sequence: nil, hmac: nil)) -> ProvisionResponse {
    let request = ProvisionRequest(uri: uri)
    switch request.route {
    case .stageOne, .kernelModules, .report: return respondTwoStage(request, clientIP: clientIP, config: config)
    default: break
    }
    guard case .stage(let stage) = request.route else {
      if request.route == .status {
        return .text(.ok, String(decoding: status.json(), as: UTF8.self), contentType: "application/json")
      }
      return .text(.notFound, "not found\n", contentType: "text/plain")
    }
    guard let mac = request.wwid ?? (request.rawID == nil ? ARPTable.mac(for: clientIP) : nil) else {
      logger.notice("HTTP \(stage) from \(clientIP): no node identified (wwid '\(request.rawID ?? "")')")
      return .text(.badRequest, "no node identified\n", contentType: "text/plain")
    }
    guard let node = config.node(for: mac) else {
      if stage == .ipxe, let script = try? ipxe.render(node: nil, mac: mac, settings: config.settings, kernelVersion: nil) {
        logger.notice("HTTP ipxe for unknown MAC \(mac) from \(clientIP): unconfigured script")
        return .text(.ok, script, contentType: "text/plain")
      }
      logger.notice("HTTP \(stage) for unknown MAC \(mac) from \(clientIP) refused")
      return .text(.notFound, "unknown node\n", contentType: "text/plain")
    }
    if let refusal = assetKeyRefusal(request, node: node, stage: stage.rawValue, clientIP: clientIP) { return refusal }
    if stage == .runtime, config.settings.secure, clientPort >= 1024 {
      logger.warning("HTTP runtime for \(node.id) from \(clientIP):\(clientPort) refused: secure mode needs a source port below 1024")
      status.record(node: node.id, stage: stage.rawValue, sent: "BAD_REQUEST", ipaddr: clientIP)
      return .text(.unauthorized, "runtime overlay needs a privileged source port\n", contentType: "text/plain")
    }
    var fromAgent = false
    if stage == .runtime, let agents {
      switch agents.verify(node: node.id, target: uri, signature: signature) {
      case .signed: fromAgent = true
      case .unsigned where !config.settings.secure: break
      case .unsigned:
        logger.warning("HTTP runtime for \(node.id) from \(clientIP) refused: not signed with the node's key (secure mode)")
        status.record(node: node.id, stage: stage.rawValue, sent: "BAD_REQUEST", ipaddr: clientIP)
        return .text(.unauthorized, "runtime overlay needs a request signed by the node's agent\n", contentType: "text/plain")
      case .refused(let why):
        logger.warning("HTTP runtime for \(node.id) from \(clientIP) refused: \(why)")
        return .text(.unauthorized, "signature refused: \(why)\n", contentType: "text/plain")
      }
    }
    if stage == .ipxe || stage == .grub, let agents, config.leases[mac]?.address.map({ "\($0)" }) == clientIP {
      agents.bootStarted(node: node.id)
    }
    if let builder {
      do {
        try builder.prepare(stage, for: node)
      } catch {
        logger.error("HTTP \(stage) for \(node.id): build failed: \(error)")
        status.record(node: node.id, stage: stage.rawValue, sent: "BUILD_FAILED", ipaddr: clientIP)
        return .text(.internalServerError, "build failed\n", contentType: "text/plain")
      }
    }
    let path: String?
    switch stage {
    case .ipxe:
      if let reasons = config.unbootable[node.id] {
        logger.warning("HTTP ipxe for \(node.id): cannot boot (\(reasons.joined(separator: "; "))); sent the reasons to its console")
        status.record(node: node.id, stage: "ipxe", sent: "UNBOOTABLE", ipaddr: clientIP)
        do {
          return .text(.ok, try ipxe.renderUnbootable(node: node, mac: mac, reasons: reasons, settings: config.settings),
                       contentType: "text/plain")
        } catch {
          logger.error("HTTP ipxe for \(node.id): \(error)")
          return .text(.internalServerError, "iPXE template failed\n", contentType: "text/plain")
        }
      }
      do {
        let kernel = artifacts.kernel(for: node).map { KernelVersion.version(of: $0) }
        let script = try ipxe.render(node: node, mac: mac, settings: config.settings, kernelVersion: kernel,
                                     imageCompression: config.imageCompression(of: node))
        status.record(node: node.id, stage: "ipxe", sent: node.value(at: FieldPath("ipxe template"))?.stringValue ?? "default.ipxe", ipaddr: clientIP)
        return .text(.ok, script, contentType: "text/plain")
      } catch {
        logger.error("HTTP ipxe for \(node.id): \(error)")
        return .text(.internalServerError, "iPXE template failed\n", contentType: "text/plain")
      }
    case .grub:
      let kernel = artifacts.kernel(for: node).map { KernelVersion.version(of: $0) }
      let reasons = config.unbootable[node.id] ?? stageOneProblems(of: node, config: config)
      if !reasons.isEmpty {
        logger.warning("HTTP grub for \(node.id): cannot boot (\(reasons.joined(separator: "; "))); sent the reasons to its console")
      }
      do {
        let script = try ipxe.renderGrub(node: node, mac: mac, settings: config.settings, kernelVersion: kernel,
                                         imageCompression: config.imageCompression(of: node), problems: reasons)
        status.record(node: node.id, stage: "grub", sent: reasons.isEmpty ? "grub.cfg" : "UNBOOTABLE", ipaddr: clientIP)
        return .text(.ok, script, contentType: "text/plain")
      } catch {
        logger.error("HTTP grub for \(node.id): \(error)")
        return .text(.internalServerError, "GRUB template failed\n", contentType: "text/plain")
      }
    case .kernel: path = artifacts.kernel(for: node)
    case .image:
      let built = config.imageCompression(of: node)
      if let asked = request.compression, asked != built {
        logger.notice("HTTP image for \(node.id): compress=\(asked.urlValue) asked, but its image is built with \(built.rawValue) (compress=\(built.urlValue))")
      }
      path = artifacts.image(for: node, compression: request.compression)
    case .system: path = overlay(.system, for: node, request)
    case .runtime: path = overlay(.runtime, for: node, request)
    case .dhcp, .tftp: path = nil
    }
    guard let path else {
      logger.notice("HTTP \(stage) for \(node.id): nothing to send")
      status.record(node: node.id, stage: stage.rawValue, sent: "NOT_FOUND", ipaddr: clientIP)
      return .text(.notFound, "no \(stage) for \(node.id)\n", contentType: "text/plain")
    }
    if !fromAgent && !request.fromStageOne {
      status.record(node: node.id, stage: stage.rawValue, sent: path.split(separator: "/").last.map(String.init) ?? path, ipaddr: clientIP)
    }
    return .file(path: path)
  }

  /// The refusal of a request without the node's asset key (Warewulf's
  /// `asset key`), nil when the node has none or the request carries it.
  private func assetKeyRefusal(_ request: ProvisionRequest, node: MergedNode, stage: String, clientIP: String) -> ProvisionResponse? {
    guard let key = node.value(at: FieldPath("asset key"))?.stringValue, !key.isEmpty, request.assetKey != key else { return nil }
    logger.warning("HTTP \(stage) for \(node.id) from \(clientIP): asset key mismatch")
    status.record(node: node.id, stage: stage, sent: "BAD_ASSET", ipaddr: clientIP)
    return .text(.unauthorized, "asset key mismatch\n", contentType: "text/plain")
  }

  /// The routes of two-stage boot (see `ProvisionRequest.Route`).
  private func respondTwoStage(_ request: ProvisionRequest, clientIP: String, config: BootConfig) -> ProvisionResponse {
    let route = request.route == .stageOne ? "stage1" : request.route == .kernelModules ? "kmods" : "report"
    guard let mac = request.wwid ?? (request.rawID == nil ? ARPTable.mac(for: clientIP) : nil), let node = config.node(for: mac) else {
      logger.notice("HTTP \(route) from \(clientIP): no known node (wwid '\(request.rawID ?? "")')")
      return .text(.notFound, "unknown node\n", contentType: "text/plain")
    }
    if let refusal = assetKeyRefusal(request, node: node, stage: route, clientIP: clientIP) { return refusal }
    if request.route == .report {
      let stage = request.reportStage ?? ""
      guard stage == "stage1" else { return .text(.badRequest, "unknown stage '\(stage)'\n", contentType: "text/plain") }
      let sent = String((request.reportSent ?? "").unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7f }.prefix(120).map(Character.init))
      status.record(node: node.id, stage: stage, sent: sent, ipaddr: clientIP)
      if sent.hasPrefix("failed") { logger.warning("stage one of \(node.id) gave up: \(sent)") }
      return .text(.ok, "ok\n", contentType: "text/plain")
    }
    guard let twoStage else { return .text(.notFound, "no two-stage boot here\n", contentType: "text/plain") }
    do {
      let path: String
      if request.route == .stageOne {
        path = try twoStage.stageOne(arch: ProvisionRouter.architecture(request.arch))
      } else {
        guard let image = DiskBootArtifacts(paths: twoStage.paths).imageName(of: node), let kernel = artifacts.kernel(for: node) else {
          status.record(node: node.id, stage: route, sent: "NOT_FOUND", ipaddr: clientIP)
          return .text(.notFound, "no kernel for \(node.id)\n", contentType: "text/plain")
        }
        path = try twoStage.kernelModules(image: image, kernel: kernel)
      }
      status.record(node: node.id, stage: route, sent: path.split(separator: "/").last.map(String.init) ?? path, ipaddr: clientIP)
      return .file(path: path)
    } catch {
      logger.error("HTTP \(route) for \(node.id): \(error)")
      status.record(node: node.id, stage: route, sent: "BUILD_FAILED", ipaddr: clientIP)
      return .text(.internalServerError, "\(error)\n", contentType: "text/plain")
    }
  }

  /// Why a two-stage GRUB node's stage one cannot be had (built here, once):
  /// GRUB would start the kernel without the initrd it failed to fetch, so
  /// the reason goes to the node's console instead.
  private func stageOneProblems(of node: MergedNode, config: BootConfig) -> [String] {
    guard node.value(at: FieldPath("ipxe template"))?.stringValue == "two-stage", let twoStage else { return [] }
    do {
      _ = try twoStage.stageOne(arch: (config.imageArchitecture(of: node) ?? .aarch64).rawValue)
      return []
    } catch {
      return ["two-stage boot: \(error)"]
    }
  }

  /// iPXE's `${buildarch}` (or an `uname -m` name) as Howl names architectures.
  /// 32-bit iPXE (BIOS `undionly.kpxe`) says `i386` on x86_64 nodes.
  static func architecture(_ name: String?) -> String {
    guard let name, !name.isEmpty else { return Architecture.host?.rawValue ?? "x86_64" }
    return name == "i386" ? Architecture.x86_64.rawValue : Architecture(name: name)?.rawValue ?? name
  }

  /// Overlays are built plain and gzip'd only: nothing for `compress=zstd`.
  private func overlay(_ kind: OverlayKind, for node: MergedNode, _ request: ProvisionRequest) -> String? {
    request.compression == .zstd ? nil : artifacts.overlay(kind, for: node, compressed: request.compression == .gzip)
  }
}
