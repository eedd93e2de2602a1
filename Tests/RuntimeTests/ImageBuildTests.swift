import Foundation
import Runtime
import Testing

/// Building an image tree: the archive (gzip'd or zstd'd) read back with
/// `bsdtar` and `cpio` and compared entry by entry with the tree, excludes,
/// skipping an unchanged tree, and a failed build that keeps the previous files.
struct ImageBuildTests {
  /// A tree with every kind of entry a node image has.
  static func makeTree(_ root: String) throws {
    let script = """
      set -e
      mkdir -p \(root) && cd \(root)
      mkdir -p bin etc/warewulf opt/app/lib tmp var/log dev usr/share/doc "dir with space" deep/a/b/c/d/e
      cp /bin/dash bin/sh
      head -c 3000000 /dev/urandom > opt/app/lib/blob.so
      printf 'sc001\\n' > etc/hostname
      printf 'root:x:0:0::/root:/bin/sh\\n' > etc/passwd
      : > etc/empty
      printf 'tmp\\nvar/log/*\\n' > etc/warewulf/excludes
      echo kept > var/log/dir-kept-only
      rm var/log/dir-kept-only
      echo log > var/log/messages
      echo t > tmp/t
      echo linked > usr/share/doc/a && ln usr/share/doc/a usr/share/doc/b && ln usr/share/doc/a bin/c
      echo half > usr/share/doc/h && ln usr/share/doc/h opt/app/h-link
      ln -s /etc/hostname etc/absolute
      ln -s ../etc/hostname bin/relative
      ln -s /nowhere etc/dangling
      mknod dev/null c 1 3 && mknod dev/loop9 b 7 9 && mkfifo dev/fifo
      echo s > bin/suid && chmod 4755 bin/suid
      echo g > bin/sgid && chmod 2711 bin/sgid
      mkdir -p var/tmp && chmod 1777 var/tmp
      echo u > "dir with space/ünïcode file" && chown 1000:100 "dir with space/ünïcode file"
      chown 4242:4343 deep/a/b && chmod 750 deep/a/b
      echo deep > deep/a/b/c/d/e/f
      touch -d '2020-01-02 03:04:05' etc/hostname
      """
    #expect(try Shell.run(script).status == 0)
  }

  /// Every entry under `dir`: path → type, mode, owner, size, link target, content hash, mtime (files).
  static func listing(_ dir: String) throws -> [String: String] {
    let text = try Shell.run("cd '\(dir)' && find . -printf '%p\\t%y %m %U:%G %n %l %s %T@\\n' | sort").output
    var result: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { continue }
      var fields = parts[1].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
      // newc keeps whole seconds.
      fields[fields.count - 1] = String(fields[fields.count - 1].prefix { $0 != "." })
      // Directory link counts, sizes and mtimes depend on the file system and on extraction.
      if fields.first == "d" { fields[3] = "-"; fields[fields.count - 2] = "-"; fields[fields.count - 1] = "-" }
      if fields.first == "f" {
        fields.append(try Shell.run("md5sum < '\(dir)/\(parts[0])'").output.prefix(32).description)
      } else {
        fields[fields.count - 1] = "-"
      }
      result[parts[0]] = fields.joined(separator: " ")
    }
    return result
  }

  static func expectSameEntries(_ extracted: [String: String], _ expected: [String: String], _ label: String) {
    #expect(Set(extracted.keys) == Set(expected.keys), "\(label): entries differ: missing \(Set(expected.keys).subtracting(extracted.keys).sorted()), extra \(Set(extracted.keys).subtracting(expected.keys).sorted())")
    for (path, value) in expected where extracted[path] != nil {
      #expect(extracted[path] == value, "\(label): \(path)")
    }
  }

  /// What a build of `makeTree` with `/opt/*` excluded holds: the tree
  /// without /opt/* (but /opt), /tmp, /var/log/*.
  static func expectedEntries(_ rootfs: String) throws -> [String: String] {
    var expected = try listing(rootfs)
    for path in expected.keys where path.hasPrefix("./opt/") || path == "./tmp" || path.hasPrefix("./tmp/") || path.hasPrefix("./var/log/") {
      expected[path] = nil
    }
    // The link left in /opt no longer counts for usr/share/doc/h.
    expected["./usr/share/doc/h"] = expected["./usr/share/doc/h"]?.replacingOccurrences(of: " 2 ", with: " 1 ")
    #expect(expected["./opt"] != nil && expected["./var/log"] != nil && expected["./usr/share/doc/h"] != nil)
    return expected
  }

  /// Extracts `archive` with bsdtar, and what the shell command `cpioInput`
  /// prints with cpio, under `state`; both must hold what a build of
  /// `makeTree` at `rootfs` should. Returns bsdtar's directory.
  static func expectExtractionsMatch(archive: String, cpioInput: String, state: String, rootfs: String) throws -> String {
    let expected = try expectedEntries(rootfs)
    let bsdtar = state + "/bsdtar"
    let cpio = state + "/cpio"
    #expect(try Shell.run("mkdir \(bsdtar) && cd \(bsdtar) && bsdtar -xpf \(archive) --numeric-owner --xattrs").status == 0)
    #expect(try Shell.run("mkdir \(cpio) && cd \(cpio) && \(cpioInput) | cpio -idm --quiet --no-absolute-filenames").status == 0)
    expectSameEntries(try listing(bsdtar), expected, "bsdtar")
    expectSameEntries(try listing(cpio), expected, "cpio")
    return bsdtar
  }

  @Test func buildsWhatBsdtarAndCpioReadBackEntryByEntry() throws {
    let state = try Fixtures.scratch("image-build")
    defer { try? FileManager.default.removeItem(atPath: state) }
    let paths = ImagePaths(name: "compute", stateDirectory: state)
    try Self.makeTree(paths.rootfs)
    let result = try ImageBuilder(paths: paths, excludes: ["/opt/*"]).build()
    #expect(!result.skipped)

    #expect(try Shell.run("gzip -t \(paths.compressedImage(.gzip))").status == 0)
    #expect(try Shell.run("gzip -dc \(paths.compressedImage(.gzip)) | cmp - \(paths.image)").status == 0)
    #expect(try Shell.run("head -c 6 \(paths.image)").output == "070701")
    let size = try FileManager.default.attributesOfItem(atPath: paths.image)[.size] as? Int
    #expect(result.record.size == size)

    let bsdtar = try Self.expectExtractionsMatch(archive: paths.compressedImage(.gzip), cpioInput: "cat \(paths.image)",
                                                 state: state, rootfs: paths.rootfs)

    // Hard links stay links; devices keep their numbers.
    let inodes = try Shell.run("stat -c %i \(bsdtar)/usr/share/doc/a \(bsdtar)/usr/share/doc/b \(bsdtar)/bin/c | sort -u | wc -l").output
    #expect(inodes == "1\n")
    #expect(try Shell.run("stat -c '%t:%T' \(bsdtar)/dev/loop9").output == "7:9\n")
    let list = try Shell.run("cpio -itv --numeric-uid-gid < \(paths.image) 2>/dev/null").output
    #expect(list.contains("crw-r--r--   1 0        0          1,   3"))
    #expect(list.contains("etc/absolute -> /etc/hostname"))
    #expect(list.contains("-rwsr-xr-x"))
    #expect(!list.contains("blob.so") && !list.contains("var/log/messages"))
  }

  @Test func buildsAZstdImageThatZstdCpioAndBsdtarReadBack() throws {
    let state = try Fixtures.scratch("image-zstd")
    defer { try? FileManager.default.removeItem(atPath: state) }
    let paths = ImagePaths(name: "compute", stateDirectory: state)
    try Self.makeTree(paths.rootfs)
    var builder = ImageBuilder(paths: paths, excludes: ["/opt/*"])
    builder.compression = .zstd
    let result = try builder.build()
    let zst = paths.compressedImage(.zstd)
    #expect(zst.hasSuffix("/provision/images/compute.img.zst"))
    #expect(result.record.compression == .zstd)
    #expect(result.record.compressedSize == (try FileManager.default.attributesOfItem(atPath: zst)[.size] as? Int))
    #expect(!FileManager.default.fileExists(atPath: paths.compressedImage(.gzip)))

    #expect(try Shell.run("zstd -qt \(zst)").status == 0)
    #expect(try Shell.run("zstd -qdc \(zst) | cmp - \(paths.image)").status == 0)
    #expect(try Shell.run("zstd -lv \(zst)").output.contains("Zstandard Frames: 1"))
    let listed = try Shell.run("zstd -qdc \(zst) | cpio -it --quiet").output
    #expect(listed == (try Shell.run("cpio -it --quiet < \(paths.image)").output) && listed.contains("etc/hostname\n"))
    _ = try Self.expectExtractionsMatch(archive: zst, cpioInput: "zstd -qdc \(zst)", state: state, rootfs: paths.rootfs)
  }

  @Test func aCompressionChangeRebuildsAndLeavesOneCompressedFile() throws {
    let state = try Fixtures.scratch("image-recompress")
    defer { try? FileManager.default.removeItem(atPath: state) }
    let paths = ImagePaths(name: "switch", stateDirectory: state)
    try Self.makeTree(paths.rootfs)
    func build(_ compression: ImageCompression) throws -> ImageBuilder.Result {
      var builder = ImageBuilder(paths: paths, excludes: [])
      builder.compression = compression
      return try builder.build()
    }
    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: paths.provisionDirectory).sorted() }

    #expect(try !build(.gzip).skipped)
    #expect(try files() == ["switch.img", "switch.img.gz", "switch.img.json"])
    #expect(try !build(.zstd).skipped)
    #expect(try files() == ["switch.img", "switch.img.json", "switch.img.zst"])
    #expect(try build(.zstd).skipped)
    #expect(try !build(.gzip).skipped)
    #expect(try files() == ["switch.img", "switch.img.gz", "switch.img.json"])
    #expect(BuildRecord.read(paths.buildRecord)?.compression == .gzip)

    // A record from before zstd was offered has no compression: it was gzip.
    #expect(try Shell.run("sed -i '/\"compression\"/d' \(paths.buildRecord)").status == 0)
    #expect(BuildRecord.read(paths.buildRecord)?.compression == .gzip)
    #expect(try build(.gzip).skipped)
  }

  @Test func anUnchangedTreeIsNotRebuilt() throws {
    let state = try Fixtures.scratch("image-skip")
    defer { try? FileManager.default.removeItem(atPath: state) }
    let paths = ImagePaths(name: "skip", stateDirectory: state)
    try Self.makeTree(paths.rootfs)
    let first = try ImageBuilder(paths: paths, excludes: []).build()
    #expect(!first.skipped)
    let second = try ImageBuilder(paths: paths, excludes: []).build()
    #expect(second.skipped)
    #expect(second.seconds < 1)
    #expect(second.record == first.record)

    // A change in a file, an owner, the excludes or the image's own excludes rebuilds.
    #expect(try Shell.run("sleep 0.01; echo more >> \(paths.rootfs)/etc/hostname").status == 0)
    #expect(try !ImageBuilder(paths: paths, excludes: []).build().skipped)
    #expect(try Shell.run("chown 7:7 \(paths.rootfs)/etc/empty").status == 0)
    #expect(try !ImageBuilder(paths: paths, excludes: []).build().skipped)
    #expect(try !ImageBuilder(paths: paths, excludes: ["/usr/share/doc"]).build().skipped)
    #expect(try ImageBuilder(paths: paths, excludes: ["/usr/share/doc"]).build().skipped)
    #expect(try Shell.run("echo boot >> \(paths.rootfs)/etc/warewulf/excludes").status == 0)
    #expect(try !ImageBuilder(paths: paths, excludes: ["/usr/share/doc"]).build().skipped)
    // A deleted built file is rebuilt; force rebuilds.
    unlink(paths.compressedImage(.gzip))
    #expect(try !ImageBuilder(paths: paths, excludes: ["/usr/share/doc"]).build().skipped)
    var forced = ImageBuilder(paths: paths, excludes: ["/usr/share/doc"])
    forced.force = true
    #expect(try !forced.build().skipped)
  }

  @Test func aFullDiskKeepsThePreviousImage() throws {
    let state = try Fixtures.scratch("image-full")
    defer { try? FileManager.default.removeItem(atPath: state) }
    let paths = ImagePaths(name: "full", stateDirectory: state)
    try FileManager.default.createDirectory(atPath: paths.rootfs + "/bin", withIntermediateDirectories: true)
    #expect(try Shell.run("cp /bin/dash \(paths.rootfs)/bin/sh").status == 0)
    try FileManager.default.createDirectory(atPath: paths.provisionDirectory, withIntermediateDirectories: true)
    #expect(try Shell.run("mount -t tmpfs -o size=1m tmpfs \(paths.provisionDirectory)").status == 0)
    defer { umount2(paths.provisionDirectory, 0) }
    _ = try ImageBuilder(paths: paths, excludes: []).build()
    let before = try Shell.run("md5sum \(paths.image) \(paths.compressedImage(.gzip))").output
    #expect(try Shell.run("head -c 2000000 /dev/urandom > \(paths.rootfs)/bin/big").status == 0)
    #expect {
      try ImageBuilder(paths: paths, excludes: []).build()
    } throws: { error in
      "\(error)".contains("No space left on device")
    }
    #expect(try Shell.run("md5sum \(paths.image) \(paths.compressedImage(.gzip))").output == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: paths.provisionDirectory).sorted() == ["full.img", "full.img.gz", "full.img.json"])
    #expect(try Shell.run("gzip -t \(paths.compressedImage(.gzip))").status == 0)
  }

  @Test func findsTheKernelAsWarewulfDoes() throws {
    let root = try Fixtures.scratch("image-kernel")
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(KernelDiscovery.defaultKernel(rootfs: root) == nil)
    let setup = """
      cd \(root) && mkdir -p boot lib/modules/6.1.0-13-amd64 lib/modules/5.10.0-9-amd64
      touch boot/vmlinuz-5.14.0-362.el9.x86_64 boot/vmlinuz-5.14.0-70.el9.x86_64 boot/vmlinuz-5.14.0-427.el9.x86_64+debug
      touch boot/vmlinuz-0-rescue-abc lib/modules/6.1.0-13-amd64/vmlinuz lib/modules/5.10.0-9-amd64/vmlinuz
      """
    #expect(try Shell.run(setup).status == 0)
    let all = KernelDiscovery.all(rootfs: root)
    #expect(all.count == 6)
    #expect(KernelDiscovery.defaultKernel(rootfs: root) == ImageKernel(path: "/lib/modules/6.1.0-13-amd64/vmlinuz", version: "6.1.0-13-amd64"))
    #expect(try Shell.run("rm -r \(root)/lib/modules").status == 0)
    #expect(KernelDiscovery.defaultKernel(rootfs: root)?.version == "5.14.0-362.el9.x86_64")
  }

  @Test func excludePatternsMatchAsWarewulfDoes() {
    let patterns = ExcludePatterns(["/opt/*", "/boot/", "usr/share/GeoIP", "/var/cache/*/tmp"])
    #expect(!patterns.excludes("opt"))
    #expect(patterns.excludes("opt/app"))
    #expect(!patterns.excludes("opt/app/bin"))  // its parent was already left out
    #expect(patterns.excludes("boot"))
    #expect(patterns.excludes("usr/share/GeoIP"))
    #expect(patterns.excludes("var/cache/dnf/tmp"))
    #expect(!patterns.excludes("var/cache/dnf/x/tmp"))
  }
}
