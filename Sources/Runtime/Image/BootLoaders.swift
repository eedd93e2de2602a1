import Foundation

/// Where the boot loader a node's firmware loads over TFTP comes from, per
/// architecture: Debian's iPXE (`/usr/lib/ipxe`) for x86_64, and for
/// aarch64 a GRUB netboot image that `howl serve` assembles with the host's
/// `grub-mkimage` from Debian's arm64-efi modules (`grub-efi-arm64-bin`,
/// which an x86_64 head node cannot install, so scripts/setup unpacks it
/// into `/usr/local/lib/grub/arm64-efi`). Debian packages no arm64 iPXE.
public enum BootLoaders {
  public static let ipxeDirectory = "/usr/lib/ipxe"
  public static let grubModuleDirectories = ["/usr/lib/grub/arm64-efi", "/usr/local/lib/grub/arm64-efi"]
  public static let grubMkimage = "/usr/bin/grub-mkimage"

  /// The first directory holding GRUB's arm64-efi modules, if any.
  public static var grubModules: String? {
    grubModuleDirectories.first { FileManager.default.fileExists(atPath: $0 + "/efinet.mod") }
  }

  /// What is missing for nodes of `arch` to get a boot loader, or nil when
  /// nothing is.
  public static func missing(for arch: Architecture) -> String? {
    switch arch {
    case .x86_64:
      return FileManager.default.fileExists(atPath: ipxeDirectory + "/ipxe.efi") ? nil : "Debian's iPXE (\(ipxeDirectory)/ipxe.efi)"
    case .aarch64:
      if grubModules == nil { return "GRUB's arm64-efi modules (in none of \(grubModuleDirectories.joined(separator: ", ")))" }
      return access(grubMkimage, X_OK) == 0 ? nil : "grub-mkimage (\(grubMkimage))"
    default:
      return "any boot loader (Howl boots x86_64 and aarch64 nodes)"
    }
  }
}
