/// Where one image lives under HOWL_ROOT: its tree, as Warewulf lays it
/// out (`images/<name>/rootfs`), and its built files, kept as Warewulf
/// keeps them (`provision/images/<name>.img` and `.img.gz`, or `.img.zst`
/// for a zstd image).
public struct ImagePaths: Sendable {
  public let name: String
  /// `$HOWL_ROOT/var/lib/howl`.
  public let stateDirectory: String

  public init(name: String, stateDirectory: String) {
    self.name = name
    self.stateDirectory = stateDirectory
  }

  public var imageDirectory: String { stateDirectory + "/images/" + name }
  public var rootfs: String { imageDirectory + "/rootfs" }
  /// Present while a freshly imported tree is not yet in a committed registry entry.
  public var uncommittedMarker: String { imageDirectory + "/uncommitted" }
  public var provisionDirectory: String { stateDirectory + "/provision/images" }
  public var image: String { provisionDirectory + "/" + name + ".img" }
  /// `<name>.img.gz` or `<name>.img.zst`.
  public func compressedImage(_ compression: ImageCompression) -> String { image + compression.fileSuffix }
  /// What the last build recorded (JSON): fingerprint, sizes, kernel, time.
  public var buildRecord: String { image + ".json" }
}
