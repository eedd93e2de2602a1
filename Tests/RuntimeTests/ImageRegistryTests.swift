import Foundation
import Runtime
import Testing

/// Pulling from a registry: Debian's `docker-registry` on 127.0.0.1 at a
/// port the test picks, filled with `skopeo`; a manifest list resolved to
/// this host's architecture or the platform asked for; a corrupt blob refused.
struct ImageRegistryTests {
  /// A registry serving `storage` on 127.0.0.1:`port` until `stop()`.
  final class LocalRegistry {
    let process = Process()
    let port: Int

    init(storage: String) throws {
      port = 20000 + Int(getpid() % 10000) + Int.random(in: 0..<1000)
      let config = """
        version: 0.1
        log:
          level: error
        storage:
          filesystem:
            rootdirectory: \(storage)
        http:
          addr: 127.0.0.1:\(port)
        """
      try config.write(toFile: storage + ".yml", atomically: true, encoding: .utf8)
      process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
      process.arguments = ["serve", storage + ".yml"]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      for _ in 0..<100 {
        if try Shell.run("curl -sf http://127.0.0.1:\(port)/v2/ >/dev/null").status == 0 { return }
        usleep(100_000)
      }
      stop()
      throw ImageError("docker-registry did not start on 127.0.0.1:\(port)")
    }

    func stop() {
      if process.isRunning {
        process.terminate()
        process.waitUntilExit()
      }
    }
  }

  @Test func pullsResolvesTheManifestListAndVerifiesBlobs() throws {
    let src = try ImageImportTests.handMade("good")
    let state = try Fixtures.scratch("image-registry")
    defer { try? FileManager.default.removeItem(atPath: src); try? FileManager.default.removeItem(atPath: state) }
    let registry = try LocalRegistry(storage: state + "/registry")
    defer { registry.stop() }
    let host = "127.0.0.1:\(registry.port)"

    // A two-architecture index, arm64 first: its manifest lacks the top layer
    // (so etc/old is there) and its config says arm64.
    let multiarch = """
      import json, hashlib, os, sys, shutil
      src = sys.argv[1]; blobs = src + '/oci/blobs/sha256/'
      index = json.load(open(src + '/oci/index.json'))
      amd = index['manifests'][0]
      manifest = json.load(open(blobs + amd['digest'][7:]))
      manifest['layers'] = manifest['layers'][:1]
      config = json.load(open(blobs + manifest['config']['digest'][7:])); config['architecture'] = 'arm64'
      cdata = json.dumps(config).encode(); cdigest = hashlib.sha256(cdata).hexdigest(); open(blobs + cdigest, 'wb').write(cdata)
      manifest['config'] = dict(manifest['config'], digest='sha256:' + cdigest, size=len(cdata))
      data = json.dumps(manifest).encode(); digest = hashlib.sha256(data).hexdigest()
      open(blobs + digest, 'wb').write(data)
      arm = {'mediaType': amd['mediaType'], 'digest': 'sha256:' + digest, 'size': len(data), 'platform': {'architecture': 'arm64', 'os': 'linux'}}
      amd['platform'] = {'architecture': 'amd64', 'os': 'linux'}
      inner = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json', 'manifests': [arm, {k: v for k, v in amd.items() if k != 'annotations'}]}).encode()
      idigest = hashlib.sha256(inner).hexdigest(); open(blobs + idigest, 'wb').write(inner)
      index['manifests'] = [{'mediaType': 'application/vnd.oci.image.index.v1+json', 'digest': 'sha256:' + idigest, 'size': len(inner), 'annotations': {'org.opencontainers.image.ref.name': 'multi'}}] + index['manifests']
      json.dump(index, open(src + '/oci/index.json', 'w'))
      """
    try multiarch.write(toFile: src + "/multiarch.py", atomically: true, encoding: .utf8)
    #expect(try Shell.run("python3 \(src)/multiarch.py \(src)").status == 0)
    for (tag, all) in [("test", ""), ("multi", "--all ")] {
      let pushed = try Shell.run("skopeo copy --quiet \(all)--dest-tls-verify=false oci:\(src)/oci:\(tag) docker://\(host)/howl/test:\(tag)")
      #expect(pushed.status == 0, "\(pushed.output)")
    }

    let reference = ImagePaths(name: "ref", stateDirectory: state)
    try ImageImporter(paths: reference).run(try ImageSource("oci:\(src)/oci:test"))
    let expected = try ImageImportTests.listing(reference.rootfs)
    for tag in ["test", "multi"] {
      let paths = ImagePaths(name: "pulled-\(tag)", stateDirectory: state)
      try ImageImporter(paths: paths).run(try ImageSource("docker://\(host)/howl/test:\(tag)"))
      #expect(try ImageImportTests.listing(paths.rootfs) == expected, "\(tag)")
    }

    // platform: takes the arm64 manifest; a platform the index lacks is an
    // error listing those it has, and leaves nothing.
    let arm = ImagePaths(name: "arm", stateDirectory: state)
    #expect(try ImageImporter(paths: arm).run(try ImageSource("docker://\(host)/howl/test:multi"), platform: try Platform("linux/arm64")) == .aarch64)
    #expect(FileManager.default.fileExists(atPath: arm.rootfs + "/etc/old"))
    let s390 = ImagePaths(name: "s390", stateDirectory: state)
    #expect { try ImageImporter(paths: s390).run(try ImageSource("docker://\(host)/howl/test:multi"), platform: try Platform("linux/s390x")) } throws: {
      "\($0)" == "howl/test:multi has no image for linux/s390x (it has linux/arm64, linux/amd64)"
    }
    #expect(!FileManager.default.fileExists(atPath: s390.imageDirectory))

    // A blob changed in the registry's storage is refused, and nothing is left.
    let layer = try Shell.run("ls -S \(src)/oci/blobs/sha256 | head -1").output.trimmingCharacters(in: .whitespacesAndNewlines)
    let stored = "\(state)/registry/docker/registry/v2/blobs/sha256/\(layer.prefix(2))/\(layer)/data"
    #expect(try Shell.run("printf X | dd of=\(stored) bs=1 seek=40 conv=notrunc 2>/dev/null").status == 0)
    let bad = ImagePaths(name: "bad", stateDirectory: state)
    #expect { try ImageImporter(paths: bad).run(try ImageSource("docker://\(host)/howl/test:test")) } throws: {
      "\($0)".contains("does not match its digest")
    }
    #expect(!FileManager.default.fileExists(atPath: bad.imageDirectory))
    #expect { try ImageImporter(paths: bad).run(try ImageSource("docker://\(host)/howl/missing:1")) } throws: {
      "\($0)".contains("answered 404")
    }
  }

  @Test func referencesParse() throws {
    let hub = try RegistryReference("docker://rockylinux:9")
    #expect(hub == RegistryReference(registry: "registry-1.docker.io", repository: "library/rockylinux", reference: "9"))
    let local = try RegistryReference("docker://127.0.0.1:5000/hpc/rocky")
    #expect(local.registry == "127.0.0.1:5000" && local.repository == "hpc/rocky" && local.reference == "latest")
    let pinned = try RegistryReference("docker://ghcr.io/warewulf/rocky@sha256:" + String(repeating: "a", count: 64))
    #expect(pinned.reference.hasPrefix("sha256:") && pinned.repository == "warewulf/rocky")
    #expect(throws: ImageError.self) { try RegistryReference("docker://ghcr.io/../x") }
  }
}
