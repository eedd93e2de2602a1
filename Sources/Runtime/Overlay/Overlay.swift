import Foundation

/// One overlay as found on disk: its name, the directory whose tree lands on
/// the node (`<overlay>/rootfs`, or the overlay directory itself when it has
/// no `rootfs`), and whether it is the site's copy or the stock one.
public struct Overlay: Equatable, Sendable {
  public let name: String
  /// The directory whose contents are copied onto the node.
  public let rootfs: String
  /// True for a site overlay (`$HOWL_ROOT/var/lib/howl/overlays`), false for a stock one.
  public let isSite: Bool
  /// The overlay's own directory (holding `rootfs/` and, for stock overlays, `modes`).
  let directory: String

  /// The overlay at `directory`, taking `rootfs/` inside it when present.
  init(name: String, directory: String, isSite: Bool) {
    self.name = name
    var isDirectory: ObjCBool = false
    let inner = directory + "/rootfs"
    let hasRootfs = FileManager.default.fileExists(atPath: inner, isDirectory: &isDirectory) && isDirectory.boolValue
    self.rootfs = hasRootfs ? inner : directory
    self.isSite = isSite
    self.directory = directory
  }

  /// Every entry of the tree, parents before children, in lexical order;
  /// a stock overlay's files take the modes its `modes` file lists.
  public func entries() throws -> [OverlayEntry] {
    let entries = try OverlayEntry.walk(rootfs)
    guard !isSite, rootfs != directory else { return entries }
    let modes = try OverlayModes.load(directory)
    if modes.isEmpty { return entries }
    return entries.map { entry in modes[entry.path].map { entry.withMode($0) } ?? entry }
  }

  /// The overlay-relative paths of its files and links (directories left out), sorted.
  public func files() throws -> [String] {
    try entries().filter { $0.kind != .directory }.map(\.path)
  }
}
