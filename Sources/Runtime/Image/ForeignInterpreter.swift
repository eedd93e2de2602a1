import Foundation

/// How this host runs the programs of an image of another architecture:
/// Linux's binfmt_misc hands them to the interpreter registered for their
/// ELF header, Debian's `qemu-user-static`, which `binfmt-support`
/// registers as `qemu-aarch64` (and so on) with the F flag, so that the
/// kernel holds the interpreter open and nothing needs copying into the
/// image. `check` throws, naming the commands that fix it, when such a
/// program could not start (`Exec format error`).
public struct ForeignInterpreter {
  /// Where the binfmt_misc file system is mounted on Debian.
  public static let defaultDirectory = "/proc/sys/fs/binfmt_misc"

  public let architecture: Architecture
  /// The binfmt_misc mount point to read the registrations from.
  public let directory: String

  public init(architecture: Architecture, directory: String = ForeignInterpreter.defaultDirectory) {
    self.architecture = architecture
    self.directory = directory
  }

  /// The registration's name, as binfmt-support and qemu-user-static give it.
  public var name: String { "qemu-" + architecture.rawValue }

  private var install: String {
    "install Debian's qemu-user-static and binfmt-support (apt-get install qemu-user-static binfmt-support)"
  }

  private var enable: String { "update-binfmts --enable \(name)" }

  /// Throws unless programs of this architecture can start under `rootfs`
  /// (the image `imageName`, whose commands would run there).
  public func check(rootfs: String, imageName: String, host: Architecture) throws {
    let intro = "image '\(imageName)' is \(architecture.rawValue) and this host \(host.rawValue): "
      + "its programs run under qemu-user-static through binfmt_misc, but "
    guard let status = Self.lines(directory + "/status") else {
      throw ImageError(intro + "binfmt_misc is not mounted at \(directory); mount it "
        + "(mount -t binfmt_misc binfmt_misc \(directory)) and register \(name) (\(enable); if that is unknown, \(install) first)")
    }
    guard status.first == "enabled" else {
      throw ImageError(intro + "binfmt_misc is disabled (\(directory)/status); enable it: echo 1 > \(directory)/status")
    }
    let file = directory + "/" + name
    guard let registration = Self.lines(file) else {
      throw ImageError(intro + "no interpreter is registered for \(architecture.rawValue) (no \(file)); \(install) and register it (\(enable))")
    }
    guard registration.first == "enabled" else {
      throw ImageError(intro + "its registration \(file) is disabled; enable it: \(enable)")
    }
    let flags = registration.first { $0.hasPrefix("flags:") }?.dropFirst("flags:".count) ?? ""
    let interpreter = registration.first { $0.hasPrefix("interpreter ") }.map { String($0.dropFirst("interpreter ".count)) } ?? "?"
    if !flags.contains("F"), Architecture.resolve(interpreter, in: rootfs) == nil {
      throw ImageError(intro + "\(file) is registered without the F flag, so the kernel looks for its interpreter "
        + "\(interpreter) inside the image, which has none; register Debian's, which has the flag "
        + "(echo -1 > \(file), then \(enable); if that is unknown, \(install) first)")
    }
  }

  /// The lines of a binfmt_misc file, nil when it cannot be read.
  private static func lines(_ path: String) -> [String]? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
  }
}
