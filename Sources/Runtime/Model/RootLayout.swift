/// Where a node's root file system lives, read back from Warewulf's fields:
/// `root` (`initramfs`, `tmpfs`, or a device) and, for a partition named by
/// label, the `disks` entry that creates it and the `filesystems` entry that
/// formats it. Shared by the language's `root` and the overlays' `.RootStrategy`.
public struct RootLayout: Equatable, Sendable {
  /// The strategy's name, as templates and the language spell it.
  public enum Kind: String, Sendable { case initramfs, tmpfs, xfs, ext4, device }

  public var kind: Kind
  /// The disk (`/dev/nvme0n1`) for xfs/ext4, the root device for `.device`, nil otherwise.
  public var device: String?

  public init(_ kind: Kind, device: String? = nil) {
    self.kind = kind
    self.device = device
  }

  /// The label of the root partition a disk strategy creates.
  public static let partitionLabel = "rootfs"
  /// The device path `root` names for a disk strategy.
  public static let partitionPath = "/dev/disk/by-partlabel/rootfs"

  /// Where the root lives, for a sysadmin: `in RAM`, `on /dev/nvme0n1,
  /// partition rootfs, re-created at each boot`.
  public var location: String {
    switch kind {
    case .initramfs, .tmpfs: return "in RAM"
    case .xfs, .ext4: return "on \(device ?? "?"), partition \(RootLayout.partitionLabel), re-created at each boot"
    case .device: return "on \(device ?? "?")"
    }
  }

  /// Reads `root`, and the disk layout it names, through `lookup`.
  public static func read(_ lookup: (FieldPath) -> ConfValue?) -> RootLayout {
    let root = lookup(FieldPath(["root"]))?.stringValue ?? ""
    switch root {
    case "", "initramfs": return RootLayout(.initramfs)
    case "tmpfs", "ramfs": return RootLayout(.tmpfs)
    default: break
    }
    let format = lookup(FieldPath(["filesystems", root, "format"]))?.stringValue
    let kind = format.flatMap(Kind.init(rawValue:)).flatMap { $0 == .xfs || $0 == .ext4 ? $0 : nil }
    guard let kind else { return RootLayout(.device, device: root) }
    if root.hasPrefix("/dev/disk/by-partlabel/"), case .map(let disks)? = lookup(FieldPath(["disks"])) {
      let label = String(root.dropFirst("/dev/disk/by-partlabel/".count))
      for (disk, value) in disks {
        if case .map(let fields) = value, case .map(let partitions)? = fields["partitions"], partitions[label] != nil {
          return RootLayout(kind, device: disk)
        }
      }
    }
    return RootLayout(kind, device: root)
  }
}
