import Foundation

/// The modes of a stock overlay's files, from a `modes` file beside its
/// `rootfs` (`0600 etc/ssh/ssh_host_rsa_key.ww` per line): git keeps only
/// 0644 and 0755, so files that must be private say so here. Site overlays
/// use the modes their files have on disk, as Warewulf's do.
enum OverlayModes {
  static let fileName = "modes"

  /// Path → mode; empty when the overlay has no `modes` file.
  static func load(_ directory: String) throws -> [String: UInt32] {
    guard let data = FileManager.default.contents(atPath: directory + "/" + fileName) else { return [:] }
    var modes: [String: UInt32] = [:]
    for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
      let text = line.trimmingCharacters(in: .whitespaces)
      if text.isEmpty || text.hasPrefix("#") { continue }
      let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
      guard parts.count == 2, let mode = UInt32(parts[0], radix: 8), mode <= 0o7777,
            let path = try? OverlayPath.normalize(parts[1]) else {
        throw OverlayError("\(directory)/\(fileName):\(number + 1): expected 'MODE PATH', such as '0600 etc/ssh/key.ww'")
      }
      modes[path] = mode
    }
    return modes
  }

  /// Gives the files of a copied overlay tree the modes listed for them.
  static func apply(_ modes: [String: UInt32], under rootfs: String) {
    for (path, mode) in modes { chmod(rootfs + "/" + path, mode_t(mode)) }
  }
}
