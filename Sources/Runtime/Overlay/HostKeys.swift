import Foundation

/// The SSH host keys the stock `ssh.host_keys` overlay gives every node (the
/// same keys on all of them), made as `wwctl configure ssh` makes them: one
/// pair per type, `ssh_host_<type>_key` and `.pub`, by `ssh-keygen`, in
/// `$HOWL_ROOT/etc/howl/keys/`. Made the first time a build needs them;
/// keys already there are never replaced.
public enum HostKeys {
  /// Warewulf's default `ssh.key types`, the keys the stock overlay holds.
  public static let types = ["ed25519", "ecdsa", "rsa"]

  /// Makes the keys of every type that has none in `configDirectory`/keys
  /// (`configDirectory` is `$HOWL_ROOT/etc/howl`). Returns the types made.
  /// Each pair is generated under a temporary name and renamed into place,
  /// public key first, so a reader never sees a private key without its
  /// public one, and two processes making them at once both end with one pair.
  /// - Throws: `OverlayError` if `ssh-keygen` is missing or fails.
  @discardableResult
  public static func ensure(in configDirectory: String) throws -> [String] {
    let keys = configDirectory + "/keys"
    let missing = types.filter { !FileManager.default.fileExists(atPath: keys + "/ssh_host_\($0)_key") }
    guard !missing.isEmpty else { return [] }
    guard let keygen = ["/usr/bin/ssh-keygen", "/bin/ssh-keygen", "/usr/local/bin/ssh-keygen"]
      .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw OverlayError("cannot make the SSH host keys in \(keys): ssh-keygen is not installed (Debian: openssh-client)")
    }
    try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
    for type in missing {
      let final = keys + "/ssh_host_\(type)_key"
      let temporary = final + ".tmp-\(getpid())"
      defer {
        unlink(temporary)
        unlink(temporary + ".pub")
      }
      let result = try Command.run(keygen, ["-q", "-t", type, "-N", "", "-C", "howl host key", "-f", temporary])
      guard result.status == 0 else {
        throw OverlayError("ssh-keygen -t \(type) failed (status \(result.status)): \(result.output)")
      }
      guard rename(temporary + ".pub", final + ".pub") == 0, rename(temporary, final) == 0 else {
        throw OverlayError("cannot put the SSH host key \(final) in place: \(String(cString: strerror(errno)))")
      }
    }
    return missing
  }
}
