import Foundation
import Runtime
import Testing
@testable import Services

/// The export manager's refusals, without an NFS server: each leaves no
/// file behind. (This machine's kernel has no nfsd, so the kernel backend
/// is tested on its rendering and on refusing; ganesha in GaneshaNFSTests.)
@Suite struct NFSManagerTests {
  /// A scratch root with one exportable directory, `ROOT/data`.
  final class Root {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("howl-nfs-\(UUID().uuidString)").path
    init() throws { try FileManager.default.createDirectory(atPath: path + "/data", withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    /// Everything under the root but the exported directory.
    var files: [String] { (FileManager.default.subpaths(atPath: path) ?? []).filter { $0 != "data" }.sorted() }
    func server(backend: ServerConfig.NFSBackend = .auto, exports: [String: String] = ["data": "rw"]) -> ServerConfig {
      var server = ServerConfig(ipaddr: "10.0.0.1", netmask: "255.255.255.0")
      server.nfs.backend = backend
      for (name, options) in exports.sorted(by: { $0.key < $1.key }) {
        server.exports[name] = ServerConfig.ExportEntry(path: path + "/" + name, options: options)
      }
      return server
    }
  }

  @Test func theKernelBackendIsRefusedWhereTheKernelHasNoNFSServer() throws {
    let root = try Root()
    let manager = NFSExportManager(root: root.path)
    manager.kernelAvailable = { false }
    #expect(throws: NFSError.self) { try manager.apply(root.server(backend: .kernel)) }
    do { _ = try manager.apply(root.server(backend: .kernel)) } catch {
      #expect("\(error)".contains("this machine's kernel has no NFS server"))
    }
    #expect(root.files.isEmpty)
  }

  @Test func aFailedExportfsLeavesNoExportsFile() throws {
    guard KernelExports.exportfs == nil else { return }
    let root = try Root()
    let manager = NFSExportManager(root: root.path)
    manager.kernelAvailable = { true }
    do {
      _ = try manager.apply(root.server(backend: .kernel))
      Issue.record("applied without exportfs")
    } catch {
      #expect("\(error)".contains("exportfs is not installed"))
    }
    #expect(!FileManager.default.fileExists(atPath: NFSPaths(root: root.path).kernelExports))
    #expect(!FileManager.default.fileExists(atPath: NFSPaths(root: root.path).state))
  }

  @Test func offMeansNothingIsWritten() throws {
    let root = try Root()
    let manager = NFSExportManager(root: root.path)
    #expect(try manager.apply(root.server(backend: .none)).summary == "nfs (none): off (server.nfs.backend is none)")
    var disabled = root.server(backend: .ganesha)
    disabled.nfs.enabled = false
    #expect(try manager.apply(disabled).summary == "nfs (none): off (server.nfs.enabled is false)")
    #expect(root.files.isEmpty)
  }

  @Test(arguments: [
    (["data": "rw", "gone": "rw"], "export 'gone': the export path ROOT/gone does not exist"),
    (["data": "rw,no_such_option"], "export 'data': unknown export option 'no_such_option'"),
  ])
  func anExportThatCannotBeServedChangesNothing(exports: [String: String], message: String) throws {
    let root = try Root()
    let manager = NFSExportManager(root: root.path)
    manager.kernelAvailable = { false }
    do {
      _ = try manager.apply(root.server(backend: .ganesha, exports: exports))
      Issue.record("applied")
    } catch {
      #expect("\(error)" == message.replacingOccurrences(of: "ROOT", with: root.path))
    }
    #expect(root.files.isEmpty)
  }

  @Test func pathsAreComparedAsServed() throws {
    let root = try Root()
    var server = root.server(backend: .ganesha, exports: [:])
    server.exports["home"] = ServerConfig.ExportEntry(path: root.path + "/data/")
    server.exports["again"] = ServerConfig.ExportEntry(path: root.path + "//data")
    do {
      _ = try NFSExportManager(root: root.path).apply(server)
      Issue.record("applied")
    } catch {
      #expect("\(error)" == "export 'again': \(root.path)/data is also exported as 'home'")
    }
    #expect(root.files.isEmpty)
  }

  @Test func noExportsStartNoServer() throws {
    let root = try Root()
    let manager = NFSExportManager(root: root.path)
    manager.kernelAvailable = { false }
    #expect(try manager.apply(root.server(exports: [:])).summary == "nfs (ganesha): no exports, ganesha not started")
    #expect(manager.startedPID == nil)
    #expect(root.files.isEmpty)
  }
}
