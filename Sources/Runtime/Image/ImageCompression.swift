/// How a built image is compressed beside its `.img`: gzip (Warewulf's
/// `.img.gz`, the default) or zstd (`.img.zst`, several times faster to
/// build; the Linux kernel unpacks either as an initramfs).
public enum ImageCompression: String, CaseIterable, Codable, Sendable {
  case gzip
  case zstd

  /// The names `image.build(compression:)` and howl.conf accept, for errors.
  public static let accepted = allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")

  /// What the compressed file's name adds to `<name>.img`.
  public var fileSuffix: String {
    switch self {
    case .gzip: return ".gz"
    case .zstd: return ".zst"
    }
  }

  /// The provisioning URL's `compress=` value (Warewulf's `gz`).
  public var urlValue: String {
    switch self {
    case .gzip: return "gz"
    case .zstd: return "zstd"
    }
  }

  /// The compression a URL's `compress=` value asks for; nil for any other value.
  public init?(urlValue: String) {
    guard let match = Self.allCases.first(where: { $0.urlValue == urlValue }) else { return nil }
    self = match
  }

  public var levels: ClosedRange<Int> {
    switch self {
    case .gzip: return 1...9
    case .zstd: return 1...19
    }
  }

  /// gzip 6 (gzip's and pigz's own default), zstd 3 (zstd's).
  public var defaultLevel: Int {
    switch self {
    case .gzip: return 6
    case .zstd: return 3
    }
  }

  /// A compressor for this format writing to the open descriptor `output`.
  func writer(output: Int32, level: Int) throws -> any CompressingWriter {
    switch self {
    case .gzip: return try ParallelGzipWriter(output: output, level: Int32(level))
    case .zstd: return try ZstdWriter(output: output, level: Int32(level))
    }
  }
}
