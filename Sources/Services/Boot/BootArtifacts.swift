#if canImport(Glibc)
import Glibc
#endif
import Runtime

/// The overlay images a node boots with.
public enum OverlayKind: String, Sendable {
  case system = "__SYSTEM__"
  case runtime = "__RUNTIME__"
}

/// Finds the files a node boots from. Paths only: the HTTP server opens
/// and sends them.
public protocol BootArtifacts: Sendable {
  /// The image's kernel for `node`, or nil if it has no image or kernel.
  func kernel(for node: MergedNode) -> String?
  /// The node's image as a cpio (`.img`), or compressed (`.img.gz`, `.img.zst`).
  func image(for node: MergedNode, compression: ImageCompression?) -> String?
  /// One of the node's overlay images, plain or gzip'd.
  func overlay(_ kind: OverlayKind, for node: MergedNode, compressed: Bool) -> String?
}

/// The seam for building stale or missing images and overlays on request
/// (Warewulf's `autobuild overlays`). `howl serve` has none until the image
/// builder and overlay renderer are wired in; without one, missing files
/// are answered with 404.
public protocol OnDemandBuilder: Sendable {
  /// Makes the artefact current before it is served; throws if it cannot.
  func prepare(_ stage: BootStage, for node: MergedNode) throws
}

/// The on-disk layout the image builder and overlay renderer write:
/// image trees `var/lib/howl/images/<image>/rootfs`, built images
/// `var/lib/howl/provision/images/<image>.img[.gz|.zst]`, overlays
/// `var/lib/howl/provision/overlays/<node>/__SYSTEM__.img[.gz]`.
public struct DiskBootArtifacts: BootArtifacts {
  public let paths: BootPaths

  public init(paths: BootPaths) { self.paths = paths }

  public func imageName(of node: MergedNode) -> String? {
    let name = node.value(at: FieldPath("image name"))?.stringValue ?? node.value(at: FieldPath("container name"))?.stringValue
    guard let name, !name.isEmpty, !name.contains("/"), name != "..", name != "." else { return nil }
    return name
  }

  public func kernel(for node: MergedNode) -> String? {
    guard let image = imageName(of: node) else { return nil }
    let rootfs = paths.images + "/" + image + "/rootfs"
    let version = node.value(at: FieldPath("kernel", "version"))?.stringValue ?? node.value(at: FieldPath("kernel version"))?.stringValue
    if let version, version.hasPrefix("/") {
      let explicit = rootfs + version
      return access(explicit, R_OK) == 0 ? explicit : nil
    }
    let kernels = KernelVersion.find(in: rootfs).filter { version == nil || $0.version.hasPrefix(version ?? "") }
    return kernels.max { KernelVersion.compare($0.version, $1.version) }?.path
  }

  public func image(for node: MergedNode, compression: ImageCompression?) -> String? {
    guard let image = imageName(of: node) else { return nil }
    return paths.provision + "/images/" + image + ".img" + (compression?.fileSuffix ?? "")
  }

  public func overlay(_ kind: OverlayKind, for node: MergedNode, compressed: Bool) -> String? {
    guard !node.id.contains("/") else { return nil }
    return paths.provision + "/overlays/" + node.id + "/" + kind.rawValue + ".img" + (compressed ? ".gz" : "")
  }
}
