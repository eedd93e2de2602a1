import Foundation

/// A CPU architecture by its Linux name (`uname -m`: `x86_64`, `aarch64`),
/// the name `image.arch`, the `images` table and the template data use;
/// `oci` is the name image indexes use (`amd64`, `arm64`).
public enum Architecture: String, CaseIterable, Sendable {
  case x86_64, aarch64, ppc64le, s390x, riscv64

  public var oci: String {
    switch self {
    case .x86_64: return "amd64"
    case .aarch64: return "arm64"
    default: return rawValue
    }
  }

  /// From either name: `aarch64` or `arm64`, `x86_64` or `amd64`.
  public init?(name: String) {
    if let arch = Architecture(rawValue: name) ?? Architecture.allCases.first(where: { $0.oci == name }) {
      self = arch
    } else {
      return nil
    }
  }

  /// This machine's.
  public static var host: Architecture? {
    var u = utsname()
    uname(&u)
    let machine = withUnsafeBytes(of: u.machine) { raw in
      raw.bindMemory(to: CChar.self).baseAddress.map { String(cString: $0) } ?? ""
    }
    return Architecture(name: machine)
  }

  /// The architecture an ELF file is built for, from its header
  /// (`e_machine`, with the byte order of `EI_DATA`); nil for anything else.
  public static func ofELF(_ path: String) -> Architecture? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let header = [UInt8](handle.readData(ofLength: 20))
    guard header.count == 20, header.starts(with: [0x7f, 0x45, 0x4c, 0x46]) else { return nil }
    let littleEndian = header[5] == 1
    let machine = littleEndian ? UInt16(header[18]) | UInt16(header[19]) << 8 : UInt16(header[18]) << 8 | UInt16(header[19])
    switch machine {
    case 62: return .x86_64
    case 183: return .aarch64
    case 21 where littleEndian: return .ppc64le
    case 22: return .s390x
    case 243: return .riscv64
    default: return nil
    }
  }

  /// The architecture of a root file system: that of its `/bin/sh`, else
  /// its `/usr/bin/env`, links followed inside the root (an absolute link
  /// points into the root, not the host).
  public static func ofRoot(_ rootfs: String) -> Architecture? {
    for program in ["/bin/sh", "/usr/bin/env"] {
      if let file = resolve(program, in: rootfs), let arch = ofELF(file) { return arch }
    }
    return nil
  }

  /// `path` inside `root` with every symbolic link resolved within it.
  static func resolve(_ path: String, in root: String) -> String? {
    var pending = path.split(separator: "/").map(String.init)
    var resolved: [String] = []
    var links = 0
    while !pending.isEmpty {
      let part = pending.removeFirst()
      if part == "." || part.isEmpty { continue }
      if part == ".." { _ = resolved.popLast(); continue }
      let candidate = root + "/" + (resolved + [part]).joined(separator: "/")
      if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) {
        links += 1
        guard links < 40 else { return nil }
        if target.hasPrefix("/") { resolved = [] }
        pending = target.split(separator: "/").map(String.init) + pending
      } else {
        resolved.append(part)
      }
    }
    let file = root + "/" + resolved.joined(separator: "/")
    return FileManager.default.fileExists(atPath: file) ? file : nil
  }
}

/// An OCI platform as `images.import(…, platform:)` takes it:
/// `linux/arm64`, `linux/arm64/v8`, or the architecture alone (`arm64`,
/// `aarch64`). Howl boots Linux nodes, so the system must be `linux`.
public struct Platform: Equatable, Sendable, CustomStringConvertible {
  public var architecture: Architecture
  public var variant: String?

  public init(architecture: Architecture, variant: String? = nil) {
    self.architecture = architecture
    self.variant = variant
  }

  public init(_ text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let accepted = Architecture.allCases.map { "linux/\($0.oci)" }.joined(separator: ", ")
    let usage = "platform: takes linux/ARCH (\(accepted)), not \"\(text)\""
    var fields = parts
    if parts.count >= 2 {
      guard parts[0] == "linux" else { throw ImageError(usage + ": Howl boots Linux nodes only") }
      fields.removeFirst()
    }
    guard (1...2).contains(fields.count), let arch = Architecture(name: fields[0]) else { throw ImageError(usage) }
    if fields.count == 2 {
      guard !fields[1].isEmpty, fields[1].allSatisfy({ $0.isLetter || $0.isNumber }) else { throw ImageError(usage) }
    }
    architecture = arch
    variant = fields.count == 2 ? fields[1] : nil
  }

  /// This machine's platform.
  public static var host: Platform { Platform(architecture: Architecture.host ?? .x86_64) }

  public var description: String { "linux/\(architecture.oci)" + (variant.map { "/" + $0 } ?? "") }

  /// Whether an index entry's `platform` object is this one (a variant
  /// asked for must match; none asked for takes any).
  func matches(_ platform: [String: Any]?) -> Bool {
    guard (platform?["os"] as? String ?? "linux") == "linux",
          let name = platform?["architecture"] as? String, Architecture(name: name) == architecture else { return false }
    return variant == nil || platform?["variant"] as? String == variant
  }

  /// How an index entry's platform prints in an error (`linux/arm64/v8`).
  static func describe(_ platform: [String: Any]?) -> String {
    let os = platform?["os"] as? String ?? "?"
    let arch = platform?["architecture"] as? String ?? "?"
    return "\(os)/\(arch)" + ((platform?["variant"] as? String).map { "/" + $0 } ?? "")
  }
}
