import Foundation
import Runtime

/// The boot loader of arm64 UEFI nodes: a GRUB netboot image assembled by
/// `grub-mkimage` from Debian's arm64-efi modules (`BootLoaders`), written
/// into the TFTP root as `warewulf/grubaa64.efi` with `warewulf/grub.cfg`
/// beside it. GRUB reads that file from the TFTP server it was loaded from;
/// it sends GRUB on to the node's own configuration over HTTP
/// (`/grub/<mac>`, rendered from `grub.cfg.ww`), as Warewulf's GRUB boot does.
enum GrubNetImage {
  static let fileName = "grubaa64.efi"
  /// Modules built into the image: the network (firmware NIC, TFTP, HTTP),
  /// the Linux loader (gzip'd kernels too) and the commands the scripts use.
  static let modules = ["efinet", "net", "tftp", "http", "linux", "gzio", "normal", "configfile", "echo", "test",
                        "sleep", "reboot", "halt", "efi_gop"]

  /// Makes `<tftp root>/warewulf/grubaa64.efi` unless it is there, and
  /// writes `grub.cfg` for HTTP `port`. Returns why not, or nil when done.
  static func prepare(tftpRoot: String, port: Int) -> String? {
    let directory = tftpRoot + "/warewulf"
    let image = directory + "/" + fileName
    if !FileManager.default.fileExists(atPath: image) {
      if let missing = BootLoaders.missing(for: .aarch64) { return "no GRUB for arm64 nodes: no \(missing)" }
      let temporary = image + ".tmp-\(getpid())"
      defer { unlink(temporary) }
      let made = try? Command.run(BootLoaders.grubMkimage, ["-O", "arm64-efi", "-d", BootLoaders.grubModules ?? "",
                                                            "-p", "/warewulf", "-o", temporary] + modules)
      guard let made, made.status == 0, rename(temporary, image) == 0 else {
        return "grub-mkimage failed: \(made?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? "cannot run it")"
      }
    }
    let config = """
      # Written by howl serve at each start: on to this node's own configuration.
      configfile (http,${net_default_server}:\(port))/grub/${net_default_mac}

      """
    do {
      try config.write(toFile: directory + "/grub.cfg", atomically: true, encoding: .utf8)
    } catch {
      return "cannot write \(directory)/grub.cfg: \(error)"
    }
    return nil
  }
}
