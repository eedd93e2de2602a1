import Foundation

/// Builds an image's tree into `<name>.img` (cpio newc, through libarchive)
/// and `<name>.img.gz` in one pass: the archive bytes go to the `.img` and
/// to a parallel gzip compressor at once. Both are written to temporary
/// files and renamed into place only when complete, so a failed build (a
/// full disk, an unreadable file) leaves the previous files intact. An
/// unchanged tree (same fingerprint, files intact) is not rebuilt.
public struct ImageBuilder {
  /// What a build did: the record of the files now in place, whether it
  /// was skipped, and how long it took.
  public struct Result: Sendable {
    public var record: BuildRecord
    /// True if the build was skipped because nothing changed.
    public var skipped: Bool
    public var seconds: Double
  }

  public let paths: ImagePaths
  /// Patterns from the registry (`image.exclude`), added to the image's own.
  public var excludes: [String]
  public var level: Int32 = 6
  public var force = false
  public var progress: Progress?

  public init(paths: ImagePaths, excludes: [String]) {
    self.paths = paths
    self.excludes = excludes
  }

  public func build() throws -> Result {
    let start = Date()
    let patterns = ExcludePatterns(excludes + ExcludePatterns.fromImage(rootfs: paths.rootfs))
    let walker = TreeWalker(root: paths.rootfs, excludes: patterns)
    var entries: [TreeEntry] = []
    var fingerprint = TreeFingerprint(excludes: patterns)
    var total: Int64 = 0
    try walker.walk { entry in
      entries.append(entry)
      fingerprint.add(entry)
      if (entry.status.st_mode & S_IFMT) == S_IFREG { total += Int64(entry.status.st_size) }
    }
    let digest = fingerprint.hexDigest()
    if !force, let previous = BuildRecord.read(paths.buildRecord), previous.fingerprint == digest, previous.filesIntact(paths) {
      return Result(record: previous, skipped: true, seconds: Date().timeIntervalSince(start))
    }
    try FileManager.default.createDirectory(atPath: paths.provisionDirectory, withIntermediateDirectories: true)
    let suffix = ".tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
    let imageTemporary = paths.image + suffix
    let compressedTemporary = paths.compressedImage + suffix
    defer {
      unlink(imageTemporary)
      unlink(compressedTemporary)
    }
    let (size, compressedSize) = try write(entries, total: total, image: imageTemporary, compressed: compressedTemporary)
    guard rename(compressedTemporary, paths.compressedImage) == 0, rename(imageTemporary, paths.image) == 0 else {
      throw ImageError("cannot put the built image in place: \(String(cString: strerror(errno)))")
    }
    let kernel = KernelDiscovery.defaultKernel(rootfs: paths.rootfs)
    let record = BuildRecord(fingerprint: digest, size: size, compressedSize: compressedSize, kernelPath: kernel?.path,
                             kernelVersion: kernel?.version, builtAt: Int(Date().timeIntervalSince1970), entries: entries.count)
    try record.write(paths.buildRecord)
    return Result(record: record, skipped: false, seconds: Date().timeIntervalSince(start))
  }

  private func write(_ entries: [TreeEntry], total: Int64, image: String, compressed: String) throws -> (Int, Int) {
    let imageFD = open(image, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard imageFD >= 0 else { throw ImageError("cannot create \(image): \(String(cString: strerror(errno)))") }
    defer { close(imageFD) }
    let gzipFD = open(compressed, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard gzipFD >= 0 else { throw ImageError("cannot create \(compressed): \(String(cString: strerror(errno)))") }
    defer { close(gzipFD) }
    let gzip = try ParallelGzipWriter(output: gzipFD, level: level)
    var size = 0
    let progress = self.progress
    progress?.start("build \(paths.name)", total: total)
    let writer = try CpioWriter(label: image) { bytes in
      try FileDescriptorWriter.writeAll(imageFD, bytes)
      try gzip.write(bytes)
      size += bytes.count
      progress?.advance(to: Int64(size))
    }
    do {
      for entry in entries {
        try writer.addFromDisk(entry.path, source: paths.rootfs + "/" + entry.path, status: entry.status)
      }
      try writer.finish()
      try gzip.finish()
    } catch let error as ArchiveError {
      progress?.end("failed")
      throw ImageError("cannot build image '\(paths.name)': \(error.description)")
    }
    progress?.end("\(entries.count) entries, \(Progress.bytes(Int64(size))) → \(Progress.bytes(Int64(gzip.compressedBytes)))")
    return (size, gzip.compressedBytes)
  }
}
