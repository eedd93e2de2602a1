import Runtime

/// nfs-ganesha's configuration for the exports: NFSv4 over TCP only, bound
/// to the server address, one `EXPORT` per export with `Pseudo` equal to
/// `Path` (so a node's fstab line `server:/path` mounts it as written), and
/// the cluster network as the only client when it is known.
///
/// Options map from exports(5): `rw`/`ro` → `Access_Type`, the squash
/// options → `Squash`, `anonuid`/`anongid` → `Anonymous_Uid`/`_Gid`,
/// `secure`/`insecure` → `PrivilegedPort`, `sec=` → `SecType`. Options
/// that tune only the kernel's nfsd (`sync`, `no_subtree_check`, …) are
/// noted in the export's comment and have no effect.
enum GaneshaConfig {
  static func render(_ exports: [ServedExport], network: NFSNetwork, recoveryRoot: String) -> String {
    var out = """
      # nfs-ganesha configuration written by Howl from the committed exports
      # (howl.conf, nfs: export paths). Changes made here are overwritten.
      NFS_CORE_PARAM {
          Protocols = 4;

      """
    if let address = network.address { out += "    Bind_addr = \(address);\n" }
    out += """
          Enable_NLM = false;
          Enable_RQUOTA = false;
      }
      NFSV4 {
          # No grace period: exports change by reload, never by restart.
          Graceless = true;
          RecoveryRoot = \(quoted(recoveryRoot));
          Allow_Numeric_Owners = true;
          Only_Numeric_Owners = true;
      }
      LOG {
          Default_Log_Level = EVENT;
      }

      """
    for export in exports { out += block(export, network: network) }
    return out
  }

  /// The configuration before its first `EXPORT` block: what ganesha reads
  /// only at start (a reload re-reads the exports alone).
  static func serverPart(_ text: String) -> Substring {
    text.range(of: "\nEXPORT {").map { text[...$0.lowerBound] } ?? text[...]
  }

  static func block(_ export: ServedExport, network: NFSNetwork) -> String {
    let options = export.options
    let access = options.access == .readWrite ? "RW" : "RO"
    var lines = [
      "# \(export.label)",
      "Export_Id = \(export.id);",
      "Path = \(quoted(export.path));",
      "Pseudo = \(quoted(export.path));",
      "Protocols = 4;",
      "Transports = TCP;",
      "SecType = \((options.security.isEmpty ? ["sys"] : options.security).joined(separator: ", "));",
      "PrivilegedPort = \(options.securePort);",
      "Squash = \(squash(options.squash));",
    ]
    if let uid = options.anonUID { lines.append("Anonymous_Uid = \(uid);") }
    if let gid = options.anonGID { lines.append("Anonymous_Gid = \(gid);") }
    if let clients = network.clients {
      lines += ["Access_Type = None;", "CLIENT {", "    Clients = \(clients);", "    Protocols = 4;", "    Access_Type = \(access);", "}"]
    } else {
      lines.append("Access_Type = \(access);")
    }
    lines.append("FSAL { Name = VFS; }")
    return "EXPORT {\n" + lines.map { "    " + $0 + "\n" }.joined() + "}\n"
  }

  static func squash(_ squash: ExportOptions.Squash) -> String {
    switch squash {
    case .root: return "Root_Squash"
    case .none: return "No_Root_Squash"
    case .all: return "All_Squash"
    }
  }

  /// A double-quoted string; export paths hold no quotes or backslashes (`ExportCheck`).
  static func quoted(_ text: String) -> String { "\"" + text + "\"" }
}
