import Runtime

/// Where the NFS export manager keeps its files under `$HOWL_ROOT`. The
/// ganesha configuration and pid file can be moved with
/// `server.nfs.ganesha_config` and `server.nfs.ganesha_pid_file`.
public struct NFSPaths: Sendable, Equatable {
  public var ganeshaConfig: String
  public var ganeshaPidFile: String
  /// ganesha's log (`-L`), where reloads are confirmed.
  public var ganeshaLog: String
  /// ganesha's NFSv4 client recovery directory (instead of /var/lib/nfs/ganesha).
  public var ganeshaRecovery: String
  /// The kernel nfsd's part of the exports, read by `exportfs -ra`.
  public var kernelExports: String
  /// Export ids and what was applied last (`NFSState`).
  public var state: String

  public init(root: String, settings: ServerConfig.NFS = ServerConfig.NFS()) {
    let base = BootPaths(root: root).base
    ganeshaConfig = settings.ganeshaConfig.isEmpty ? base + "/etc/howl/ganesha.conf" : settings.ganeshaConfig
    ganeshaPidFile = settings.ganeshaPidFile.isEmpty ? base + "/run/howl/ganesha.pid" : settings.ganeshaPidFile
    ganeshaLog = base + "/var/log/howl/ganesha.log"
    ganeshaRecovery = base + "/var/lib/howl/nfs/ganesha"
    kernelExports = base + "/etc/exports.d/howl.exports"
    state = base + "/var/lib/howl/nfs/exports.json"
  }
}
