import Foundation
import NIOConcurrencyHelpers
import Runtime

/// What a two-stage node fetches besides its kernel, image and overlays:
/// Howl's stage-one initrd for the node's architecture and its image's
/// kernel modules, each built on first request and cached under
/// `var/lib/howl/provision/` (`stage1/<arch>/stage1.img.gz`,
/// `images/<image>.kmods-<version>.img.gz`).
public final class TwoStageArtifacts: Sendable {
  public let paths: BootPaths
  /// The stage-one script (`stdlib/stage1/init`), nil if none was found.
  public let script: String?
  private let lock = NIOLock()

  public init(paths: BootPaths, script: String?) {
    self.paths = paths
    self.script = script
  }

  /// Why a two-stage artefact cannot be had.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// The stage-one initrd for `arch` (built if missing or stale).
  public func stageOne(arch: String) throws -> String {
    guard let script else { throw Failure(description: "no stage-one script (stdlib/stage1/init) found") }
    guard let toolset = StageOneToolset.find(arch: arch) else {
      if arch == Architecture.host?.rawValue {
        throw Failure(description: "no static busybox for \(arch) (install busybox-static, or put one in /usr/lib/howl/stage1/\(arch)/busybox)")
      }
      let debian = Architecture(rawValue: arch)?.oci ?? arch
      throw Failure(description: "no static busybox for \(arch): put the bin/busybox of Debian's busybox-static:\(debian) in /usr/lib/howl/stage1/\(arch)/")
    }
    let initrd = StageOneInitrd(toolset: toolset, script: script, directory: paths.provision + "/stage1/" + arch)
    return try lock.withLock { try initrd.ensure() }
  }

  /// The kernel modules of `image` for the kernel at `kernel` (a path in its tree).
  public func kernelModules(image: String, kernel: String) throws -> String {
    let version = KernelVersion.version(of: kernel.components(separatedBy: "/rootfs").last ?? kernel)
    guard !version.contains("/") else { throw Failure(description: "cannot tell the kernel version of \(kernel)") }
    let archive = KernelModuleArchive(rootfs: paths.images + "/" + image + "/rootfs", kernelVersion: version,
                                      path: paths.provision + "/images/" + image + ".kmods-" + version + ".img.gz")
    return try lock.withLock { try archive.ensure() }
  }
}
