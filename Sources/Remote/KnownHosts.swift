import Foundation
import Runtime

/// A `known_hosts` file for one run of `ssh`: the cluster's host keys
/// (`ClusterKeys.hostKeys`) known under the names of exactly the nodes asked,
/// which `ssh` looks up through `HostKeyAlias`. Written to a private
/// temporary directory, removed by `remove()`.
struct KnownHosts {
  let directory: String
  var path: String { directory + "/known_hosts" }

  init(keys: ClusterKeys, nodes: [String]) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("howl-ssh-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    let names = nodes.joined(separator: ",")
    let text = keys.hostKeys.map { "\(names) \($0)\n" }.joined()
    guard FileManager.default.createFile(atPath: directory + "/known_hosts", contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
      remove()
      throw SpawnError("cannot write \(directory)/known_hosts")
    }
  }

  func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
