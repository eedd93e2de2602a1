import Foundation

/// Merges the head node's users and groups into an image as Warewulf's
/// `--syncuser` does: an image-only name whose id the host gives to a
/// different name is a collision, reported as an error (nothing changes);
/// otherwise files owned by an image id that differs from the host's id
/// for the same name are chowned to the host id, and the image's
/// `/etc/passwd` and `/etc/group` become the host's plus the image-only
/// entries.
public enum SyncUser {
  /// One `/etc/passwd` or `/etc/group` line: name and numeric id.
  struct Account {
    var name: String
    var id: UInt32
    var line: String
  }

  /// The directory with the head node's `passwd` and `group`: `$HOWL_ROOT/etc`
  /// (where templates' `.Paths.Sysconfdir` reads the server's files), or
  /// `/etc` when that has no `passwd` (a scratch `HOWL_ROOT`).
  public static func headNodeEtc(root: String) -> String {
    let etc = (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/etc"
    return FileManager.default.fileExists(atPath: etc + "/passwd") ? etc : "/etc"
  }

  /// Syncs; returns what changed (empty if nothing), or throws on collisions.
  public static func run(rootfs: String, hostEtc: String) throws -> String {
    let hostUsers = try accounts(hostEtc + "/passwd"), hostGroups = try accounts(hostEtc + "/group")
    let imageUsers = try accounts(rootfs + "/etc/passwd"), imageGroups = try accounts(rootfs + "/etc/group")
    var collisions: [String] = []
    collisions += conflicts(image: imageUsers, host: hostUsers, kind: "UID")
    collisions += conflicts(image: imageGroups, host: hostGroups, kind: "GID")
    guard collisions.isEmpty else {
      throw ImageError("syncuser: \(collisions.joined(separator: "; ")); add them to the head node with free ids first")
    }
    let uidMap = remap(image: imageUsers, host: hostUsers), gidMap = remap(image: imageGroups, host: hostGroups)
    var changed = 0
    if !uidMap.isEmpty || !gidMap.isEmpty {
      try TreeWalker(root: rootfs, excludes: ExcludePatterns([])).walk { entry in
        let type = entry.status.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFDIR else { return }
        let uid = uidMap[entry.status.st_uid] ?? entry.status.st_uid
        let gid = gidMap[entry.status.st_gid] ?? entry.status.st_gid
        guard uid != entry.status.st_uid || gid != entry.status.st_gid else { return }
        let path = rootfs + "/" + entry.path
        guard lchown(path, uid, gid) == 0 else { throw ImageError("syncuser: cannot chown \(path): \(String(cString: strerror(errno)))") }
        // chown clears setuid/setgid; put the mode back.
        if entry.status.st_mode & (S_ISUID | S_ISGID) != 0 { chmod(path, entry.status.st_mode & 0o7777) }
        changed += 1
      }
    }
    try merge(host: hostEtc + "/passwd", image: rootfs + "/etc/passwd", imageAccounts: imageUsers, hostAccounts: hostUsers)
    try merge(host: hostEtc + "/group", image: rootfs + "/etc/group", imageAccounts: imageGroups, hostAccounts: hostGroups)
    let moved = uidMap.count + gidMap.count
    return moved == 0 ? "" : "changed to the head node's ids: \(uidMap.count) user(s), \(gidMap.count) group(s); \(changed) file(s) chowned"
  }

  static func accounts(_ path: String) throws -> [Account] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ImageError("syncuser: cannot read \(path)") }
    return text.split(separator: "\n").compactMap { line in
      if line.hasPrefix("+") || line.hasPrefix("-") { return nil }
      let fields = line.split(separator: ":", omittingEmptySubsequences: false)
      guard fields.count >= 3, let id = UInt32(fields[2]) else { return nil }
      return Account(name: String(fields[0]), id: id, line: String(line))
    }
  }

  static func conflicts(image: [Account], host: [Account], kind: String) -> [String] {
    let hostNames = Set(host.map(\.name))
    return image.filter { !hostNames.contains($0.name) }.compactMap { account in
      guard let owner = host.first(where: { $0.id == account.id }) else { return nil }
      return "\(kind) \(account.id) is '\(account.name)' in the image but '\(owner.name)' on the head node"
    }
  }

  static func remap(image: [Account], host: [Account]) -> [UInt32: UInt32] {
    var map: [UInt32: UInt32] = [:]
    for account in image {
      if let hostAccount = host.first(where: { $0.name == account.name }), hostAccount.id != account.id {
        map[account.id] = hostAccount.id
      }
    }
    return map
  }

  private static func merge(host: String, image: String, imageAccounts: [Account], hostAccounts: [Account]) throws {
    let hostNames = Set(hostAccounts.map(\.name))
    guard var text = try? String(contentsOfFile: host, encoding: .utf8) else { throw ImageError("syncuser: cannot read \(host)") }
    if !text.hasSuffix("\n") { text += "\n" }
    for account in imageAccounts where !hostNames.contains(account.name) { text += account.line + "\n" }
    try text.write(toFile: image, atomically: true, encoding: .utf8)
  }
}
