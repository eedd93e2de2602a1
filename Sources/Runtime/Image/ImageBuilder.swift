import Foundation

/// Builds an image's tree into `<name>.img` (cpio newc, through libarchive)
/// and `<name>.img.gz` (or `.img.zst`) in one pass: the archive bytes go to
/// the `.img` and to a compressor on every core at once. Both are written to
/// temporary files and renamed into place only when complete, so a failed
/// build (a full disk, an unreadable file) leaves the previous files intact;
/// the compressed file of the other format is then removed, so a stale one
/// is never served. An unchanged tree (same fingerprint and compression,
/// files intact) is not rebuilt.
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
  public var compression: ImageCompression = .gzip
  /// The compression level; nil for the format's default.
  public var level: Int?
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
    if !force, let previous = BuildRecord.read(paths.buildRecord), previous.fingerprint == digest,
       previous.compression == compression, previous.filesIntact(paths) {
      return Result(record: previous, skipped: true, seconds: Date().timeIntervalSince(start))
    }
    try FileManager.default.createDirectory(atPath: paths.provisionDirectory, withIntermediateDirectories: true)
    let suffix = ".tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
    let imageTemporary = paths.image + suffix
    let compressedFile = paths.compressedImage(compression)
    let compressedTemporary = compressedFile + suffix
    defer {
      unlink(imageTemporary)
      unlink(compressedTemporary)
    }
    let (size, compressedSize) = try write(entries, total: total, image: imageTemporary, compressed: compressedTemporary)
    guard rename(compressedTemporary, compressedFile) == 0, rename(imageTemporary, paths.image) == 0 else {
      throw ImageError("cannot put the built image in place: \(String(cString: strerror(errno)))")
    }
    for other in ImageCompression.allCases where other != compression { unlink(paths.compressedImage(other)) }
    let kernel = KernelDiscovery.defaultKernel(rootfs: paths.rootfs)
    let record = BuildRecord(fingerprint: digest, compression: compression, size: size, compressedSize: compressedSize,
                             kernelPath: kernel?.path, kernelVersion: kernel?.version,
                             builtAt: Int(Date().timeIntervalSince1970), entries: entries.count,
                             arch: Architecture.ofRoot(paths.rootfs)?.rawValue)
    try record.write(paths.buildRecord)
    return Result(record: record, skipped: false, seconds: Date().timeIntervalSince(start))
  }

  private func write(_ entries: [TreeEntry], total: Int64, image: String, compressed: String) throws -> (Int, Int) {
    let imageFD = open(image, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard imageFD >= 0 else { throw ImageError("cannot create \(image): \(String(cString: strerror(errno)))") }
    defer { close(imageFD) }
    let compressedFD = open(compressed, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard compressedFD >= 0 else { throw ImageError("cannot create \(compressed): \(String(cString: strerror(errno)))") }
    defer { close(compressedFD) }
    let compressor = try compression.writer(output: compressedFD, level: level ?? compression.defaultLevel)
    var size = 0
    let progress = self.progress
    progress?.start("build \(paths.name)", total: total)
    let writer = try CpioWriter(label: image) { bytes in
      try FileDescriptorWriter.writeAll(imageFD, bytes)
      try compressor.write(bytes)
      size += bytes.count
      progress?.advance(to: Int64(size))
    }
    do {
      for entry in entries {
        try writer.addFromDisk(entry.path, source: paths.rootfs + "/" + entry.path, status: entry.status)
      }
      try writer.finish()
      try compressor.finish()
    } catch let error as ArchiveError {
      progress?.end("failed")
      throw ImageError("cannot build image '\(paths.name)': \(error.description)")
    }
    progress?.end("\(entries.count) entries, \(Progress.bytes(Int64(size))) → \(Progress.bytes(Int64(compressor.compressedBytes))) \(compression.rawValue)")
    return (size, compressor.compressedBytes)
  }
}
