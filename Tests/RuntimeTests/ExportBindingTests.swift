import Foundation
import Lang
import Testing
@testable import Runtime

/// `exports` from the language: what `exports.add` refuses (and that a
/// refusal changes nothing), the options it understands, removal guarded
/// by mounts, the table, and `exports.apply()` through the hook.
@Suite struct ExportBindingTests {
  @Test(arguments: [
    ("exports.add(\"/no/such/dir\")", "the export path /no/such/dir does not exist"),
    ("exports.add(\"opt\")", "an export needs an absolute path, not \"opt\""),
    ("exports.add(\"ROOT/data/../data\")", "an export path may not contain '..'"),
    ("exports.add(\"/\")", "exporting / (the head node's whole file system) is refused"),
    ("exports.add(\"ROOT/data/file\")", "is not a directory"),
    ("exports.add(\"ROOT/data\", name: \"again\")", "ROOT/data is already exported as 'data'"),
    ("exports.add(\"ROOT/data/\", name: \"again\")", "ROOT/data is already exported as 'data'"),
    ("exports.add(\"ROOT/other\", name: \"data\")", "export 'data' already exists"),
    ("exports.add(\"ROOT/other\", options: \"rw,no_root_sqash\")", "unknown export option 'no_root_sqash' (did you mean 'no_root_squash'?)"),
    ("exports.add(\"ROOT/other\", options: \"rw,ro\")", "export options 'rw' and 'ro' contradict each other"),
    ("exports.add(\"ROOT/other\", options: \"anonuid=me\")", "export option 'anonuid=me' needs a number"),
    ("exports[\"data\"].options = \"rw,bogus\"", "unknown export option 'bogus'"),
    ("exports.remove(\"data\")", "export 'data' is mounted by profile default"),
    ("images.remove(\"img\")", "image 'img' has the export 'img-opt', mounted by nodes n[1-2]"),
  ])
  func badInputIsRefusedAndChangesNothing(line: String, message: String) throws {
    let cluster = try ExportBindingTests.clusterWithExports()
    let before = try cluster.committed()
    let failure = cluster.failure(line.replacingOccurrences(of: "ROOT", with: cluster.root) + "\nprint(1)")
    #expect(failure?.contains(message.replacingOccurrences(of: "ROOT", with: cluster.root)) == true, "\(failure ?? "no error")")
    #expect(try cluster.committed() == before)
  }

  /// `data` (mounted by the default profile) and `img-opt` (mounted by n1 and n2).
  static func clusterWithExports() throws -> ScratchCluster {
    let cluster = try ScratchCluster("exports")
    for dir in ["data", "other"] { try FileManager.default.createDirectory(atPath: cluster.root + "/" + dir, withIntermediateDirectories: true) }
    _ = FileManager.default.createFile(atPath: cluster.root + "/data/file", contents: Data())
    let tree = try cluster.tree("img")
    try cluster.script("""
      let data = exports.add("\(cluster.root)/data//", options: "rw,sync,no_root_squash", name: "data")
      profiles["default"].mounts += [mount(data, at: "/data")]
      let img = images.import("dir:\(tree)", name: "img")
      let opt = exports.add(img.path("/opt"))
      nodes.add("n[1-2]")
      for n in nodes { n.mounts += [mount(opt, at: "/opt")] }
      """)
    return cluster
  }

  @Test func exportsPrintAsATableWithTheirMounts() throws {
    let cluster = try ExportBindingTests.clusterWithExports()
    let lines = try cluster.script("print(exports)").split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
    #expect(lines == [
      "NAME PATH OPTIONS MOUNTED BY",
      "data \(cluster.root)/data rw,sync,no_root_squash profile default",
      "img-opt \(cluster.stateDirectory)/images/img/rootfs/opt rw,sync,no_subtree_check nodes n[1-2]",
    ])
  }

  @Test func optionsParseAsExportsFiveSays() throws {
    let defaults = try ExportOptions("")
    #expect(defaults.access == .readOnly && defaults.squash == .root && defaults.securePort && defaults.security.isEmpty)
    let options = try ExportOptions("rw, sync,no_subtree_check,all_squash,anonuid=1000,anongid=100,insecure,sec=krb5p:sys,fsid=7")
    #expect(options.access == .readWrite && options.squash == .all && !options.securePort)
    #expect(options.anonUID == 1000 && options.anonGID == 100 && options.security == ["krb5p", "sys"])
    #expect(options.kernelOnly == ["sync", "no_subtree_check", "fsid=7"])
    #expect(throws: ExportOptions.Problem.self) { try ExportOptions("sec=ntlm") }
    #expect(throws: ExportOptions.Problem.self) { try ExportOptions("root_squash,no_root_squash") }
  }

  @Test func applyServesTheCommittedExportsOnly() throws {
    let cluster = try ExportBindingTests.clusterWithExports()
    #expect(cluster.failure("exports.apply()") == "exports.apply() needs howl's NFS manager, not installed here")
    let applier = RecordingApplier()
    cluster.exportApplier = applier
    #expect(cluster.failure("exports.remove(\"img-opt\")\nexports.apply()")?.contains("mounted by nodes n[1-2]") == true)
    #expect(cluster.failure("exports[\"data\"].options = \"ro\"\nexports.apply()")
      == "exports.apply() serves the committed exports, and export changes are staged (commit() first, then exports.apply())")
    #expect(cluster.failure("server.nfs.backend = \"ganesha\"\nexports.apply()")?.contains("commit() first") == true)
    #expect(applier.applied.isEmpty)
    let printed = try cluster.script("""
      exports["data"].options = "ro"
      commit()
      print(exports.apply())
      """)
    #expect(printed == "{backend: \"test\", added: [\"data\"], removed: [], changed: [], action: \"recorded\"}\n")
    #expect(applier.applied.map { $0.exports["data"]?.options } == ["ro"])
  }

  @Test func nfsSettingsFromTheLanguage() throws {
    let cluster = try ScratchCluster("nfs-settings")
    let printed = try cluster.script("""
      print(server.nfs.backend, server.nfs.enabled, server.nfs.ganesha_config)
      server.nfs.backend = "ganesha"
      server.nfs.ganesha_pid_file = "/run/ganesha/ganesha.pid"
      print(server.nfs)
      """)
    #expect(printed == "auto true nil\nserver.nfs\n  enabled           true\n  backend           ganesha\n  ganesha_pid_file  /run/ganesha/ganesha.pid\n")
    #expect(try cluster.committed().server.nfs == ServerConfig.NFS(backend: .ganesha, ganeshaPidFile: "/run/ganesha/ganesha.pid"))
    #expect(cluster.failure("server.nfs.backend = \"ganesh\"") == "server.nfs.backend is one of auto, ganesha, kernel, none (did you mean 'ganesha'?)")
    #expect(cluster.failure("server.nfs.ganesha_config = \"ganesha.conf\"") == "server.nfs.ganesha_config needs an absolute path, not \"ganesha.conf\"")
  }
}

/// An `ExportApplying` that records what it was asked to apply.
final class RecordingApplier: ExportApplying {
  var applied: [ServerConfig] = []
  func apply(_ server: ServerConfig) throws -> ExportApplyReport {
    applied.append(server)
    return ExportApplyReport(backend: "test", added: Array(server.exports.keys.prefix(1)), action: "recorded")
  }
  /// What the last apply was given.
  func servedExports(_ server: ServerConfig) -> [String: String] {
    applied.last?.exports.mapValues(\.path).reduce(into: [:]) { $0[$1.key] = $1.value } ?? [:]
  }
}
