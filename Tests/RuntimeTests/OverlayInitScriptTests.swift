import Foundation
import Testing

/// The stock `/init` (overlay wwinit): syntax under dash and busybox, and its
/// root assembly run for real against a fake root — a temp directory, fake
/// disks as plain files, and stub `mount`, `sfdisk`, `parted`, `mkfs.*`,
/// `switch_root` on PATH that log their arguments. The fake runs use dash
/// only: busybox's sh runs its own `mount` applet before anything on PATH,
/// which would mount real file systems.
struct OverlayInitScriptTests {
  static let wwinit = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../stdlib/overlays/wwinit/rootfs").standardized.path
  static let shells = ["/bin/sh", "/usr/bin/busybox"].filter { FileManager.default.isExecutableFile(atPath: $0) }
  /// Shells whose commands all come from PATH, safe to run the fake boots with.
  static let stubbableShells = ["/bin/dash"].filter { FileManager.default.isExecutableFile(atPath: $0) }

  @discardableResult
  static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment.isEmpty ? nil : environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }

  @Test(arguments: ["init", "warewulf/run-init", "warewulf/init.d/20-loopback", "warewulf/wwinit.d/50-ipmi"])
  func parses(_ script: String) throws {
    for shell in Self.shells {
      let arguments = shell.hasSuffix("busybox") ? ["sh", "-n", Self.wwinit + "/" + script] : ["-n", Self.wwinit + "/" + script]
      let (status, output) = try Self.run(shell, arguments)
      #expect(status == 0, "\(shell) -n \(script): \(output)")
    }
  }

  /// A fake node root and stub commands; `tools` are the stubs to provide.
  final class FakeNode {
    let base: String
    var root: String { base + "/root" }
    var bin: String { base + "/bin" }
    var log: String { base + "/log" }

    init(config: String, tools: [String]) throws {
      base = FileManager.default.temporaryDirectory.appendingPathComponent("howl-init-\(UUID().uuidString)").path
      let fm = FileManager.default
      for dir in ["root/etc", "root/dev", "root/sbin", "root/warewulf/wwinit.d", "root/warewulf/init.d", "bin"] {
        try fm.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true)
      }
      try fm.copyItem(atPath: OverlayInitScriptTests.wwinit + "/init", toPath: root + "/init")
      try "node one\n".write(toFile: root + "/etc/marker", atomically: true, encoding: .utf8)
      try config.write(toFile: root + "/warewulf/config", atomically: true, encoding: .utf8)
      try "".write(toFile: root + "/dev/nvme0n1", atomically: true, encoding: .utf8)
      try "".write(toFile: root + "/dev/sda", atomically: true, encoding: .utf8)
      try script(root + "/warewulf/wwinit.d/10-setup", "echo \"wwinit.d PREFIX=$PREFIX\" >> \(log)")
      try script(root + "/warewulf/init.d/10-late", "echo \"init.d\" >> \(log)")
      try script(root + "/sbin/init", "echo \"real init $*\" >> \(log)")
      for tool in ["sh", "cat", "cp", "grep", "ls", "mkdir", "sleep", "echo"] {
        let real = ["/bin/", "/usr/bin/"].map { $0 + tool }.first { fm.isExecutableFile(atPath: $0) }!
        try fm.createSymbolicLink(atPath: bin + "/" + tool, withDestinationPath: real)
      }
      for tool in tools {
        var body = "echo \"\(tool) $*\" >> \(log)"
        if tool == "sfdisk" { body += "\ncat > /dev/null\nfor a; do last=$a; done\n: > \"${last}p1\"" }
        if tool == "parted" { body += "\n: > \"${2}1\"" }
        try script(bin + "/" + tool, body)
      }
    }

    /// Removes the fake root, unless something got mounted inside it (then it is left for inspection).
    deinit {
      let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
      if !mounts.contains(base) { try? FileManager.default.removeItem(atPath: base) }
    }

    private func script(_ path: String, _ body: String) throws {
      try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      chmod(path, 0o755)
    }

    /// Runs /init (stage 1) with `shell`; returns its status and the stubs' log.
    func boot(_ shell: String) throws -> (Int32, [String], String) {
      let (status, output) = try OverlayInitScriptTests.run(shell, [root + "/init"], environment: [
        "HOWL_INIT_ROOT": root, "HOWL_INIT_PATH": bin, "HOWL_INIT_FAIL_DELAY": "0",
      ])
      let log = (try? String(contentsOfFile: self.log, encoding: .utf8)) ?? ""
      return (status, log.split(separator: "\n").map(String.init), output)
    }
  }

  static let standardTools = ["mount", "umount", "modprobe", "switch_root", "mkfs.xfs", "mke2fs"]

  @Test(arguments: stubbableShells)
  func xfsRootWithSfdisk(_ shell: String) throws {
    let node = try FakeNode(config: "WWROOT_STRATEGY=xfs\nWWROOT_DEVICE=PLACEHOLDER\n", tools: Self.standardTools + ["sfdisk", "parted"])
    try "WWHOSTNAME='n1'\nWWROOT_STRATEGY=xfs\nWWROOT_DEVICE='\(node.root)/dev/nvme0n1'\n"
      .write(toFile: node.root + "/warewulf/config", atomically: true, encoding: .utf8)
    let (_, log, output) = try node.boot(shell)
    let disk = node.root + "/dev/nvme0n1"
    #expect(log.contains("wwinit.d PREFIX=\(node.root)"), "\(output)")
    #expect(log.contains("sfdisk -q --wipe always \(disk)"), "\(log)")
    #expect(!log.contains { $0.hasPrefix("parted") })
    #expect(log.contains("mkfs.xfs -q -f -L rootfs \(disk)p1"))
    #expect(log.contains("mount -t xfs \(disk)p1 \(node.root)/newroot"))
    #expect(log.last == "switch_root \(node.root)/newroot /init stage2", "\(log)\n\(output)")
    let copied = node.root + "/newroot"
    #expect(FileManager.default.fileExists(atPath: copied + "/etc/marker"))
    #expect(FileManager.default.fileExists(atPath: copied + "/warewulf/config"))
    #expect(FileManager.default.fileExists(atPath: copied + "/proc"))
    #expect(!FileManager.default.fileExists(atPath: copied + "/newroot/etc"))
    #expect(!FileManager.default.fileExists(atPath: copied + "/dev/nvme0n1"), "dev is a mount point, not copied")
  }

  @Test(arguments: stubbableShells)
  func ext4RootWithPartedOnly(_ shell: String) throws {
    let node = try FakeNode(config: "", tools: Self.standardTools + ["parted"])
    try "WWROOT_STRATEGY=ext4\nWWROOT_DEVICE='\(node.root)/dev/sda'\n"
      .write(toFile: node.root + "/warewulf/config", atomically: true, encoding: .utf8)
    let (_, log, output) = try node.boot(shell)
    let disk = node.root + "/dev/sda"
    #expect(log.contains("parted -s \(disk) mklabel gpt mkpart rootfs 1MiB 100%"), "\(log)\n\(output)")
    #expect(log.contains("mke2fs -q -t ext4 -F -L rootfs \(disk)1"))
    #expect(log.contains("mount -t ext4 \(disk)1 \(node.root)/newroot"))
    #expect(log.last == "switch_root \(node.root)/newroot /init stage2")
  }

  @Test(arguments: stubbableShells)
  func tmpfsRoot(_ shell: String) throws {
    let node = try FakeNode(config: "WWROOT_STRATEGY=tmpfs\n", tools: Self.standardTools)
    let (_, log, output) = try node.boot(shell)
    #expect(log.contains("mount -t tmpfs -o mpol=interleave tmpfs \(node.root)/newroot"), "\(log)\n\(output)")
    #expect(!log.contains { $0.hasPrefix("mkfs") || $0.hasPrefix("mke2fs") })
    #expect(log.last == "switch_root \(node.root)/newroot /init stage2")
    #expect(FileManager.default.fileExists(atPath: node.root + "/newroot/etc/marker"))
  }

  @Test(arguments: stubbableShells)
  func initramfsRootStaysAndStartsInit(_ shell: String) throws {
    let node = try FakeNode(config: "WWROOT_STRATEGY=initramfs\nWWINIT=/sbin/init\n", tools: Self.standardTools)
    let (_, log, output) = try node.boot(shell)
    #expect(log.first == "mount -t proc proc \(node.root)/proc", "\(log)\n\(output)")
    #expect(!log.contains { $0.hasPrefix("switch_root") })
    #expect(Array(log.suffix(2)) == ["init.d", "real init "])
  }

  @Test func missingDiskFailsWithoutTouchingAnything() throws {
    let node = try FakeNode(config: "", tools: Self.standardTools + ["sfdisk"])
    try "WWROOT_STRATEGY=xfs\nWWROOT_DEVICE='\(node.root)/dev/nvme9n9'\n"
      .write(toFile: node.root + "/warewulf/config", atomically: true, encoding: .utf8)
    guard let shell = Self.stubbableShells.first else { return }
    let (status, log, output) = try node.boot(shell)
    #expect(status != 0)
    #expect(output.contains("FATAL: no disk"))
    #expect(!log.contains { $0.hasPrefix("sfdisk") || $0.hasPrefix("switch_root") })
  }
}
