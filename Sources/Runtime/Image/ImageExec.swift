import Foundation

/// Runs a command inside an image: `/proc`, `/sys` and `/dev` of the host
/// are bind-mounted into the tree, the command runs under `chroot` with
/// `/bin/sh -c`, and the mounts are always taken down afterwards (lazily,
/// so a process left holding one cannot keep it), whether the command
/// succeeded, failed or could not start. On a terminal the command runs as
/// its foreground job (see `ForegroundJob`). An image of another
/// architecture than the host's runs under qemu-user-static, whose
/// registration is checked first (see `ForeignInterpreter`).
public struct ImageExec {
  public let rootfs: String
  public let imageName: String
  /// Where the kernel's binfmt_misc registrations are read.
  public let binfmtDirectory: String

  public init(rootfs: String, imageName: String, binfmtDirectory: String = ForeignInterpreter.defaultDirectory) {
    self.rootfs = rootfs
    self.imageName = imageName
    self.binfmtDirectory = binfmtDirectory
  }

  static let binds = ["/proc", "/sys", "/dev"]

  /// Runs `command`; its output goes to ours. Throws if it exits non-zero.
  public func run(_ command: String) throws {
    try run(["/bin/sh", "-c", command], description: command)
  }

  /// An interactive shell in the image (the REPL's `image.shell()`).
  public func shell() throws {
    try run(["/bin/sh", "-i"], description: "the shell")
  }

  private func run(_ arguments: [String], description: String) throws {
    var st = stat()
    guard lstat(rootfs + "/bin/sh", &st) == 0 else { throw ImageError("image '\(imageName)' has no /bin/sh to run commands with") }
    if let arch = Architecture.ofRoot(rootfs), let host = Architecture.host, arch != host {
      try ForeignInterpreter(architecture: arch, directory: binfmtDirectory).check(rootfs: rootfs, imageName: imageName, host: host)
    }
    var mounted: [String] = []
    defer { for target in mounted.reversed() { umount2(target, Int32(MNT_DETACH)) } }
    for source in Self.binds {
      let target = rootfs + source
      var targetStatus = stat()
      if lstat(target, &targetStatus) != 0 {
        mkdir(target, 0o755)
      } else if (targetStatus.st_mode & S_IFMT) != S_IFDIR {
        throw ImageError("cannot mount \(source) in image '\(imageName)': \(source) there is not a directory")
      }
      guard mount(source, target, nil, UInt(MS_BIND | MS_REC), nil) == 0 else {
        throw ImageError("cannot mount \(source) in image '\(imageName)': \(String(cString: strerror(errno)))")
      }
      mounted.append(target)
      // Keep unmounts inside the image from reaching the host's mounts.
      mount(nil, target, nil, UInt(MS_REC | MS_SLAVE), nil)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/chroot")
    process.arguments = [rootfs] + arguments
    var environment = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
                       "PS1": "[howl:\(imageName)] \\w# ", "HISTFILE": "/dev/null", "WW_IMAGE_SHELL": imageName]
    if let term = ProcessInfo.processInfo.environment["TERM"] { environment["TERM"] = term }
    process.environment = environment
    do {
      try process.run()
    } catch {
      throw ImageError("cannot run \(description) in image '\(imageName)': \(error.localizedDescription)")
    }
    ForegroundJob.wait(for: process)
    guard process.terminationStatus == 0 else {
      throw ImageError("\(description) failed in image '\(imageName)' with exit status \(process.terminationStatus)")
    }
  }

  /// Whether anything is still mounted under the tree (for tests and checks).
  public func hasMounts() -> Bool {
    guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
    return text.split(separator: "\n").contains { line in
      let fields = line.split(separator: " ")
      return fields.count > 4 && (fields[4] == rootfs || fields[4].hasPrefix(rootfs + "/"))
    }
  }
}
