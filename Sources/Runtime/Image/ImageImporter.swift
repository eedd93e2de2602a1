import Foundation

/// Where an image comes from, parsed from `images.import`'s source.
public enum ImageSource: Equatable, Sendable {
  case dockerArchive(String)
  case ociArchive(String, tag: String?)
  case ociLayout(String, tag: String?)
  case directory(String)
  case registry(RegistryReference)

  public init(_ text: String) throws {
    func split(_ rest: Substring) -> (String, String?) {
      // `oci:DIR:TAG`: a tag after the last colon, if what precedes it exists.
      if let colon = rest.lastIndex(of: ":"), FileManager.default.fileExists(atPath: String(rest[..<colon])) {
        return (String(rest[..<colon]), String(rest[rest.index(after: colon)...]))
      }
      return (String(rest), nil)
    }
    if text.hasPrefix("docker-archive:") {
      self = .dockerArchive(String(text.dropFirst("docker-archive:".count)))
    } else if text.hasPrefix("oci-archive:") {
      let (path, tag) = split(text.dropFirst("oci-archive:".count))
      self = .ociArchive(path, tag: tag)
    } else if text.hasPrefix("oci:") {
      let (path, tag) = split(text.dropFirst("oci:".count))
      self = .ociLayout(path, tag: tag)
    } else if text.hasPrefix("dir:") {
      self = .directory(String(text.dropFirst("dir:".count)))
    } else if text.hasPrefix("docker://") {
      self = .registry(try RegistryReference(text))
    } else {
      throw ImageError("unknown image source \(text): use docker-archive:FILE.tar, oci-archive:FILE.tar, oci:DIR, dir:/path or docker://REGISTRY/REPO:TAG")
    }
  }
}

/// Imports an image into a fresh tree: archives are unpacked into a
/// scratch directory next to the tree, every blob's digest is checked,
/// then the layers are applied in order into `<name>/rootfs.importing`,
/// which is renamed to `rootfs` only when complete. On any error the
/// partial tree and the scratch files are removed.
public struct ImageImporter {
  public let paths: ImagePaths
  public var progress: Progress?

  public init(paths: ImagePaths) { self.paths = paths }

  /// Imports `source`; `platform` picks the manifest of a
  /// multi-architecture image, and the image must be of that architecture.
  /// Returns the image's architecture: the config's, else that of the
  /// tree's `/bin/sh` (nil if neither tells).
  @discardableResult
  public func run(_ source: ImageSource, platform: Platform? = nil) throws -> Architecture? {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: paths.rootfs, isDirectory: &isDirectory) {
      throw ImageError("image '\(paths.name)' already has a tree at \(paths.rootfs); remove the image first")
    }
    try fm.createDirectory(atPath: paths.imageDirectory, withIntermediateDirectories: true)
    let staging = paths.imageDirectory + "/rootfs.importing"
    let scratch = paths.imageDirectory + "/unpack.tmp"
    try? fm.removeItem(atPath: staging)
    try? fm.removeItem(atPath: scratch)
    defer {
      try? fm.removeItem(atPath: scratch)
      // A failed first import leaves no empty image directory behind.
      rmdir(paths.imageDirectory)
    }
    do {
      try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
      chmod(staging, 0o755)
      var list: LayerList?
      switch source {
      case .directory(let path): try copyDirectory(path, to: staging)
      case .dockerArchive(let file):
        try unpack(file, into: scratch)
        list = try LayerList.dockerArchive(scratch, platform: platform)
      case .ociArchive(let file, let tag):
        try unpack(file, into: scratch)
        list = try LayerList.ociLayout(scratch, tag: tag, platform: platform)
      case .ociLayout(let directory, let tag):
        list = try LayerList.ociLayout(directory, tag: tag, platform: platform)
      case .registry(let reference):
        var client = RegistryClient(reference)
        try client.pull(into: scratch, platform: platform, progress: progress)
        list = try LayerList.ociLayout(scratch, tag: nil, platform: platform)
      }
      if let list { try apply(list, to: staging) }
      let architecture = list?.architecture ?? Architecture.ofRoot(staging)
      if let platform, let architecture, architecture != platform.architecture {
        throw ImageError("the image is for \(architecture.rawValue), not the \(platform.architecture.rawValue) of platform \(platform)")
      }
      guard rename(staging, paths.rootfs) == 0 else {
        throw ImageError("cannot put the imported tree in place: \(String(cString: strerror(errno)))")
      }
      return architecture
    } catch {
      try? fm.removeItem(atPath: staging)
      throw error
    }
  }

  private func unpack(_ file: String, into scratch: String) throws {
    guard FileManager.default.isReadableFile(atPath: file) else { throw ImageError("cannot read the archive \(file)") }
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    var applier = try LayerApplier(root: scratch)
    applier.preserveOwnership = false
    applier.applyWhiteouts = false
    do {
      try applier.apply(file: file, label: (file as NSString).lastPathComponent)
    } catch let error as ImageError {
      throw ImageError("cannot unpack \(file): \(error.description)")
    }
  }

  private func apply(_ list: LayerList, to tree: String) throws {
    try list.verify()
    var applier = try LayerApplier(root: tree)
    var total: Int64 = 0
    for layer in list.layers {
      var st = stat()
      if stat(layer.file, &st) == 0 { total += Int64(st.st_size) }
    }
    progress?.start("import \(paths.name)", total: total)
    var done: Int64 = 0
    for layer in list.layers {
      let before = done
      applier.onProgress = { [progress] read in progress?.advance(to: before + read) }
      try applier.apply(file: layer.file, label: layer.digest)
      var st = stat()
      if stat(layer.file, &st) == 0 { done += Int64(st.st_size) }
      progress?.advance(to: done)
    }
    progress?.end("\(list.layers.count) layer\(list.layers.count == 1 ? "" : "s")")
  }

  /// A chroot directory, copied with everything (`cp -a`: owners, modes,
  /// links, devices, xattrs); it must hold `/bin/sh`.
  private func copyDirectory(_ path: String, to tree: String) throws {
    var st = stat()
    guard lstat(path + "/bin/sh", &st) == 0 else {
      throw ImageError("\(path) is not a root file system: it has no /bin/sh")
    }
    let copied = try Command.run("/bin/cp", ["-a", "--", path + "/.", tree + "/"])
    guard copied.status == 0 else { throw ImageError("cannot copy \(path): \(copied.output.trimmingCharacters(in: .whitespacesAndNewlines))") }
  }
}
