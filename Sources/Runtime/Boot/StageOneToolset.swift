import Foundation

/// The programs Howl's stage-one initrd carries for one CPU architecture:
/// a static busybox (required) and, where found, the dynamic tools busybox
/// lacks or runs slowly (pigz, whose inflate takes a seventh of busybox's
/// CPU time on the boot lab's large image; zstd for zstd images; sfdisk or
/// parted, mkfs.xfs and mkfs.ext4 for a disk root), each with the libraries
/// `ldd` names.
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

  static let optionalTools = ["pigz", "zstd", "sfdisk", "parted", "mkfs.xfs", "mkfs.ext4"]
  static let searchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

  /// The toolset for `arch`, or nil when no busybox for it is found.
  public static func find(arch: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> StageOneToolset? {
    let directories = [environment["HOWL_STAGE1_TOOLS"], "/usr/lib/howl/stage1"].compactMap { $0 }.map { $0 + "/" + arch }
    for directory in directories where Architecture.ofELF(directory + "/busybox")?.rawValue == arch {
      var tools: [String: String] = [:]
      for name in optionalTools where access(directory + "/bin/" + name, X_OK) == 0 { tools[name] = directory + "/bin/" + name }
      var libraries: [String: String] = [:]
      for name in (try? FileManager.default.contentsOfDirectory(atPath: directory + "/lib")) ?? [] {
        libraries["lib/" + name] = directory + "/lib/" + name
      }
      return StageOneToolset(arch: arch, busybox: directory + "/busybox", tools: tools, libraries: libraries)
    }
    guard arch == Architecture.host?.rawValue,
          let busybox = ["/bin/busybox", "/usr/bin/busybox"].first(where: { Architecture.ofELF($0)?.rawValue == arch }) else { return nil }
    var tools: [String: String] = [:]
    var libraries: [String: String] = [:]
    for name in optionalTools {
      guard let path = searchPath.map({ $0 + "/" + name }).first(where: { access($0, X_OK) == 0 }) else { continue }
      let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
      guard Architecture.ofELF(real)?.rawValue == arch, let needed = sharedLibraries(of: real) else { continue }
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
      guard let path = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first(where: { $0.hasPrefix("/") }) else { continue }
      found.append(String(path))
    }
    return found
  }
}
