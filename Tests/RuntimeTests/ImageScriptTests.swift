import Foundation
import Lang
import Runtime
import Testing

/// Images from a script, through the built `howl` as a user runs it: the
/// provisioning script of LANGUAGE.md as written, the `images` table, a
/// failed script that leaves no tree, zstd builds remembered in howl.conf,
/// `image.exec` with its mounts always taken down, and `syncuser`.
struct ImageScriptTests {
  static let howl = Fixtures.packageRoot + "/.build/debug/howl"

  /// Runs `howl script` in `dir` with HOWL_ROOT `dir/root`: status, stdout, stderr.
  static func run(_ script: String, in dir: String) throws -> (status: Int32, out: String, err: String) {
    let file = dir + "/script-\(UUID().uuidString.prefix(6)).howl"
    try script.write(toFile: file, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: howl)
    p.arguments = [file]
    p.currentDirectoryURL = URL(fileURLWithPath: dir)
    p.environment = ["HOWL_ROOT": dir + "/root", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                     "NO_COLOR": "1", "HOME": dir]
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
  }

  /// `rocky-8.tar` in `dir`: the hand-made image, written by skopeo as a docker archive.
  static func rockyArchive(in dir: String) throws {
    let src = try ImageImportTests.handMade("good")
    defer { try? FileManager.default.removeItem(atPath: src) }
    let copied = try Shell.run("skopeo copy --quiet oci:\(src)/oci:test docker-archive:\(dir)/rocky-8.tar")
    #expect(copied.status == 0, "\(copied.output)")
  }

  @Test func theProvisioningScriptRunsAsWritten() throws {
    let dir = try Fixtures.scratch("image-script")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.rockyArchive(in: dir)
    let script = """
      #!/usr/bin/env howl
      let img = images.import("docker-archive:rocky-8.tar", name: "rocky-8-split")
      img.exclude("/opt/*")
      img.build()
      print("image ${img.name}: ${img.size} (${img.compressed_size} compressed)")

      let opt = exports.add(img.path("/opt"), options: "rw,sync,no_root_squash")

      use profile "default"
      profile.image = img.name
      profile.mounts += [mount(opt, at: "/opt")]

      nodes.add("sc[001-004]", profile: "default", ipaddr: 10.139.121.1)
      for node in nodes["sc[001-004]"] {
        node.root = xfs(nvme0n1)
        node.tags.cpuArch = "x86_64"
      }
      print(nodes["sc[001-004]"])
      """
    let r = try Self.run(script, in: dir)
    #expect(r.status == 0, "\(r.err)")
    let record = try #require(BuildRecord.read(dir + "/root/var/lib/howl/provision/images/rocky-8-split.img.json"))
    #expect(r.out.hasPrefix("image rocky-8-split: \(Units.formatSize(record.size)) (\(Units.formatSize(record.compressedSize)) compressed)\n"))
    #expect(r.err.contains("import rocky-8-split: 2 layers"))
    #expect(r.err.contains("build rocky-8-split:"))
    #expect(try Shell.run("gzip -t \(dir)/root/var/lib/howl/provision/images/rocky-8-split.img.gz").status == 0)

    let conf = try String(contentsOfFile: dir + "/root/etc/howl/howl.conf", encoding: .utf8)
    #expect(conf.contains("rocky-8-split"))
    #expect(conf.contains("docker-archive:rocky-8.tar"))
    #expect(conf.contains("/opt/*"))
    #expect(conf.contains("5.14.0-362.el9.x86_64"))

    // The table, and a rebuild of the unchanged image that is skipped.
    let table = try Self.run("print(images)\nimages[\"rocky-8-split\"].build()\nprint(images[\"rocky-8-split\"].kernel)", in: dir)
    #expect(table.status == 0, "\(table.err)")
    let lines = table.out.split(separator: "\n").map(String.init)
    #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "ARCH", "SIZE", "COMPRESSED", "COMPRESSION", "KERNEL", "BUILT", "NODES"])
    #expect(lines.count > 1 && lines[1].hasPrefix("rocky-8-split") && lines[1].contains("5.14.0-362.el9.x86_64") && lines[1].hasSuffix("  4"))
    #expect(lines.last == "5.14.0-362.el9.x86_64")
    #expect(table.err.contains("unchanged since the last build, skipped"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/root/var/lib/howl/images/rocky-8-split/uncommitted"))
  }

  @Test func aFailedScriptLeavesNoTree() throws {
    let dir = try Fixtures.scratch("image-fail")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.rockyArchive(in: dir)
    let failed = try Self.run("let img = images.import(\"docker-archive:rocky-8.tar\", name: \"r8\")\nimg.build()\nfail_here()", in: dir)
    #expect(failed.status != 0)
    #expect(FileManager.default.fileExists(atPath: dir + "/root/var/lib/howl/images/r8/uncommitted"))
    // The next script sees no image r8, and its import of r8 replaces the orphan.
    let again = try Self.run("print(images.names)\nlet img = images.import(\"docker-archive:rocky-8.tar\", name: \"r8\")\nprint(img.size)", in: dir)
    #expect(again.status == 0, "\(again.err)")
    #expect(again.out == "[]\nnil\n")
    #expect(!FileManager.default.fileExists(atPath: dir + "/root/var/lib/howl/provision/images/r8.img"))
    // A rollback in the REPL's way, then a listing, removes the tree too.
    let rolled = try Self.run("images.import(\"docker-archive:rocky-8.tar\", name: \"r9\")\nrollback()\nprint(images)", in: dir)
    #expect(rolled.status == 0, "\(rolled.err)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/root/var/lib/howl/images/r9"))
    #expect(FileManager.default.fileExists(atPath: dir + "/root/var/lib/howl/images/r8/rootfs/etc/hosts"))
  }

  @Test func zstdIsRememberedShownAndCheckedBeforeAnythingIsWritten() throws {
    let dir = try Fixtures.scratch("image-zstd-script")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.runnableTree(dir + "/chroot")
    let provision = dir + "/root/var/lib/howl/provision/images"
    let built = try Self.run("""
      let img = images.import("dir:\(dir)/chroot", name: "tiny")
      img.build(compression: "zstd", level: 19)
      print(img.compression, img.compressed_size)
      """, in: dir)
    #expect(built.status == 0, "\(built.err)")
    let zstSize = try #require(try FileManager.default.attributesOfItem(atPath: provision + "/tiny.img.zst")[.size] as? Int)
    #expect(built.out == "zstd \(Units.formatSize(zstSize))\n")
    #expect(built.err.contains(" zstd in "), "\(built.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: provision).sorted() == ["tiny.img", "tiny.img.json", "tiny.img.zst"])
    let conf = dir + "/root/etc/howl/howl.conf"
    #expect(try String(contentsOfFile: conf, encoding: .utf8).contains("    compression: zstd\n"))

    // Later builds keep zstd (an unchanged tree is skipped); the table shows it.
    let again = try Self.run("images[\"tiny\"].build()\nprint(images)", in: dir)
    #expect(again.status == 0, "\(again.err)")
    #expect(again.err.contains("unchanged since the last build, skipped"))
    let row = again.out.split(separator: "\n").dropFirst().first?.split(separator: " ").map(String.init)
    #expect(row?.prefix(5) == ["tiny", "x86_64", Units.formatSize(BuildRecord.read(provision + "/tiny.img.json")?.size ?? 0),
                               Units.formatSize(zstSize), "zstd"])

    // Bad arguments are refused before anything is written.
    let before = try Shell.run("cd \(provision) && md5sum * && cat \(conf)").output
    let lz4 = try Self.run("images[\"tiny\"].build(compression: \"lz4\")", in: dir)
    #expect(lz4.status != 0)
    #expect(lz4.err.contains("compression: takes \"gzip\" or \"zstd\", not \"lz4\""), "\(lz4.err)")
    let level = try Self.run("images[\"tiny\"].build(level: 20)", in: dir)
    #expect(level.err.contains("level: takes a zstd level from 1 to 19"), "\(level.err)")
    let fresh = try Self.run("images.import(\"dir:\(dir)/chroot\", name: \"fresh\").build(compression: \"lz4\")", in: dir)
    #expect(fresh.status != 0)
    #expect(try Shell.run("cd \(provision) && md5sum * && cat \(conf)").output == before)
  }

  /// A tree that runs: dash as /bin/sh with the libraries it needs.
  static func runnableTree(_ root: String) throws {
    let script = """
      set -e
      mkdir -p \(root)/bin \(root)/root
      cp /bin/dash \(root)/bin/sh
      for lib in $(ldd /bin/dash | grep -o '/[^ ]*'); do mkdir -p \(root)$(dirname $lib); cp -L $lib \(root)$lib; done
      """
    let r = try Shell.run(script)
    #expect(r.status == 0, "\(r.output)")
  }

  @Test func execRunsInsideWithProcSysDevAndAlwaysUnmounts() throws {
    let dir = try Fixtures.scratch("image-exec")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.runnableTree(dir + "/chroot")
    let ok = try Self.run("""
      let img = images.import("dir:\(dir)/chroot", name: "tiny")
      img.exec("echo inside > /root/out; test -r /proc/self/status && test -c /dev/null && test -d /sys/kernel && echo mounted >> /root/out")
      """, in: dir)
    #expect(ok.status == 0, "\(ok.err)")
    let rootfs = dir + "/root/var/lib/howl/images/tiny/rootfs"
    #expect(try String(contentsOfFile: rootfs + "/root/out", encoding: .utf8) == "inside\nmounted\n")
    #expect(!ImageExec(rootfs: rootfs, imageName: "tiny").hasMounts())

    let failing = try Self.run("images[\"tiny\"].exec(\"exit 3\")", in: dir)
    #expect(failing.status != 0)
    #expect(failing.err.contains("exit 3 failed in image 'tiny' with exit status 3"))
    #expect(!ImageExec(rootfs: rootfs, imageName: "tiny").hasMounts())
    #expect(!FileManager.default.fileExists(atPath: rootfs + "/proc/self"))
  }

  @Test func syncuserMergesTheHeadNodesAccountsAndReportsCollisions() throws {
    let dir = try Fixtures.scratch("image-syncuser")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let setup = """
      set -e
      mkdir -p \(dir)/host \(dir)/rootfs/etc \(dir)/rootfs/home/alice
      printf 'root:x:0:0::/root:/bin/sh\\nalice:x:2001:2001::/home/alice:/bin/sh\\nbob:x:2002:2002::/home/bob:/bin/sh\\n' > \(dir)/host/passwd
      printf 'root:x:0:\\nalice:x:2001:\\nbob:x:2002:\\n' > \(dir)/host/group
      printf 'root:x:0:0::/root:/bin/sh\\nalice:x:1001:1001::/home/alice:/bin/sh\\nmunge:x:990:990::/:/sbin/nologin\\n' > \(dir)/rootfs/etc/passwd
      printf 'root:x:0:\\nalice:x:1001:\\nmunge:x:990:\\n' > \(dir)/rootfs/etc/group
      echo hi > \(dir)/rootfs/home/alice/f && chown -R 1001:1001 \(dir)/rootfs/home/alice
      """
    #expect(try Shell.run(setup).status == 0)
    let report = try SyncUser.run(rootfs: dir + "/rootfs", hostEtc: dir + "/host")
    #expect(report == "changed to the head node's ids: 1 user(s), 1 group(s); 2 file(s) chowned")
    #expect(try Shell.run("stat -c %u:%g \(dir)/rootfs/home/alice/f").output == "2001:2001\n")
    let passwd = try String(contentsOfFile: dir + "/rootfs/etc/passwd", encoding: .utf8)
    #expect(passwd.contains("bob:x:2002") && passwd.contains("munge:x:990") && passwd.contains("alice:x:2001"))

    // munge is 990 in the image; give 990 to someone else on the head node.
    #expect(try Shell.run("echo 'chrony:x:990:990::/:/sbin/nologin' >> \(dir)/host/passwd").status == 0)
    #expect { try SyncUser.run(rootfs: dir + "/rootfs", hostEtc: dir + "/host") } throws: {
      "\($0)".contains("UID 990 is 'munge' in the image but 'chrony' on the head node")
    }
  }

  @Test func importWithSyncuserTakesTheHeadNodesAccountsFromHowlRoot() throws {
    let dir = try Fixtures.scratch("image-syncuser-import")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let tree = dir + "/chroot"
    try Self.runnableTree(tree)
    let setup = """
      set -e
      mkdir -p \(dir)/root/etc \(tree)/etc \(tree)/home/alice
      printf 'root:x:0:0::/root:/bin/sh\\nalice:x:2001:2001::/home/alice:/bin/sh\\nbob:x:2002:2002::/home/bob:/bin/sh\\n' > \(dir)/root/etc/passwd
      printf 'root:x:0:\\nalice:x:2001:\\nbob:x:2002:\\n' > \(dir)/root/etc/group
      printf 'root:x:0:0::/root:/bin/sh\\nalice:x:1001:1001::/home/alice:/bin/sh\\nmunge:x:990:990::/:/sbin/nologin\\n' > \(tree)/etc/passwd
      printf 'root:x:0:\\nalice:x:1001:\\nmunge:x:990:\\n' > \(tree)/etc/group
      echo hi > \(tree)/home/alice/f && chown -R 1001:1001 \(tree)/home/alice
      """
    #expect(try Shell.run(setup).status == 0)
    let synced = try Self.run("images.import(\"dir:\(tree)\", name: \"synced\", syncuser: true)", in: dir)
    #expect(synced.status == 0, "\(synced.err)")
    #expect(synced.err.contains("syncuser: changed to the head node's ids: 1 user(s), 1 group(s); 2 file(s) chowned"), "\(synced.err)")
    let rootfs = dir + "/root/var/lib/howl/images/synced/rootfs"
    let passwd = try String(contentsOfFile: rootfs + "/etc/passwd", encoding: .utf8)
    #expect(passwd.contains("alice:x:2001:") && passwd.contains("bob:x:2002:") && passwd.contains("munge:x:990:"), "\(passwd)")
    #expect(try String(contentsOfFile: rootfs + "/etc/group", encoding: .utf8).contains("bob:x:2002:"))
    #expect(try Shell.run("stat -c %u:%g \(rootfs)/home/alice/f").output == "2001:2001\n")

    // The head node gives munge's 990 to chrony: the import stops and leaves nothing.
    #expect(try Shell.run("echo 'chrony:x:990:990::/:/sbin/nologin' >> \(dir)/root/etc/passwd").status == 0)
    let clash = try Self.run("images.import(\"dir:\(tree)\", name: \"clash\", syncuser: true)", in: dir)
    #expect(clash.status != 0)
    #expect(clash.err.contains("syncuser: UID 990 is 'munge' in the image but 'chrony' on the head node"), "\(clash.err)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/root/var/lib/howl/images/clash"))
    #expect(try Self.run("print(images.names)", in: dir).out == "[\"synced\"]\n")
  }
}
