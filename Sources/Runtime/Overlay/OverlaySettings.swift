/// Process-wide overlay settings the executable fills in before running scripts.
public enum OverlaySettings {
  /// The directory holding the stock overlays (`stdlib/overlays`), or nil when
  /// none was found; the `howl` executable sets it from its stdlib paths.
  nonisolated(unsafe) public static var stockDirectory: String?
}
