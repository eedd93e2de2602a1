import Foundation

/// The kernel modules a two-stage node needs before its image is there:
/// network cards, virtio, NVMe/SATA/SCSI disks and the root file systems
/// (xfs, ext4), with everything they depend on (`modules.dep`), taken from
/// the image's `/lib/modules/<version>` with the module index files, as a
/// gzip'd newc cpio — the second initrd of a two-stage boot, since the
/// stage-one initrd itself is kernel-independent. Built once per image and
/// kernel, rebuilt when the image's `modules.dep` changes.
public struct KernelModuleArchive: Sendable {
  /// The image tree (`.../images/<name>/rootfs`).
  public var rootfs: String
  public var kernelVersion: String
  /// The archive's path (`.../provision/images/<name>.kmods-<version>.img.gz`).
  public var path: String

  public init(rootfs: String, kernelVersion: String, path: String) {
    self.rootfs = rootfs
    self.kernelVersion = kernelVersion
    self.path = path
  }

  /// Modules under these paths (of `kernel/`) are taken, with their dependencies.
  static let wanted = ["drivers/net/", "drivers/virtio/", "drivers/nvme/", "drivers/block/", "drivers/ata/",
                       "drivers/scsi/", "fs/xfs/", "fs/ext4/", "fs/jbd2/", "fs/mbcache"]
  static let excluded = ["drivers/net/wireless/", "drivers/net/can/", "drivers/net/usb/", "drivers/net/hamradio/"]
  static let indexFiles = ["modules.dep", "modules.alias", "modules.softdep", "modules.builtin",
                           "modules.builtin.modinfo", "modules.order", "modules.symbols", "modules.devname"]

  var modulesDirectory: String { rootfs + "/lib/modules/" + kernelVersion }

  /// The archive, built first if missing or older than the image's module index.
  public func ensure() throws -> String {
    let dep = modulesDirectory + "/modules.dep"
    var depStatus = stat()
    var built = stat()
    let hasIndex = stat(dep, &depStatus) == 0
    if stat(path, &built) == 0, !hasIndex || built.st_mtim.tv_sec > depStatus.st_mtim.tv_sec { return path }
    let archive = try GzippedCpio(path: path)
    let base = "lib/modules/" + kernelVersion
    if hasIndex {
      let files = try modules() + KernelModuleArchive.indexFiles.filter { access(modulesDirectory + "/" + $0, R_OK) == 0 }
      for file in files { try archive.copy(modulesDirectory + "/" + file, as: base + "/" + file, mode: 0o644) }
    }
    try archive.finish()
    return path
  }

  /// The wanted modules and their dependencies, as `modules.dep` names them.
  func modules() throws -> [String] {
    let text = try String(contentsOfFile: modulesDirectory + "/modules.dep", encoding: .utf8)
    var depends: [String: [String]] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard let name = parts.first else { continue }
      depends[String(name)] = parts.count > 1 ? parts[1].split(separator: " ").map(String.init) : []
    }
    var chosen = Set<String>()
    var pending = depends.keys.filter { module in
      let inner = module.hasPrefix("kernel/") ? String(module.dropFirst(7)) : module
      return KernelModuleArchive.wanted.contains { inner.hasPrefix($0) } && !KernelModuleArchive.excluded.contains { inner.hasPrefix($0) }
    }
    while let module = pending.popLast() {
      guard chosen.insert(module).inserted else { continue }
      pending.append(contentsOf: depends[module] ?? [])
    }
    return chosen.filter { access(modulesDirectory + "/" + $0, R_OK) == 0 }.sorted()
  }
}
