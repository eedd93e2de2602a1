import Runtime

/// Howl's on-disk layout under `$HOWL_ROOT` for boot artefacts.
public struct BootPaths: Sendable {
  public var root: String
  public init(root: String) { self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root }
  /// The root as a prefix: empty for `/`.
  public var base: String { root == "/" ? "" : root }
  public var stateDirectory: String { base + "/var/lib/howl" }
  public var images: String { stateDirectory + "/images" }
  public var provision: String { stateDirectory + "/provision" }
  public var tftpRoot: String { stateDirectory + "/tftp" }
  /// Where `howl serve` records each node's boot progress for `howl status`.
  public var statusFile: String { BootStatusFile.path(stateDirectory: stateDirectory) }
  public var ipxeTemplates: String { base + "/etc/howl/ipxe" }
}
