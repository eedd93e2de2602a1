import Foundation
import Runtime
import Testing

/// Per-node overlay images: contents and modes after unpacking with `cpio`,
/// later overlays winning, shared archives, and rebuilding only what changed.
struct OverlayBuildTests {
  /// Unpacks a gzip'd image (several gzip members, one cpio stream) with `gzip -d | cpio -i`, as dracut does.
  static func unpack(_ image: String) throws -> String {
    let target = FileManager.default.temporaryDirectory.appendingPathComponent("howl-unpack-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "gzip -dc \"$1\" | (cd \"$2\" && cpio -idm --quiet --no-absolute-filenames)", "sh", image, target]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return target
  }

  static func text(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
  }

  static func mode(_ path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
  }

  @Test func buildsSystemAndRuntimeImages() throws {
    let fixture = try OverlayFixture()
    let builder = try fixture.builder()
    let results = builder.build(["n1", "n2", "n3"])
    #expect(results.map(\.status) == [.built, .built, .built])
    #expect(!FileManager.default.fileExists(atPath: builder.imagePath(node: "n1", kind: .system)), "parts only")
    let system = try Self.unpack(builder.image(node: "n1", kind: .system))
    defer { try? FileManager.default.removeItem(atPath: system) }
    #expect(builder.imagePath(node: "n1", kind: .system).hasSuffix("/var/lib/howl/provision/overlays/n1/__SYSTEM__.img.gz"))
    #expect(Self.text(system + "/etc/hostname") == "n1\n")
    #expect(Self.text(system + "/etc/hosts")?.contains("10.0.1.1 n1 n1-default n1-eth0") == true)
    #expect(Self.text(system + "/warewulf/config")?.contains("WWHOSTNAME='n1'") == true)
    #expect(Self.mode(system + "/warewulf/config") == 0o600)
    #expect(Self.mode(system + "/init") == 0o755)
    #expect(FileManager.default.fileExists(atPath: system + "/etc/hostname.ww") == false)
    #expect(FileManager.default.fileExists(atPath: system + "/etc/passwd") == false)
    let runtime = try Self.unpack(builder.image(node: "n2", kind: .runtime))
    defer { try? FileManager.default.removeItem(atPath: runtime) }
    #expect(Self.text(runtime + "/etc/passwd")?.contains("alice:x:2001") == true)
    #expect(Self.text(runtime + "/root/.ssh/authorized_keys") == "ssh-ed25519 AAAAfixtureadmin admin@head\nssh-ed25519 AAAAfixturecluster howl cluster key\n")
    #expect(FileManager.default.fileExists(atPath: runtime + "/etc/hostname") == false)
  }

  @Test func laterOverlayWins() throws {
    let fixture = try OverlayFixture()
    try fixture.overlays.create("site")
    try fixture.overlays.write("site", path: "etc/hostname.ww", contents: Array("site-{{.Id}}\n".utf8))
    var state = try fixture.store.load()
    state.cluster.nodes["n1"]![FieldPath(["system overlay"])] = .strings(["site"])  // appended to the profile's list
    let builder = try fixture.builder(state)
    #expect(builder.build(["n1"]).map(\.status) == [.built])
    let system = try Self.unpack(builder.image(node: "n1", kind: .system))
    defer { try? FileManager.default.removeItem(atPath: system) }
    #expect(Self.text(system + "/etc/hostname") == "site-n1\n")
  }

  @Test func completeImagesAndParts() throws {
    let fixture = try OverlayFixture()
    let builder = try fixture.builder()
    #expect(builder.build(["n1", "n2"], complete: true).map(\.status) == [.built, .built])
    let complete = builder.imagePath(node: "n1", kind: .system)
    #expect(FileManager.default.fileExists(atPath: complete))
    let parts = try builder.imageParts(node: "n1", kind: .system)
    #expect(parts.count == 2 && parts[0].contains("/provision/overlay-parts/") && parts[1].hasSuffix("n1/__SYSTEM__.node.gz"))
    let joined = try parts.flatMap { [UInt8](try #require(FileManager.default.contents(atPath: $0))) }
    #expect(joined == [UInt8](try #require(FileManager.default.contents(atPath: complete))))
    #expect(try builder.imageParts(node: "n2", kind: .system)[0] == parts[0], "same overlays, same shared part")
    // A rebuild without `complete` removes the now stale complete image; `image` assembles it again.
    #expect(builder.build(["n1"], force: true).map(\.status) == [.built])
    #expect(!FileManager.default.fileExists(atPath: complete))
    #expect(try builder.image(node: "n1", kind: .system) == complete)
    #expect(FileManager.default.fileExists(atPath: complete))
  }

  @Test func rebuildsOnlyWhatChanged() throws {
    let fixture = try OverlayFixture()
    #expect(try fixture.builder().build(["n1", "n2", "n3"]).map(\.status) == [.built, .built, .built])
    #expect(try fixture.builder().build(["n1", "n2", "n3"]).map(\.status) == [.current, .current, .current])
    // n2's own data changes: n2 is rebuilt, and so are the others, whose /etc/hosts lists every node.
    var state = try fixture.store.load()
    state.cluster.nodes["n2"]![FieldPath(["comment"])] = .string("changed")
    #expect(try fixture.builder(state).build(["n1", "n2"]).map(\.status) == [.built, .built])
    // A change that only n3's own templates see.
    state.cluster.nodes["n3"]![FieldPath(["comment"])] = .string("again")
    #expect(try fixture.builder(state).build(["n3"]).map(\.status) == [.built])
    // An overlay source edit rebuilds the nodes using it.
    try fixture.overlays.write("hostname", path: "etc/hostname.ww", contents: Array("{{.Id}}.cluster\n".utf8))
    #expect(try fixture.builder(state).build(["n1"]).map(\.status) == [.built])
    #expect(try fixture.builder(state).build(["n1"], force: true).map(\.status) == [.built])
  }

  @Test func nodeWithoutAllNodesDependenceIsNotRebuiltForOthers() throws {
    let fixture = try OverlayFixture()
    var state = try fixture.store.load()
    state.cluster.profiles["default"]![FieldPath(["system overlay"])] = .strings(["hostname"])
    state.cluster.profiles["default"]![FieldPath(["runtime overlay"])] = .list([])
    #expect(try fixture.builder(state).build(["n1", "n2"]).map(\.status) == [.built, .built])
    state.cluster.nodes["n2"]![FieldPath(["comment"])] = .string("changed")
    #expect(try fixture.builder(state).build(["n1", "n2"]).map(\.status) == [.current, .built])
  }

  @Test func onDemandImageBuildsWhenMissing() throws {
    let fixture = try OverlayFixture()
    let builder = try fixture.builder()
    let path = try builder.image(node: "n3", kind: .runtime)
    #expect(FileManager.default.fileExists(atPath: path))
    #expect(path.hasSuffix("n3/__RUNTIME__.img.gz"))
    #expect(throws: OverlayError.self) { try builder.image(node: "nope", kind: .system) }
  }

  @Test func failuresNameOverlayNodeAndLine() throws {
    let fixture = try OverlayFixture()
    try fixture.overlays.create("broken")
    try fixture.overlays.write("broken", path: "etc/x.ww", contents: Array("line one\n{{.Nope}}\n".utf8))
    var state = try fixture.store.load()
    state.cluster.nodes["n1"]![FieldPath(["system overlay"])] = .strings(["broken"])
    state.cluster.nodes["n2"]![FieldPath(["system overlay"])] = .strings(["missing-overlay"])
    let results = try fixture.builder(state).build(["n1", "n2", "n3"])
    guard case .failed(let why) = results[0].status else { Issue.record("n1 should fail"); return }
    #expect(why.contains("node n1") && why.contains("broken:etc/x.ww:2:2") && why.contains("can't evaluate field Nope"))
    #expect(results[1].status == .failed("no overlay named 'missing-overlay'"))
    #expect(results[2].status == .built)
  }

  @Test func unusedSharedPartsAreRemoved() throws {
    let fixture = try OverlayFixture()
    let builder = try fixture.builder()
    _ = builder.build(["n1", "n2", "n3"])
    let used = try builder.imageParts(node: "n1", kind: .system)[0]
    let stale = builder.sharedDirectory + "/0123456789abcdef0123456789abcdef.gz"
    let fresh = builder.sharedDirectory + "/fedcba9876543210fedcba9876543210.gz"
    for path in [stale, fresh] { _ = FileManager.default.createFile(atPath: path, contents: Data()) }
    try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: stale)
    try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: used)
    #expect(builder.removeUnusedParts() == 1)
    #expect(!FileManager.default.fileExists(atPath: stale))
    #expect(FileManager.default.fileExists(atPath: fresh) && FileManager.default.fileExists(atPath: used))
  }

  @Test func nodeNamesThatClimbOutAreRefused() throws {
    let fixture = try OverlayFixture()
    var state = try fixture.store.load()
    state.cluster.nodes[".."] = state.cluster.nodes["n1"]
    let results = try fixture.builder(state).build([".."])
    #expect(results[0].status == .failed("node name '..' cannot name a directory"))
  }
}
