import Foundation
import Runtime
import Testing

/// An aarch64 image on this x86_64 host, the boot lab's arm64 busybox
/// (scripts/lab/busybox-rootfs-arm64): `image.exec()` and `image.shell()`
/// run its programs under qemu-user-static through binfmt_misc (as
/// scripts/setup installs and registers it), and where binfmt_misc is not
/// mounted or the registration is missing or disabled, the error names the
/// commands that fix it instead of `Exec format error`. Those hosts are
/// binfmt_misc directories of the test's own, read as the kernel's is.
@Suite(.serialized, Arm64TreeScope()) struct ForeignImageExecTests {
  var tree: String { Arm64TreeScope.tree! }

  @Test func anAarch64ImageRunsItsCommandsAndShellUnderQemuUser() throws {
    try #require(Architecture.host == .x86_64, "the arm64 image is foreign on an x86_64 host")
    let dir = try Fixtures.scratch("foreign-exec")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let exec = try ImageScriptTests.run("""
      let gh = images.import("dir:\(tree)", name: "gh", platform: "linux/arm64")
      gh.exec("uname -m")
      gh.exec("uname -m > /root/arch")
      """, in: dir)
    #expect(exec.status == 0, "\(exec.err)")
    #expect(exec.out == "aarch64\n")
    let rootfs = dir + "/root/var/lib/howl/images/gh/rootfs"
    #expect(try String(contentsOfFile: rootfs + "/root/arch", encoding: .utf8) == "aarch64\n")
    #expect(!ImageExec(rootfs: rootfs, imageName: "gh").hasMounts())

    let shell = try Shell.run("printf 'uname -m\\nexit\\n' | HOWL_ROOT=\(dir)/root \(ImageScriptTests.howl) -c 'images[\"gh\"].shell()' 2>/dev/null")
    #expect(shell.status == 0 && shell.output.contains("[howl:gh] /# aarch64\n"), "the shell's prompt, then its answer:\n\(shell.output)")
  }

  @Test func aHostThatCannotRunItSaysHowToFixIt() throws {
    try #require(Architecture.host == .x86_64, "the arm64 image is foreign on an x86_64 host")
    let dir = try Fixtures.scratch("binfmt")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func failure(_ binfmt: String) -> String {
      do {
        try ImageExec(rootfs: tree, imageName: "gh", binfmtDirectory: binfmt).run("uname -m > /root/ran")
        return "ran"
      } catch {
        return "\(error)"
      }
    }
    let intro = "image 'gh' is aarch64 and this host x86_64: its programs run under qemu-user-static through binfmt_misc, but "
    let install = "install Debian's qemu-user-static and binfmt-support (apt-get install qemu-user-static binfmt-support)"

    let unmounted = dir + "/unmounted"
    try FileManager.default.createDirectory(atPath: unmounted, withIntermediateDirectories: true)
    #expect(failure(unmounted) == intro + "binfmt_misc is not mounted at \(unmounted); mount it (mount -t binfmt_misc binfmt_misc \(unmounted)) "
      + "and register qemu-aarch64 (update-binfmts --enable qemu-aarch64; if that is unknown, \(install) first)")

    let empty = dir + "/empty"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    try "enabled\n".write(toFile: empty + "/status", atomically: false, encoding: .utf8)
    #expect(failure(empty) == intro + "no interpreter is registered for aarch64 (no \(empty)/qemu-aarch64); "
      + "\(install) and register it (update-binfmts --enable qemu-aarch64)")

    // The host's own registration (scripts/setup made it), then as update-binfmts --disable leaves it.
    let real = try String(contentsOfFile: ForeignInterpreter.defaultDirectory + "/qemu-aarch64", encoding: .utf8)
    let lines = real.split(separator: "\n").map(String.init)
    let flags = try #require(lines.first { $0.hasPrefix("flags: ") && $0.contains("F") }, "Debian registers it with F:\n\(real)")
    let interpreter = try #require(lines.first { $0.hasPrefix("interpreter ") }?.dropFirst("interpreter ".count))
    try #require(lines.first == "enabled", "\(real)")
    let registered = dir + "/registered"
    try FileManager.default.createDirectory(atPath: registered, withIntermediateDirectories: true)
    try "enabled\n".write(toFile: registered + "/status", atomically: false, encoding: .utf8)
    try real.write(toFile: registered + "/qemu-aarch64", atomically: false, encoding: .utf8)
    #expect(failure(registered) == "ran")
    #expect(try String(contentsOfFile: tree + "/root/ran", encoding: .utf8) == "aarch64\n")

    try ("disabled\n" + real.dropFirst("enabled\n".count)).write(toFile: registered + "/qemu-aarch64", atomically: false, encoding: .utf8)
    #expect(failure(registered) == intro + "its registration \(registered)/qemu-aarch64 is disabled; enable it: update-binfmts --enable qemu-aarch64")

    // Registered without F, the kernel would look for the interpreter in the image.
    try real.replacingOccurrences(of: flags, with: flags.replacingOccurrences(of: "F", with: ""))
      .write(toFile: registered + "/qemu-aarch64", atomically: false, encoding: .utf8)
    #expect(failure(registered) == intro + "\(registered)/qemu-aarch64 is registered without the F flag, so the kernel looks for its "
      + "interpreter \(interpreter) inside the image, which has none; register Debian's, which has the flag "
      + "(echo -1 > \(registered)/qemu-aarch64, then update-binfmts --enable qemu-aarch64; if that is unknown, \(install) first)")

    try "disabled\n".write(toFile: registered + "/status", atomically: false, encoding: .utf8)
    #expect(failure(registered) == intro + "binfmt_misc is disabled (\(registered)/status); enable it: echo 1 > \(registered)/status")
    #expect(!ImageExec(rootfs: tree, imageName: "gh").hasMounts())
  }

  @Test func anImageOfTheHostsArchitectureNeedsNoRegistration() throws {
    let dir = try Fixtures.scratch("native-exec")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try ImageScriptTests.runnableTree(dir + "/tree")
    try ImageExec(rootfs: dir + "/tree", imageName: "tiny", binfmtDirectory: dir + "/unmounted").run("echo native > /root/out")
    #expect(try String(contentsOfFile: dir + "/tree/root/out", encoding: .utf8) == "native\n")
  }
}

/// Makes the boot lab's arm64 busybox root once around a suite
/// (`Arm64TreeScope.tree`), and removes it after.
struct Arm64TreeScope: SuiteTrait, TestScoping {
  @TaskLocal static var tree: String?
  var isRecursive: Bool { false }

  func provideScope(for test: Test, testCase: Test.Case?,
                    performing function: @Sendable () async throws -> Void) async throws {
    let dir = try Fixtures.scratch("arm64-tree")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let made = try Shell.run("\(Fixtures.packageRoot)/scripts/lab/busybox-rootfs-arm64 \(dir)/rootfs 2>&1")
    try #require(made.status == 0, "scripts/lab/busybox-rootfs-arm64 failed:\n\(made.output)")
    try await Self.$tree.withValue(dir + "/rootfs") { try await function() }
  }
}
