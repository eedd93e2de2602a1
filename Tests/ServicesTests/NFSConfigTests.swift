import Foundation
import Runtime
import Testing
@testable import Services

/// The NFS configuration Howl writes, against golden files
/// (`Tests/Fixtures/services/nfs/`, rewritten with `HOWL_RECORD=1`), and
/// the export ids that must not move.
@Suite struct NFSConfigTests {
  static let golden = Fixture.packageRoot.appendingPathComponent("Tests/Fixtures/services/nfs").path
  static var recording: Bool { ProcessInfo.processInfo.environment["HOWL_RECORD"].map { !$0.isEmpty } ?? false }

  /// Three exports covering the option translations.
  static func exports() throws -> [ServedExport] {
    let entries: [(String, String, String, String?, Int)] = [
      ("rocky-8-opt", "/var/lib/howl/images/rocky-8/rootfs/opt", "rw,sync,no_root_squash", "rocky-8", 1),
      ("scratch", "/srv/scratch space", "ro,all_squash,anonuid=65534,anongid=65534,insecure,sec=krb5p:sys", nil, 7),
      ("home", "/home", "rw,sync,no_subtree_check", nil, 3),
    ]
    return try entries.map { name, path, options, image, id in
      ServedExport(name: name, path: path, id: id, optionText: options, options: try ExportOptions(options), image: image)
    }
  }

  static let network = NFSNetwork(address: IPv4("10.0.0.1"), netmask: IPv4("255.255.252.0"))

  static func check(_ text: String, against name: String) throws {
    let path = golden + "/" + name
    if recording {
      try FileManager.default.createDirectory(atPath: golden, withIntermediateDirectories: true)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return
    }
    #expect(text == (try String(contentsOfFile: path, encoding: .utf8)), "\(name) differs from its golden file; HOWL_RECORD=1 rewrites it")
  }

  @Test func ganeshaConfigurationMatchesItsGoldenFile() throws {
    try Self.check(GaneshaConfig.render(try Self.exports(), network: Self.network, recoveryRoot: "/var/lib/howl/nfs/ganesha"),
                   against: "ganesha.conf")
  }

  @Test func kernelExportsMatchTheirGoldenFile() throws {
    try Self.check(KernelExports.render(try Self.exports(), network: Self.network), against: "howl.exports")
  }

  @Test func recordingIsOff() { #expect(!Self.recording, "HOWL_RECORD is set: golden files were rewritten, not checked") }

  @Test func withoutAnAddressEveryAddressAndClientIsServed() throws {
    let network = NFSNetwork(address: nil, netmask: IPv4("255.255.255.0"))
    #expect(network.clients == nil)
    let text = GaneshaConfig.render(try Self.exports(), network: network, recoveryRoot: "/r")
    #expect(!text.contains("Bind_addr") && !text.contains("CLIENT"))
    #expect(text.contains("    Access_Type = RW;\n") && text.contains("    Access_Type = RO;\n"))
    #expect(KernelExports.render(try Self.exports(), network: network).contains("\"/home\" *(rw,sync,no_subtree_check)\n"))
    #expect(NFSNetwork(address: IPv4("10.1.2.3"), netmask: IPv4("255.255.255.0")).clients == "10.1.2.0/24")
    #expect(GaneshaConfig.serverPart(text) == GaneshaConfig.serverPart(GaneshaConfig.render([], network: network, recoveryRoot: "/r")))
  }

  @Test func exportIdsStayWithTheirPaths() throws {
    var state = NFSState()
    #expect(try state.assignIDs(["/a", "/b", "/c"]) == ["/a": 1, "/b": 2, "/c": 3])
    // Removing /b and adding /d moves no other id; /b comes back with its own.
    #expect(try state.assignIDs(["/a", "/c", "/d"]) == ["/a": 1, "/c": 3, "/d": 4])
    #expect(try state.assignIDs(["/d", "/b"]) == ["/d": 4, "/b": 2])
    // Once every id was given, a new path takes the lowest one no current export holds.
    state.ids["/last"] = 65535
    #expect(try state.assignIDs(["/a", "/new"]) == ["/a": 1, "/new": 2])
    #expect(state.ids["/b"] == nil)
  }

  @Test func theKernelServerIsFoundByItsFileSystemOrModule() throws {
    let proc = FileManager.default.temporaryDirectory.appendingPathComponent("howl-proc-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: proc) }
    try FileManager.default.createDirectory(atPath: proc + "/fs/nfsd", withIntermediateDirectories: true)
    try "nodev\tsysfs\nnodev\tproc\n".write(toFile: proc + "/filesystems", atomically: true, encoding: .utf8)
    #expect(!KernelExports.available(proc: proc, modules: proc + "/modules"), "an empty /proc/fs/nfsd proves nothing")
    try "nodev\tsysfs\nnodev\tnfsd\n".write(toFile: proc + "/filesystems", atomically: true, encoding: .utf8)
    #expect(KernelExports.available(proc: proc, modules: proc + "/modules"))
    try "nodev\tsysfs\n".write(toFile: proc + "/filesystems", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: proc + "/sys/kernel", withIntermediateDirectories: true)
    try "6.1.0-9-amd64\n".write(toFile: proc + "/sys/kernel/osrelease", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: proc + "/modules/6.1.0-9-amd64/kernel/fs/nfsd", withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: proc + "/modules/6.1.0-9-amd64/kernel/fs/nfsd/nfsd.ko.xz", contents: Data())
    #expect(KernelExports.available(proc: proc, modules: proc + "/modules"))
  }
}
