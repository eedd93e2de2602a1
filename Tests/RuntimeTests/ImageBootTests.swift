import Foundation
import Runtime
import Testing

/// The nodes' kernel (Debian's cloud kernel, `CONFIG_RD_ZSTD=y`) boots a
/// zstd image built by `howl`: a busybox tree whose `/init` writes a marker
/// to the serial port and powers off, started by QEMU (TCG, no network)
/// with the `.img.zst` as its initrd.
struct ImageBootTests {
  static let marker = "HOWL-ZSTD-INITRAMFS-BOOTED"

  /// busybox-static as a real `/bin/busybox` (`busybox --list` names it
  /// too), every other applet a symlink to it, and an `/init` script.
  static func busyboxTree(_ root: String) throws {
    let script = """
      set -e
      mkdir -p \(root)/bin \(root)/dev \(root)/proc \(root)/sys
      cp /bin/busybox \(root)/bin/busybox
      for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -s busybox \(root)/bin/$applet
      done
      mknod \(root)/dev/console c 5 1
      printf '#!/bin/sh\\nmount -t devtmpfs devtmpfs /dev\\necho \(marker) > /dev/ttyS0\\npoweroff -f\\n' > \(root)/init
      chmod 755 \(root)/init
      """
    let r = try Shell.run(script)
    #expect(r.status == 0, "\(r.output)")
  }

  @Test func aZstdImageBootsTheNodesKernel() throws {
    let found = try Shell.run("ls \"$(\(Fixtures.packageRoot)/scripts/lab/kernel)\"/boot/vmlinuz-*")
    let kernel = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
    try #require(found.status == 0 && !kernel.isEmpty, "scripts/lab/kernel found no kernel: \(found.output)")
    let dir = try Fixtures.scratch("image-boot")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.busyboxTree(dir + "/tree")
    let built = try ImageScriptTests.run("""
      images.import("dir:\(dir)/tree", name: "busybox").build(compression: "zstd")
      """, in: dir)
    #expect(built.status == 0, "\(built.err)")
    let image = dir + "/root/var/lib/howl/provision/images/busybox.img.zst"
    #expect(try Shell.run("zstd -qdc \(image) | cpio -it --quiet | grep -x bin/busybox").status == 0)

    let boot = try Shell.run("""
      timeout 300 qemu-system-x86_64 -accel tcg -M pc -m 512 -nographic -monitor none -no-reboot \
        -kernel \(kernel) -initrd \(image) -append "console=ttyS0 panic=-1 rdinit=/init" </dev/null
      """)
    #expect(boot.status == 0, "QEMU did not power off in time:\n\(boot.output.suffix(3000))")
    #expect(boot.output.contains(Self.marker), "\(boot.output.suffix(3000))")
    #expect(!boot.output.contains("Initramfs unpacking failed"))
  }
}
