import Foundation

/// The cluster's SSH keys in `$HOWL_ROOT/etc/howl/keys/`, made by
/// `ssh-keygen` the first time a build needs them and never replaced:
/// - the host keys the stock `ssh.host_keys` overlay gives every node (the
///   same keys on all of them), made as `wwctl configure ssh` makes them:
///   one pair per type, `ssh_host_<type>_key` and `.pub`;
/// - the client key `cluster_key` (ed25519), whose public half the stock
///   `ssh.authorized_keys` overlay adds to root's authorized keys, and with
///   which `nodes[…].exec()` and `node.ssh()` log in.
public enum HostKeys {
  /// Warewulf's default `ssh.key types`, the keys the stock overlay holds.
  public static let types = ["ed25519", "ecdsa", "rsa"]
  /// The client key's file name in `keys/`.
  public static let clientKeyName = "cluster_key"

  /// Makes the host keys of every type that has none in `configDirectory`/keys
  /// (`configDirectory` is `$HOWL_ROOT/etc/howl`). Returns the types made.
  /// - Throws: `OverlayError` if `ssh-keygen` is missing or fails.
  @discardableResult
  public static func ensure(in configDirectory: String) throws -> [String] {
    let keys = configDirectory + "/keys"
    let missing = types.filter { !FileManager.default.fileExists(atPath: keys + "/ssh_host_\($0)_key") }
    for type in missing { try generate(type, at: keys + "/ssh_host_\(type)_key", comment: "howl host key") }
    return missing
  }

  /// Makes the client key if `configDirectory`/keys has none; true if made.
  /// - Throws: `OverlayError` if `ssh-keygen` is missing or fails.
  @discardableResult
  public static func ensureClientKey(in configDirectory: String) throws -> Bool {
    let path = configDirectory + "/keys/" + clientKeyName
    guard !FileManager.default.fileExists(atPath: path) else { return false }
    try generate("ed25519", at: path, comment: "howl cluster key")
    return true
  }

  /// The keys `exec()` and `ssh()` need, read from `configDirectory`/keys.
  /// - Throws: `OverlayError` naming what is missing.
  public static func cluster(in configDirectory: String) throws -> ClusterKeys {
    let keys = configDirectory + "/keys"
    let client = keys + "/" + clientKeyName
    guard FileManager.default.fileExists(atPath: client) else {
      throw OverlayError("there is no cluster SSH key (\(client)); it is made when a node's ssh.authorized_keys overlay is built, and reaches the nodes with their runtime overlay")
    }
    let hostKeys = types.compactMap { type -> String? in
      guard let data = FileManager.default.contents(atPath: keys + "/ssh_host_\(type)_key.pub") else { return nil }
      let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
      return fields.count >= 2 ? "\(fields[0]) \(fields[1])" : nil
    }
    guard !hostKeys.isEmpty else {
      throw OverlayError("there are no SSH host keys in \(keys); they are made when a node's ssh.host_keys overlay is built")
    }
    return ClusterKeys(clientKey: client, hostKeys: hostKeys)
  }

  /// One pair generated under a temporary name and renamed into place,
  /// public key first, so a reader never sees a private key without its
  /// public one, and two processes making it at once both end with one pair.
  private static func generate(_ type: String, at final: String, comment: String) throws {
    guard let keygen = ["/usr/bin/ssh-keygen", "/bin/ssh-keygen", "/usr/local/bin/ssh-keygen"]
      .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw OverlayError("cannot make the SSH key \(final): ssh-keygen is not installed (Debian: openssh-client)")
    }
    try FileManager.default.createDirectory(atPath: AtomicFile.parent(of: final), withIntermediateDirectories: true)
    let temporary = final + ".tmp-\(getpid())"
    defer {
      unlink(temporary)
      unlink(temporary + ".pub")
    }
    let result = try Command.run(keygen, ["-q", "-t", type, "-N", "", "-C", comment, "-f", temporary])
    guard result.status == 0 else {
      throw OverlayError("ssh-keygen -t \(type) failed (status \(result.status)): \(result.output)")
    }
    guard rename(temporary + ".pub", final + ".pub") == 0, rename(temporary, final) == 0 else {
      throw OverlayError("cannot put the SSH key \(final) in place: \(String(cString: strerror(errno)))")
    }
  }
}
