import Runtime

/// Picks what a booting client is told to load (Warewulf §5.1): iPXE
/// clients get the HTTP URL of their node's iPXE script; PXE firmware gets
/// the boot loader for its architecture (option 93) over TFTP: iPXE on
/// x86, GRUB on arm64 UEFI (Debian ships no arm64 iPXE; see `GrubNetImage`).
public struct BootFileChooser: Sendable {
  /// Option 93 value → file under the TFTP root (Warewulf's `tftp.ipxe`
  /// defaults for x86; GRUB for arm64).
  public var binaries: [UInt16: String] = [
    0: "warewulf/undionly.kpxe",
    6: "warewulf/ipxe.efi",
    7: "warewulf/ipxe.efi",
    9: "warewulf/ipxe.efi",
    11: "warewulf/" + GrubNetImage.fileName,
  ]

  /// The CPU a firmware's option 93 value says it runs (RFC 4578, IANA):
  /// x86 BIOS and UEFI, arm64 UEFI (PXE and HTTP boot); nil for others.
  public static func architecture(ofFirmware code: UInt16) -> Architecture? {
    switch code {
    case 0, 6, 7, 9, 16: return .x86_64
    case 11, 19: return .aarch64
    default: return nil
    }
  }

  public init() {}

  /// What kind of boot client sent `packet`.
  public enum Client: Equatable, Sendable {
    /// iPXE (option 175 present, or user class `iPXE`).
    case ipxe
    /// PXE firmware with this architecture (option 93; 0 when absent).
    case pxe(architecture: UInt16)
    /// An ordinary DHCP client (an operating system).
    case other
  }

  public static func classify(_ packet: DHCPPacket) -> Client {
    if packet.options[.ipxeEncapsulated] != nil { return .ipxe }
    if let userClass = packet.options[.userClass], userClassNames(userClass).contains("iPXE") { return .ipxe }
    let arch = packet.options[.clientArchitecture].flatMap { $0.count >= 2 ? UInt16($0[0]) << 8 | UInt16($0[1]) : nil }
    if let arch { return .pxe(architecture: arch) }
    if packet.options.string(.vendorClass)?.hasPrefix("PXEClient") == true { return .pxe(architecture: 0) }
    return .other
  }

  /// The boot file for `client` of the node with `mac`, or nil if it gets none.
  public func bootFile(for client: Client, mac: MACAddress, settings: ServeSettings) -> String? {
    switch client {
    case .ipxe:
      return "http://\(settings.address):\(settings.httpPort)/ipxe/\(mac.hyphenated)?assetkey=${asset}&uuid=${uuid}"
    case .pxe(let arch):
      return binaries[arch]
    case .other:
      return nil
    }
  }

  /// RFC 3004 user class: length-prefixed items; iPXE sends the bare string.
  static func userClassNames(_ bytes: [UInt8]) -> [String] {
    var names = [String(decoding: bytes, as: UTF8.self)]
    var index = 0
    while index < bytes.count {
      let length = Int(bytes[index])
      guard length > 0, index + 1 + length <= bytes.count else { break }
      names.append(String(decoding: bytes[(index + 1)..<(index + 1 + length)], as: UTF8.self))
      index += 1 + length
    }
    return names
  }
}
