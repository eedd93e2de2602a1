import Foundation
@testable import Services

/// A head node and a client for NFS tests: a veth pair between two network
/// namespaces (server 10.77.0.1, client 10.77.0.2), a scratch `HOWL_ROOT`
/// with an image tree to import, `howl` scripts run in the server's
/// namespace (so the nfs-ganesha they start lives there), and libnfs's
/// userspace client (`nfs-cat`, `nfs-ls`, `nfs-cp`, NFSv4) in the client's.
/// On release it stops the ganesha of the root's pid file, then removes
/// the namespaces and the root, also when a test failed.
final class NFSLab {
  let pair: VethPair
  let root: String

  /// Whether this machine can run the lab: root, nfs-ganesha and libnfs's tools.
  static var available: Bool {
    getuid() == 0 && GaneshaDaemon.executable() != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/nfs-cat")
  }

  init() throws {
    pair = try VethPair(clientMAC: "52:54:00:77:00:21")
    root = FileManager.default.temporaryDirectory.appendingPathComponent("howl-nfslab-\(UUID().uuidString)").path
    let address = try run(["ip", "-n", pair.client, "addr", "add", "10.77.0.2/24", "dev", "vc0"])
    guard address.status == 0 else { throw TestFailure("client address: \(address.output)") }
    let tree = root + "/src"
    for dir in ["bin", "etc", "opt/tools"] { try FileManager.default.createDirectory(atPath: tree + "/" + dir, withIntermediateDirectories: true) }
    try "#!/bin/true\n".write(toFile: tree + "/bin/sh", atomically: true, encoding: .utf8)
    try "r8\n".write(toFile: tree + "/etc/hostname", atomically: true, encoding: .utf8)
    try "hello from /opt\n".write(toFile: tree + "/opt/tools/README", atomically: true, encoding: .utf8)
  }

  deinit {
    if let pid = ganeshaPID { GaneshaDaemon(paths: paths).stop(pid) }
    try? FileManager.default.removeItem(atPath: root)
  }

  var howlRoot: String { root + "/root" }
  var paths: NFSPaths { NFSPaths(root: howlRoot) }
  var ganeshaPID: Int32? { GaneshaDaemon(paths: paths).runningPID() }
  var environment: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["HOWL_ROOT"] = howlRoot
    environment["NO_COLOR"] = "1"
    return environment
  }

  /// Runs `howl -c text` in the server's namespace.
  @discardableResult
  func howl(_ text: String) throws -> String {
    let result = try run(["ip", "netns", "exec", pair.server, Fixture.howl, "-c", text], timeout: 60, environment: environment)
    guard result.status == 0 else { throw TestFailure("howl -c failed (\(result.status)):\n\(text)\n\(result.output)") }
    return result.output
  }

  /// `nfs-cat` of `path` on the server from the client's namespace; nil if it cannot be read.
  func read(_ path: String, from server: String = "10.77.0.1") throws -> String? {
    let url = "nfs://" + server + path + "?version=4"
    let result = try run(["ip", "netns", "exec", pair.client, "nfs-cat", url], timeout: 20)
    return result.status == 0 ? result.output : nil
  }

  /// `nfs-cp` of a local file to `path` on the server; whether it worked.
  func write(_ text: String, to path: String) throws -> Bool {
    let local = root + "/upload-\(UUID().uuidString.prefix(6))"
    try text.write(toFile: local, atomically: true, encoding: .utf8)
    let url = "nfs://10.77.0.1" + path + "?version=4"
    return try run(["ip", "netns", "exec", pair.client, "nfs-cp", local, url], timeout: 20).status == 0
  }

  /// The ganesha log since the lab began.
  var ganeshaLog: String { (try? String(contentsOfFile: paths.ganeshaLog, encoding: .utf8)) ?? "" }
}
