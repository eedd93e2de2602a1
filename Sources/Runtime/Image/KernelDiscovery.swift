import Foundation

/// A kernel found in an image: its path inside the image and its version.
public struct ImageKernel: Equatable, Sendable {
  public var path: String
  public var version: String

  public init(path: String, version: String) {
    self.path = path
    self.version = version
  }
}

/// Finds kernels in an image tree as Warewulf does (§3.6): the globs
/// `/boot/Image-*`, `/boot/vmlinuz-linux*`, `/boot/vmlinuz-*`,
/// `/lib/modules/*/vmlinuz`, `/lib/modules/*/vmlinuz.gz`, the version
/// taken from the path; the default is the highest version that is
/// neither `+debug` nor `-rescue`.
public enum KernelDiscovery {
  static let patterns: [(glob: String, versionFromDirectory: Bool)] = [
    ("/boot/Image-*", false), ("/boot/vmlinuz-linux*", false), ("/boot/vmlinuz-*", false),
    ("/lib/modules/*/vmlinuz", true), ("/lib/modules/*/vmlinuz.gz", true),
  ]

  /// Every kernel in the image, in glob order, without duplicates.
  public static func all(rootfs: String) -> [ImageKernel] {
    var found: [ImageKernel] = []
    for (pattern, fromDirectory) in patterns {
      for full in glob(rootfs + pattern) {
        let inside = String(full.dropFirst(rootfs.count))
        guard !found.contains(where: { $0.path == inside }) else { continue }
        let version: String
        if fromDirectory {
          version = URL(fileURLWithPath: inside).deletingLastPathComponent().lastPathComponent
        } else {
          let base = URL(fileURLWithPath: inside).lastPathComponent
          let prefixes = ["Image-", "vmlinuz-"]
          version = prefixes.first(where: base.hasPrefix).map { String(base.dropFirst($0.count)) } ?? base
        }
        found.append(ImageKernel(path: inside, version: version))
      }
    }
    return found
  }

  /// The kernel nodes boot by default, if the image has one.
  public static func defaultKernel(rootfs: String) -> ImageKernel? {
    all(rootfs: rootfs)
      .filter { !$0.version.hasSuffix("+debug") && !$0.version.contains("-rescue") }
      .max { compareVersions($0.version, $1.version) }
  }

  /// Whether version `a` sorts before `b`, comparing digit runs as numbers.
  static func compareVersions(_ a: String, _ b: String) -> Bool {
    let x = chunks(a), y = chunks(b)
    for (l, r) in zip(x, y) where l != r {
      if let ln = Int(l), let rn = Int(r) { return ln < rn }
      return l < r
    }
    return x.count < y.count
  }

  private static func chunks(_ s: String) -> [String] {
    var out: [String] = []
    var current = ""
    var digits: Bool?
    for c in s {
      let isDigit = c.isASCII && c.isNumber
      if digits != nil && digits != isDigit { out.append(current); current = "" }
      digits = isDigit
      current.append(c)
    }
    if !current.isEmpty { out.append(current) }
    return out
  }

  private static func glob(_ pattern: String) -> [String] {
    var result = glob_t()
    defer { globfree(&result) }
    guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
    return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
  }
}
