import Foundation

/// The programs Howl's stage-one initrd carries for one CPU architecture:
/// a static busybox (required) and, where found, the dynamic tools busybox
/// lacks (zstd for zstd images; sfdisk or parted, mkfs.xfs and mkfs.ext4
/// for a disk root), each with the libraries `ldd` names.
///
/// The host's own architecture is found in the usual places (Debian's
/// busybox-static is `/bin/busybox`). Another architecture's programs go
/// in `<dir>/<arch>/`, `dir` being `/usr/lib/howl/stage1` or
/// `$HOWL_STAGE1_TOOLS`: `busybox` there, and `bin/` for the others
/// (copied as they are; their libraries, if any, under `lib/`).
public struct StageOneToolset: Equatable, Sendable {
  public var arch: String
  public var busybox: String
  /// Tool name → path of the program.
  public var tools: [String: String]
  /// Libraries: the path inside the initrd (as the node's loader looks it
  /// up, without the leading `/`) → the file to copy.
  public var libraries: [String: String]

  /// The architecture names Howl uses: `uname -m`'s.
  public static var hostArch: String {
    var name = utsname()
    uname(&name)
    return withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
  }

  static let optionalTools = ["zstd", "sfdisk", "parted", "mkfs.xfs", "mkfs.ext4"]
  static let searchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

  /// The toolset for `arch`, or nil when no busybox for it is found.
  public static func find(arch: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> StageOneToolset? {
    let directories = [environment["HOWL_STAGE1_TOOLS"], "/usr/lib/howl/stage1"].compactMap { $0 }.map { $0 + "/" + arch }
    for directory in directories where ELFMachine.of(directory + "/busybox") == arch {
      var tools: [String: String] = [:]
      for name in optionalTools where access(directory + "/bin/" + name, X_OK) == 0 { tools[name] = directory + "/bin/" + name }
      var libraries: [String: String] = [:]
      for name in (try? FileManager.default.contentsOfDirectory(atPath: directory + "/lib")) ?? [] {
        libraries["lib/" + name] = directory + "/lib/" + name
      }
      return StageOneToolset(arch: arch, busybox: directory + "/busybox", tools: tools, libraries: libraries)
    }
    guard arch == hostArch, let busybox = ["/bin/busybox", "/usr/bin/busybox"].first(where: { ELFMachine.of($0) == arch }) else { return nil }
    var tools: [String: String] = [:]
    var libraries: [String: String] = [:]
    for name in optionalTools {
      guard let path = searchPath.map({ $0 + "/" + name }).first(where: { access($0, X_OK) == 0 }) else { continue }
      let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
      guard ELFMachine.of(real) == arch, let needed = sharedLibraries(of: real) else { continue }
      tools[name] = real
      for library in needed { libraries[String(library.dropFirst())] = library }
    }
    return StageOneToolset(arch: arch, busybox: busybox, tools: tools, libraries: libraries)
  }

  /// The libraries `ldd` resolves for `program` (none for a static one);
  /// nil if one is missing.
  static func sharedLibraries(of program: String) -> [String]? {
    guard let (status, output) = try? Command.run("/usr/bin/ldd", [program]) else { return nil }
    if status != 0 { return output.contains("not a dynamic executable") ? [] : nil }
    var found: [String] = []
    for line in output.split(separator: "\n") {
      if line.contains("not found") { return nil }
      guard let path = line.split(separator: " ").first(where: { $0.hasPrefix("/") }) else { continue }
      found.append(String(path))
    }
    return found
  }
}

/// The CPU architecture an ELF file is built for, by its `e_machine`.
enum ELFMachine {
  static func of(_ path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let header = [UInt8](handle.readData(ofLength: 20))
    guard header.count == 20, header[0] == 0x7f, header[1] == 0x45, header[2] == 0x4c, header[3] == 0x46 else { return nil }
    let machine = header[5] == 2 ? UInt16(header[18]) << 8 | UInt16(header[19]) : UInt16(header[19]) << 8 | UInt16(header[18])
    switch machine {
    case 0x3e: return "x86_64"
    case 0xb7: return "aarch64"
    case 0xf3: return "riscv64"
    case 0x15: return "ppc64le"
    default: return nil
    }
  }
}
