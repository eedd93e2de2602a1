import Foundation
import OrderedCollections

/// Says, before any node boots, what would stop nodes from booting or make
/// them boot wrong, and how to fix it: no image or one that does not exist;
/// no kernel in the image; no boot loader for the image's architecture; a
/// `cpuArch` tag that is not the image's architecture; no overlay (nor the image) giving `/init`; an
/// overlay that does not exist; a disk root without the `disks` entry that
/// makes it; no `hwaddr` while discovery is off; an image not built, or
/// changed since its build; an image too big to boot single-stage on a
/// BIOS node (two-stage boot streams it instead); an address outside the server's network; a
/// mount of an export the NFS server does not serve (as last applied); two
/// overlays of one image writing the same file.
///
/// Reads files only (image trees, build records, overlay trees); each image
/// and overlay is looked at once per check however many nodes use it.
public final class ReadinessCheck {
  public let state: ClusterState
  let stateDirectory: String
  let overlays: OverlayStore
  /// Export name → path as the NFS server serves them, nil when unknown (then mounts are not checked).
  let servedExports: [String: String]?
  /// The server's network (address, netmask), nil when the server has no address yet.
  let network: (address: UInt32, netmask: UInt32)?
  let fingerprints: Bool

  private var imageCache: [String: ImageFacts] = [:]
  private var overlayCache: [String: [OverlayEntry]?] = [:]
  private var listCache: [String: ListFacts] = [:]

  /// A check of `state` under `root` (`$HOWL_ROOT`). `servedExports` is what
  /// the NFS server was last given (`ExportApplying.servedExports`);
  /// `address`/`netmask` override the server's own (`howl serve` may take
  /// them from its interface).
  public convenience init(state: ClusterState, root: String, overlays: OverlayStore? = nil,
                          servedExports: [String: String]? = nil, address: String? = nil, netmask: String? = nil) {
    self.init(state: state, root: root, overlays: overlays, servedExports: servedExports, address: address, netmask: netmask,
              fingerprints: true)
  }

  /// Without `fingerprints`, image trees are not walked: a built image counts as current.
  init(state: ClusterState, root: String, overlays: OverlayStore? = nil, servedExports: [String: String]? = nil,
       address: String? = nil, netmask: String? = nil, fingerprints: Bool) {
    self.fingerprints = fingerprints
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    self.state = state
    self.stateDirectory = base + "/var/lib/howl"
    self.overlays = overlays ?? OverlayStore(stateDirectory: base + "/var/lib/howl")
    self.servedExports = servedExports
    let server = state.server
    if let address = ServerConfig.parseIPv4(address ?? server.ipaddr),
       let mask = ServerConfig.parseIPv4(netmask ?? server.netmask) {
      self.network = (address, mask)
    } else {
      self.network = nil
    }
  }

  /// The problems of the nodes `ids` (all nodes when nil), one per kind and
  /// cause with the nodes that share it, in the order `Kind` lists them.
  public func problems(_ ids: [String]? = nil) -> [ReadinessProblem] {
    ReadinessCheck.fold((ids ?? state.cluster.nodes.keys.elements).flatMap { problems(of: $0) })
  }

  /// Problems of single nodes merged into one per kind and cause, in the order `Kind` lists them.
  static func fold(_ problems: [ReadinessProblem]) -> [ReadinessProblem] {
    struct Cause: Hashable { var kind: ReadinessProblem.Kind; var what: String; var fix: String }
    var folded: [ReadinessProblem] = []
    var index: [Cause: Int] = [:]
    for problem in problems {
      let key = Cause(kind: problem.kind, what: problem.what, fix: problem.fixTemplate)
      if let i = index[key] {
        folded[i].nodes += problem.nodes
      } else {
        index[key] = folded.count
        folded.append(problem)
      }
    }
    return folded.enumerated().sorted { ($0.element.kind, $0.offset) < ($1.element.kind, $1.offset) }.map(\.element)
  }

  /// What `after` leaves unable to boot that `before` did not, per node and
  /// cause, folded: `n[1-2] cannot boot: no image; fix: …`. Only nodes a change
  /// can have touched are checked, and image trees are not fingerprinted
  /// (a stale image still boots), so a commit of 10,000 nodes stays quick.
  public static func newlyUnbootable(from before: ClusterState, to after: ClusterState, root: String) -> [String] {
    let everything = before.cluster.profiles != after.cluster.profiles || before.server != after.server
    let changed = after.cluster.nodes.filter { everything || before.cluster.nodes[$0.key] != $0.value }.keys
    guard !changed.isEmpty else { return [] }
    let old = ReadinessCheck(state: before, root: root, fingerprints: false)
    let new = ReadinessCheck(state: after, root: root, fingerprints: false)
    var fresh: [ReadinessProblem] = []
    for id in changed {
      let blocking = new.problems(of: id).filter(\.blocksBoot)
      guard !blocking.isEmpty else { continue }
      let had = Set(old.problems(of: id).filter(\.blocksBoot).map(\.what))
      fresh += blocking.filter { !had.contains($0.what) }
    }
    return fold(fresh).map { $0.line(joining: " cannot boot: ") }
  }

  /// The problems of node `id` alone.
  public func problems(of id: String) -> [ReadinessProblem] {
    guard let node = try? state.cluster.merged(id, sources: false) else { return [] }
    var out: [ReadinessProblem] = []
    func add(_ kind: ReadinessProblem.Kind, _ what: String, fix: String, blocks: Bool = true) {
      out.append(ReadinessProblem(kind, nodes: [id], what: what, fix: fix, blocksBoot: blocks))
    }
    let owner = node.profiles.first.map { "profiles[\"\($0)\"]" } ?? "nodes[\"{nodes}\"]"
    let image = checkImage(node, owner: owner, add: add)
    checkOverlays(node, image: image, owner: owner, add: add)
    checkRoot(node, add: add)
    checkNetwork(node, add: add)
    checkMounts(node, add: add)
    return out
  }

  private typealias Add = (ReadinessProblem.Kind, String, String, Bool) -> Void

  // MARK: - Image and kernel

  /// What a check needs to know of one image. An image is its tree (a
  /// Warewulf image directory needs no registry entry); without a build
  /// record, a compressed file in place counts as built.
  struct ImageFacts {
    enum Build { case current, notBuilt, stale }
    var rootfs: String
    var hasTree: Bool
    var kernels: [ImageKernel]
    var build: Build
    var hasInit: Bool
    var architecture: Architecture?
    /// The size of the image as served (compressed), 0 when not built.
    var servedBytes: Int64
  }

  /// The most a BIOS node's iPXE can hold of kernel and initrds: x86's
  /// boot protocol keeps initrds below 2 GiB (`initrd_addr_max`), and the
  /// firmware's own memory and holes take their share.
  public static let biosSingleStageLimit: Int64 = 2 << 30

  private func facts(_ name: String) -> ImageFacts {
    if let cached = imageCache[name] { return cached }
    let paths = ImagePaths(name: name, stateDirectory: stateDirectory)
    let entry = state.server.images[name]
    var isDirectory: ObjCBool = false
    let hasTree = FileManager.default.fileExists(atPath: paths.rootfs, isDirectory: &isDirectory) && isDirectory.boolValue
    let compression = entry?.compression ?? .gzip
    var build = ImageFacts.Build.notBuilt
    if let record = BuildRecord.read(paths.buildRecord), record.filesIntact(paths) {
      let excludes = ExcludePatterns((entry?.excludes ?? []) + ExcludePatterns.fromImage(rootfs: paths.rootfs))
      let fingerprint = fingerprints ? try? TreeFingerprint.of(root: paths.rootfs, excludes: excludes) : record.fingerprint
      build = fingerprint == record.fingerprint && record.compression == compression ? .current : .stale
    } else if BuildRecord.read(paths.buildRecord) == nil, FileManager.default.fileExists(atPath: paths.compressedImage(compression)) {
      build = .current
    }
    var link = stat()
    var served = stat()
    let facts = ImageFacts(rootfs: paths.rootfs, hasTree: hasTree, kernels: hasTree ? KernelDiscovery.all(rootfs: paths.rootfs) : [],
                           build: build, hasInit: lstat(paths.rootfs + "/init", &link) == 0,
                           architecture: state.architecture(ofImage: name, stateDirectory: stateDirectory),
                           servedBytes: stat(paths.compressedImage(compression), &served) == 0 ? Int64(served.st_size) : 0)
    imageCache[name] = facts
    return facts
  }

  /// Checks the node's image and kernel; returns the image's facts when it has one to boot.
  /// `owner` is what a fix sets the field on: the node's first profile, else the node.
  private func checkImage(_ node: MergedNode, owner: String, add: Add) -> ImageFacts? {
    guard let name = node.value(at: FieldPath("image name"))?.stringValue, !name.isEmpty else {
      add(.noImage, "no image", "\(owner).image = \"NAME\" (images lists them)", true)
      return nil
    }
    let image = facts(name)
    guard image.hasTree else {
      add(.noImage, "image '\(name)' does not exist (no \(image.rootfs))", "images.import(SOURCE, name: \"\(name)\"), or set another image", true)
      return nil
    }
    let version = node.value(at: FieldPath("kernel", "version"))?.stringValue ?? ""
    let found: Bool
    if version.hasPrefix("/") {
      found = FileManager.default.fileExists(atPath: image.rootfs + version)
    } else {
      found = image.kernels.contains { version.isEmpty || $0.version.hasPrefix(version) }
    }
    if !found {
      let what = version.isEmpty ? "image '\(name)' has no kernel (/boot/vmlinuz-*)" : "image '\(name)' has no kernel '\(version)'"
      let fix = version.isEmpty ? "install a kernel package in it: images[\"\(name)\"].exec(\"…\")"
        : "\(owner).kernel.version = one of \(image.kernels.map(\.version)), or nil for the newest"
      add(.noKernel, what, fix, true)
    }
    checkArchitecture(node, image: name, image.architecture, add: add)
    let autobuild = state.server.autobuildOverlays
    switch image.build {
    case .current: break
    case .notBuilt:
      add(.imageNotBuilt, "image '\(name)' is not built" + (autobuild ? " (howl serve builds it at the first boot)" : ""),
          "images[\"\(name)\"].build()", !autobuild)
    case .stale:
      add(.imageStale, "image '\(name)' changed since its last build", "images[\"\(name)\"].build()", false)
    }
    if image.servedBytes >= ReadinessCheck.biosSingleStageLimit, node.value(at: FieldPath("ipxe template"))?.stringValue != "two-stage" {
      let gib = String(format: "%.1f", Double(image.servedBytes) / Double(1 << 30))
      add(.imageTooBigForBIOS, "image '\(name)' is \(gib) GiB compressed: too big to boot single-stage on BIOS nodes (iPXE must hold it below 2 GiB)",
          "nodes[\"{nodes}\"].ipxe = \"two-stage\" (stage one streams the image into the root)", false)
    }
    return image
  }

  /// No boot loader for the image's architecture stops the node; a
  /// `cpuArch` tag naming another architecture than the image's is flagged
  /// (per-architecture templates would render the wrong files).
  private func checkArchitecture(_ node: MergedNode, image name: String, _ arch: Architecture?, add: Add) {
    guard let arch else { return }
    if let missing = BootLoaders.missing(for: arch) {
      add(.noBootLoader, "image '\(name)' is \(arch.rawValue), and there is no boot loader for it: no \(missing)",
          arch == .aarch64 ? "scripts/setup unpacks Debian's grub-efi-arm64-bin:arm64 into /usr/local/lib/grub/arm64-efi (and installs grub-common)"
            : "boot \(arch.rawValue) nodes some other way, or use an x86_64 or aarch64 image", true)
    }
    if let tag = node.value(at: FieldPath("tags", "cpuArch"))?.stringValue, !tag.isEmpty, Architecture(name: tag) != arch {
      add(.archTagDisagrees, "tag cpuArch is \"\(tag)\" but image '\(name)' is \(arch.rawValue)",
          "nodes[\"{nodes}\"].tags.cpuArch = \"\(arch.rawValue)\", or give them an image for \(tag)", false)
    }
  }

  // MARK: - Overlays

  /// The entries of overlay `name`, nil if it does not exist.
  private func entries(_ name: String) -> [OverlayEntry]? {
    if let cached = overlayCache[name] { return cached }
    let entries = overlays.overlay(name).map { (try? $0.entries()) ?? [] }
    overlayCache[name] = entries
    return entries
  }

  /// What one list of overlays gives: whether it provides `/init`, and its problems.
  private struct ListFacts {
    var providesInit = false
    var problems: [(kind: ReadinessProblem.Kind, what: String, fix: String, blocks: Bool)] = []
  }

  /// The facts of one overlay list, computed once per list and owner (nodes mostly share both).
  private func listFacts(_ names: [String], kind: OverlayKind, owner: String) -> ListFacts {
    let key = "\(kind.rawValue)\u{0}\(owner)\u{0}" + names.joined(separator: "\u{0}")
    if let cached = listCache[key] { return cached }
    var facts = ListFacts()
    var writers = OrderedDictionary<String, String>()  // file → overlay
    var clashes = OrderedDictionary<String, [String]>()  // "a and b" → files
    for name in names {
      guard let entries = entries(name) else {
        let list = kind == .system ? "overlays" : "runtime_overlays"
        facts.problems.append((.unknownOverlay, "overlay '\(name)' does not exist",
                               "overlays.add(\"\(name)\"), or \(owner).\(list) -= [\"\(name)\"]", true))
        continue
      }
      for entry in entries where entry.kind != .directory {
        let path = entry.isTemplate ? String(entry.path.dropLast(3)) : entry.path
        if path == "init" { facts.providesInit = true }
        if let other = writers[path], other != name { clashes["\(other) and \(name)", default: []].append("/" + path) }
        writers[path] = name
      }
    }
    for (pair, files) in clashes {
      let shown = files.prefix(3).joined(separator: ", ") + (files.count > 3 ? " and \(files.count - 3) more" : "")
      facts.problems.append((.overlaysWriteSameFile, "\(kind.rawValue) overlays \(pair) both write \(shown)",
                             "keep the file in one of them (the later overlay's copy wins)", false))
    }
    listCache[key] = facts
    return facts
  }

  private func checkOverlays(_ node: MergedNode, image: ImageFacts?, owner: String, add: Add) {
    var providesInit = image?.hasInit ?? false
    for kind in OverlayKind.allCases {
      let facts = listFacts(node.fields[kind.listKey]?.listValue ?? [], kind: kind, owner: owner)
      if kind == .system && facts.providesInit { providesInit = true }
      for problem in facts.problems { add(problem.kind, problem.what, problem.fix, problem.blocks) }
    }
    if !providesInit, image != nil {
      add(.noInit, "no overlay provides /init (the kernel would panic)", "\(owner).overlays += [\"wwinit\"]", true)
    }
  }

  // MARK: - Root, network, mounts

  private func checkRoot(_ node: MergedNode, add: Add) {
    let layout = RootLayout.read { node.value(at: $0) }
    switch layout.kind {
    case .initramfs, .tmpfs: return
    case .xfs, .ext4:
      guard layout.device == RootLayout.partitionPath || layout.device?.hasPrefix("/dev/disk/by-partlabel/") == true else { return }
    case .device: break
    }
    add(.diskRootWithoutDisks, "root on \(layout.device ?? "?") but no `disks` entry makes it",
        "nodes[\"{nodes}\"].root = xfs(nvme0n1) (or ext4, with the node's disk)", true)
  }

  private func checkNetwork(_ node: MergedNode, add: Add) {
    let devices = node.value(at: FieldPath("network devices"))?.mapValue ?? [:]
    let discoverable = ["true", "yes", "1", "on"].contains(node.value(at: FieldPath("discoverable"))?.stringValue?.lowercased() ?? "")
    let hasMAC = devices.values.contains { !($0.mapValue?["hwaddr"]?.stringValue ?? "").isEmpty }
    if !hasMAC && !discoverable {
      add(.noHwaddr, "no hwaddr, and discovery is off (DHCP cannot tell it from other machines)",
          "nodes[\"{nodes}\"].hwaddr = MAC, or nodes[\"{nodes}\"].discoverable = true", true)
    }
    guard let network, let primary = node.primaryNetwork,
          let text = devices[primary]?.mapValue?["ipaddr"]?.stringValue, let address = ServerConfig.parseIPv4(text) else { return }
    if address & network.netmask != network.address & network.netmask {
      let cidr = ServerConfig.formatIPv4(network.address & network.netmask) + "/\(network.netmask.nonzeroBitCount)"
      add(.addressOutsideNetwork, "address \(text) is outside the server's network \(cidr)",
          "give the node an address in \(cidr), or set server.ipaddr to the right network", false)
    }
  }

  private func checkMounts(_ node: MergedNode, add: Add) {
    let nfs = state.server.nfs
    for mount in NodeMounts.resolve(node.value(at: FieldPath("mounts")), server: state.server) {
      if let export = mount.export {
        guard let servedExports, nfs.enabled, nfs.backend != .none else { continue }
        let path = state.server.exports[export].flatMap { try? ExportCheck.normalize($0.path) }
        if servedExports[export] != path {
          add(.mountNotServed, "export '\(export)' (mounted at \(mount.at)) is not served yet",
              "exports.apply() after commit(), or let howl serve apply it", false)
        }
      } else if !mount.source.contains(":") {
        add(.mountNotServed, "mount source '\(mount.source)' (at \(mount.at)) is neither an export nor host:/path",
            "exports lists the exports; or mount(\"server:/path\", at: \"\(mount.at)\")", false)
      }
    }
  }
}
