import Foundation
import Runtime
import Testing

/// Importing images: archives made by real tools (`skopeo`, `umoci`) and
/// by hand (whiteouts, opaque directories, hard links across layers,
/// devices, setuid, `security.capability`), compared with what `umoci
/// unpack` makes of the same image; bad archives are refused and leave
/// nothing behind.
struct ImageImportTests {
  static let maker = Fixtures.directory.appendingPathComponent("images/make_image.py").path

  /// A hand-made image of `kind` under a fresh directory (see make_image.py).
  static func handMade(_ kind: String) throws -> String {
    let dir = try Fixtures.scratch("image-src")
    let made = try Shell.run("python3 \(maker) \(dir) \(kind)")
    #expect(made.status == 0, "\(made.output)")
    return dir
  }

  /// A tree listing with xattrs, to compare two unpacked trees.
  static func listing(_ dir: String) throws -> String {
    let script = """
      import os, sys, hashlib
      root = sys.argv[1]
      for base, dirs, files in sorted(os.walk(root)):
          dirs.sort()
          for name in [''] if base == root else []: pass
          for name in sorted(dirs + files):
              p = os.path.join(base, name); s = os.lstat(p)
              rel = os.path.relpath(p, root)
              link = os.readlink(p) if os.path.islink(p) else ''
              data = hashlib.md5(open(p, 'rb').read()).hexdigest() if os.path.isfile(p) and not os.path.islink(p) else ''
              xattrs = sorted((k, os.getxattr(p, k, follow_symlinks=False).hex()) for k in os.listxattr(p, follow_symlinks=False))
              dev = (os.major(s.st_rdev), os.minor(s.st_rdev)) if s.st_rdev else ''
              print(rel, oct(s.st_mode), s.st_uid, s.st_gid, s.st_nlink if not os.path.isdir(p) else '-', link, data, dev, xattrs, int(s.st_mtime) if not os.path.isdir(p) else '-')
      """
    let file = NSTemporaryDirectory() + "howl-listing-\(UUID().uuidString).py"
    try script.write(toFile: file, atomically: true, encoding: .utf8)
    defer { unlink(file) }
    let result = try Shell.run("python3 \(file) '\(dir)'")
    #expect(result.status == 0, "\(result.output)")
    return result.output
  }

  static func importing(_ source: String, into state: String, name: String = "img") throws -> ImagePaths {
    let paths = ImagePaths(name: name, stateDirectory: state)
    try ImageImporter(paths: paths).run(try ImageSource(source))
    return paths
  }

  @Test func handMadeLayersApplyWhiteoutsOpaqueDirsAndKeepEverything() throws {
    let src = try Self.handMade("good")
    let state = try Fixtures.scratch("image-import")
    defer { try? FileManager.default.removeItem(atPath: src); try? FileManager.default.removeItem(atPath: state) }
    let paths = try Self.importing("oci:\(src)/oci:test", into: state)
    let tree = try Self.listing(paths.rootfs)
    #expect(!tree.contains("etc/old"))                     // whiteout
    #expect(tree.contains("var/cache/fresh"))
    #expect(!tree.contains("var/cache/a") && !tree.contains("var/cache/b"))  // opaque
    #expect(tree.contains("bin/su 0o104755 0 0 1"))         // setuid
    #expect(tree.contains("etc/shadow 0o100600 0 42"))
    #expect(tree.contains("home/user 0o40700 1000 1000"))
    #expect(tree.contains("dev/null 0o20666 0 0 1   (1, 3)"))
    #expect(tree.contains("etc/alias 0o120777 0 0 1 hosts"))
    #expect(tree.contains("('security.capability', '0100000200200000"))
    #expect(tree.contains("usr/lib/libx.so 0o100755 0 0 2"))  // hard link to a file of the layer below
    #expect(try String(contentsOfFile: paths.rootfs + "/etc/hosts", encoding: .utf8).contains("10.0.0.1 head"))

    // umoci, unpacking the same layout, makes the same tree.
    let bundle = state + "/bundle"
    let unpacked = try Shell.run("umoci unpack --image \(src)/oci:test \(bundle)")
    #expect(unpacked.status == 0, "\(unpacked.output)")
    #expect(try Self.listing(bundle + "/rootfs") == tree)

    // The same image as a hand-made docker archive gives the same tree.
    let docker = try Self.importing("docker-archive:\(src)/docker.tar", into: state, name: "docker")
    #expect(try Self.listing(docker.rootfs) == tree)
  }

  @Test func archivesWrittenBySkopeoAndUmoci() throws {
    let src = try Self.handMade("good")
    let state = try Fixtures.scratch("image-tools")
    defer { try? FileManager.default.removeItem(atPath: src); try? FileManager.default.removeItem(atPath: state) }
    let reference = try Self.listing(try Self.importing("oci:\(src)/oci:test", into: state, name: "ref").rootfs)
    for (destination, source) in [("docker-archive:\(src)/skopeo-docker.tar", "docker-archive:\(src)/skopeo-docker.tar"),
                                  ("oci-archive:\(src)/skopeo-oci.tar:test", "oci-archive:\(src)/skopeo-oci.tar")] {
      let copied = try Shell.run("skopeo copy --quiet oci:\(src)/oci:test \(destination)")
      #expect(copied.status == 0, "\(copied.output)")
      let name = destination.hasPrefix("docker") ? "sk-docker" : "sk-oci"
      #expect(try Self.listing(try Self.importing(source, into: state, name: name).rootfs) == reference, "\(source)")
    }

    // An image umoci builds from a directory, with a whiteout and an opaque layer on top.
    let layout = src + "/umoci"
    let content = src + "/content"
    let setup = """
      set -e
      mkdir -p \(content)/bin \(content)/etc \(content)/opt/x \(content)/opt/y
      cp /bin/dash \(content)/bin/sh
      echo a > \(content)/etc/a && ln \(content)/etc/a \(content)/etc/a-link
      echo gone > \(content)/etc/gone && echo x > \(content)/opt/x/1 && echo y > \(content)/opt/y/1
      chmod 4711 \(content)/bin/sh && chown 12:34 \(content)/etc/a
      mkdir -p \(src)/newopt/z && echo z > \(src)/newopt/z/1
      umoci init --layout \(layout)
      umoci new --image \(layout):t
      umoci insert --image \(layout):t \(content) /
      umoci insert --image \(layout):t --whiteout /etc/gone
      umoci insert --image \(layout):t --opaque \(src)/newopt /opt
      umoci unpack --image \(layout):t \(src)/umoci-bundle
      """
    let made = try Shell.run(setup)
    #expect(made.status == 0, "\(made.output)")
    let ours = try Self.importing("oci:\(layout):t", into: state, name: "umoci")
    let tree = try Self.listing(ours.rootfs)
    #expect(tree.contains("opt/z/1") && !tree.contains("opt/x") && !tree.contains("etc/gone"))
    #expect(tree.contains("bin/sh 0o104711 0 0 1"))
    #expect(tree.contains("etc/a 0o100644 12 34 2"))
    #expect(tree == (try Self.listing(src + "/umoci-bundle/rootfs")))
  }

  @Test func aChrootDirectoryNeedsBinSh() throws {
    let state = try Fixtures.scratch("image-dir")
    defer { try? FileManager.default.removeItem(atPath: state) }
    try ImageBuildTests.makeTree(state + "/chroot")
    let paths = try Self.importing("dir:\(state)/chroot", into: state)
    #expect(try Self.listing(paths.rootfs) == (try Self.listing(state + "/chroot")))
    try FileManager.default.createDirectory(atPath: state + "/empty", withIntermediateDirectories: true)
    #expect { try Self.importing("dir:\(state)/empty", into: state, name: "empty") } throws: {
      "\($0)".contains("no /bin/sh")
    }
    #expect(!FileManager.default.fileExists(atPath: state + "/images/empty"))
  }

  /// Each bad input: a clear error, and no tree or scratch files left.
  @Test(arguments: ["dotdot", "symlink-escape", "truncated", "digest", "missing-layer", "not-an-archive"])
  func badInputIsRefusedAndLeavesNothing(_ kind: String) throws {
    let src = try Self.handMade(["dotdot", "symlink-escape"].contains(kind) ? kind : "good")
    let state = try Fixtures.scratch("image-bad")
    defer { try? FileManager.default.removeItem(atPath: src); try? FileManager.default.removeItem(atPath: state) }
    var source = "docker-archive:\(src)/docker.tar"
    let expected: String
    switch kind {
    case "dotdot": expected = "escapes the image: ../../etc/shadow"
    case "symlink-escape": expected = "through the symlink /evil"
    case "truncated":
      #expect(try Shell.run("head -c 15000 \(src)/docker.tar > \(src)/cut.tar").status == 0)
      source = "docker-archive:\(src)/cut.tar"
      expected = "Truncated tar archive"
    case "digest":
      let blob = try Shell.run("ls -S \(src)/oci/blobs/sha256 | head -1").output.trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(try Shell.run("printf X | dd of=\(src)/oci/blobs/sha256/\(blob) bs=1 seek=40 conv=notrunc 2>/dev/null").status == 0)
      source = "oci:\(src)/oci:test"
      expected = "does not match its digest"
    case "missing-layer":
      let blob = try Shell.run("ls -S \(src)/oci/blobs/sha256 | head -1").output.trimmingCharacters(in: .whitespacesAndNewlines)
      unlink("\(src)/oci/blobs/sha256/\(blob)")
      source = "oci:\(src)/oci:test"
      expected = "is missing from the image"
    default:
      try "not a tar".write(toFile: src + "/junk.tar", atomically: true, encoding: .utf8)
      source = "oci-archive:\(src)/junk.tar"
      expected = "cannot unpack"
    }
    #expect { try Self.importing(source, into: state) } throws: { "\($0)".contains(expected) }
    #expect(!FileManager.default.fileExists(atPath: state + "/images/img"))
    #expect(!FileManager.default.fileExists(atPath: "/etc/shadow-howl-test"))
  }

  @Test func importIntoAnExistingTreeIsRefused() throws {
    let src = try Self.handMade("good")
    let state = try Fixtures.scratch("image-twice")
    defer { try? FileManager.default.removeItem(atPath: src); try? FileManager.default.removeItem(atPath: state) }
    let paths = try Self.importing("oci:\(src)/oci:test", into: state)
    let before = try Self.listing(paths.rootfs)
    #expect { try Self.importing("docker-archive:\(src)/docker.tar", into: state) } throws: { "\($0)".contains("already has a tree") }
    #expect(try Self.listing(paths.rootfs) == before)
  }

  @Test func sourcesParse() throws {
    #expect(try ImageSource("docker-archive:/x/rocky-8.tar") == .dockerArchive("/x/rocky-8.tar"))
    #expect(try ImageSource("oci:/nonexistent/layout") == .ociLayout("/nonexistent/layout", tag: nil))
    #expect(try ImageSource("oci:/tmp:v1") == .ociLayout("/tmp", tag: "v1"))
    #expect(try ImageSource("dir:/srv/chroot") == .directory("/srv/chroot"))
    #expect(throws: ImageError.self) { try ImageSource("rocky-8.tar") }
  }
}
