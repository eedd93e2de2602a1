import Foundation

/// The overlays a cluster can use: site overlays under
/// `$HOWL_ROOT/var/lib/howl/overlays/<name>`, shadowing stock overlays of the
/// same name entirely (Warewulf's rule: no per-file merge).
///
/// Changes are immediate file operations, not part of the nodes.conf
/// transaction: `commit`/`rollback` do not touch them.
public struct OverlayStore: Sendable {
  /// Where site overlays live.
  public let siteDirectory: String
  /// Where stock overlays live, if anywhere.
  public let stockDirectory: String?

  public init(siteDirectory: String, stockDirectory: String? = OverlaySettings.stockDirectory) {
    self.siteDirectory = siteDirectory
    self.stockDirectory = stockDirectory
  }

  /// The overlays of the store rooted at `stateDirectory` (`$HOWL_ROOT/var/lib/howl`).
  public init(stateDirectory: String, stockDirectory: String? = OverlaySettings.stockDirectory) {
    self.init(siteDirectory: stateDirectory + "/overlays", stockDirectory: stockDirectory)
  }

  /// The overlay called `name`: the site one if it exists, else the stock one, else nil.
  public func overlay(_ name: String) -> Overlay? {
    guard OverlayPath.isValidName(name) else { return nil }
    if isDirectory(siteDirectory + "/" + name) {
      return Overlay(name: name, directory: siteDirectory + "/" + name, isSite: true)
    }
    if let stockDirectory, isDirectory(stockDirectory + "/" + name) {
      return Overlay(name: name, directory: stockDirectory + "/" + name, isSite: false)
    }
    return nil
  }

  /// Names of all overlays, site and stock, sorted.
  public func names() -> [String] {
    var names = Set(subdirectories(siteDirectory))
    if let stockDirectory { names.formUnion(subdirectories(stockDirectory)) }
    return names.filter(OverlayPath.isValidName).sorted()
  }

  /// Creates an empty site overlay (with a `rootfs`); fails if one of that name exists.
  @discardableResult
  public func create(_ name: String) throws -> Overlay {
    guard OverlayPath.isValidName(name) else {
      throw OverlayError("invalid overlay name \(OverlayPath.quoted(name)): use letters, digits and - _ . :")
    }
    if overlay(name) != nil { throw OverlayError("overlay '\(name)' already exists") }
    try makeDirectory(siteDirectory + "/" + name + "/rootfs")
    return Overlay(name: name, directory: siteDirectory + "/" + name, isSite: true)
  }

  /// Writes `contents` to `path` in the site overlay `name` (cloning a stock
  /// overlay to the site first), creating parent directories (mode 0755).
  /// An existing file keeps its mode; a new one gets `mode`.
  public func write(_ name: String, path: String, contents: [UInt8], mode: UInt32 = 0o644) throws {
    let relative = try OverlayPath.normalize(path)
    let site = try siteOverlay(name)
    let full = site.rootfs + "/" + relative
    if isDirectory(full) { throw OverlayError("\(relative) is a directory in overlay '\(name)'") }
    try makeDirectory((full as NSString).deletingLastPathComponent)
    let existed = FileManager.default.fileExists(atPath: full)
    guard FileManager.default.createFile(atPath: full, contents: Data(contents)) else {
      throw OverlayError("cannot write \(relative) in overlay '\(name)'")
    }
    if !existed { chmod(full, mode_t(mode)) }
  }

  /// The contents of `path` in overlay `name`.
  public func read(_ name: String, path: String) throws -> [UInt8] {
    let relative = try OverlayPath.normalize(path)
    guard let overlay = overlay(name) else { throw OverlayError("no overlay named '\(name)'") }
    guard let data = FileManager.default.contents(atPath: overlay.rootfs + "/" + relative) else {
      throw OverlayError("overlay '\(name)' has no file \(relative)")
    }
    return [UInt8](data)
  }

  /// The absolute path of `path` inside overlay `name` (which need not exist yet).
  public func location(_ name: String, path: String) throws -> String {
    let relative = try OverlayPath.normalize(path)
    guard let overlay = overlay(name) else { throw OverlayError("no overlay named '\(name)'") }
    return overlay.rootfs + "/" + relative
  }

  /// The site copy of overlay `name`, cloning the stock one first if needed (as Warewulf does).
  public func siteOverlay(_ name: String) throws -> Overlay {
    guard let overlay = overlay(name) else { throw OverlayError("no overlay named '\(name)'") }
    if overlay.isSite { return overlay }
    let target = siteDirectory + "/" + name
    try makeDirectory(siteDirectory)
    do {
      try FileManager.default.copyItem(atPath: stockDirectory! + "/" + name, toPath: target)
    } catch {
      throw OverlayError("cannot copy stock overlay '\(name)' to the site: \(error.localizedDescription)")
    }
    // The copy's files get their real modes; the list is the stock overlay's alone.
    let copy = Overlay(name: name, directory: target, isSite: true)
    OverlayModes.apply(try OverlayModes.load(target), under: copy.rootfs)
    try? FileManager.default.removeItem(atPath: target + "/" + OverlayModes.fileName)
    return copy
  }

  private func isDirectory(_ path: String) -> Bool {
    var flag: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
  }

  private func subdirectories(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { isDirectory(path + "/" + $0) }
  }

  private func makeDirectory(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw OverlayError("cannot create \(path): \(error.localizedDescription)")
    }
  }
}
