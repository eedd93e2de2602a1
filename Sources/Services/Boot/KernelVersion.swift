#if canImport(Glibc)
import Glibc
#endif

/// Kernel discovery in an image tree (Warewulf §3.6): the globs in order,
/// the version parsed from the path, debug and rescue kernels left out.
enum KernelVersion {
  static let patterns = ["/boot/Image-*", "/boot/vmlinuz-linux*", "/boot/vmlinuz-*", "/lib/modules/*/vmlinuz", "/lib/modules/*/vmlinuz.gz"]

  static func find(in rootfs: String) -> [(path: String, version: String)] {
    var found: [(String, String)] = []
    for pattern in patterns {
      var matches = glob_t()
      defer { globfree(&matches) }
      guard glob(rootfs + pattern, 0, nil, &matches) == 0 else { continue }
      for index in 0..<Int(matches.gl_pathc) {
        guard let cPath = matches.gl_pathv[index] else { continue }
        let path = String(cString: cPath)
        let version = version(of: String(path.dropFirst(rootfs.count)))
        if version.hasSuffix("+debug") || version.contains("-rescue") { continue }
        found.append((path, version))
      }
    }
    return found
  }

  /// `/boot/vmlinuz-6.1.0-1-amd64` → `6.1.0-1-amd64`; `/lib/modules/6.1/vmlinuz` → `6.1`.
  static func version(of path: String) -> String {
    let parts = path.split(separator: "/")
    if path.hasPrefix("/lib/modules/"), parts.count >= 3 { return String(parts[2]) }
    let name = parts.last.map(String.init) ?? path
    for prefix in ["vmlinuz-linux", "vmlinuz-", "Image-"] where name.hasPrefix(prefix) {
      return String(name.dropFirst(prefix.count))
    }
    return name
  }

  /// Orders versions by their numeric parts, then text.
  static func compare(_ a: String, _ b: String) -> Bool {
    let split = { (text: String) in text.split { !$0.isNumber }.compactMap { Int($0) } }
    let (x, y) = (split(a), split(b))
    return x == y ? a < b : x.lexicographicallyPrecedes(y)
  }
}
