import Foundation
import Runtime

/// The kernel nfsd's side: Howl's exports as exports(5) lines in their own
/// file under `/etc/exports.d/` (so the site's `/etc/exports` stays its
/// own), applied with `exportfs -ra`, which keeps clients mounted.
enum KernelExports {
  /// Whether this machine's kernel can serve NFS: `nfsd` among the file
  /// systems it knows, or nfsd's control files in `/proc/fs/nfsd`, or an
  /// nfsd module for the running kernel. (An empty `/proc/fs/nfsd` alone
  /// proves nothing: kernels without nfsd may have it.)
  static func available(proc: String = "/proc", modules: String = "/lib/modules") -> Bool {
    if let text = try? AtomicFile.read(proc + "/filesystems"),
       text.split(separator: "\n").contains(where: { $0.split(whereSeparator: \.isWhitespace).last == "nfsd" }) {
      return true
    }
    if FileManager.default.fileExists(atPath: proc + "/fs/nfsd/threads") { return true }
    guard let release = try? AtomicFile.read(proc + "/sys/kernel/osrelease") else { return false }
    let directory = modules + "/" + release.trimmingCharacters(in: .whitespacesAndNewlines) + "/kernel/fs/nfsd"
    return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).contains { $0.hasPrefix("nfsd.ko") }
  }

  /// `exportfs`, if nfs-kernel-server is installed.
  static var exportfs: String? {
    ["/usr/sbin/exportfs", "/sbin/exportfs"].first(where: FileManager.default.isExecutableFile(atPath:))
  }

  /// One line per export: `"/path" 10.0.0.0/24(rw,sync,no_root_squash)`.
  static func render(_ exports: [ServedExport], network: NFSNetwork) -> String {
    var out = "# Written by Howl from the committed exports (howl.conf, nfs: export paths).\n"
      + "# Changes made here are overwritten.\n"
    for export in exports {
      let options = export.optionText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      out += "# \(export.name)\(export.image.map { " (image \($0))" } ?? "")\n"
      out += "\"\(export.path)\" \(network.clients ?? "*")(\(options.joined(separator: ",")))\n"
    }
    return out
  }

  /// `exportfs -ra`: the kernel re-reads every exports file; mounted clients stay.
  static func reexport() throws {
    guard let exportfs else {
      throw NFSError("exportfs is not installed: install nfs-kernel-server, or set server.nfs.backend to \"ganesha\"")
    }
    let result = try Command.run(exportfs, ["-ra"])
    guard result.status == 0 else { throw NFSError("exportfs -ra failed: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))") }
  }
}
