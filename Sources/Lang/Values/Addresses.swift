/// An IPv4 address.
public struct IPv4: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var raw: UInt32
  public init(_ raw: UInt32) { self.raw = raw }

  /// Parses dotted-quad text (`10.0.0.3`).
  public init?(_ text: String) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var value: UInt32 = 0
    for part in parts {
      guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt8(part) else { return nil }
      value = value << 8 | UInt32(octet)
    }
    raw = value
  }

  public var description: String {
    "\(raw >> 24).\(raw >> 16 & 0xff).\(raw >> 8 & 0xff).\(raw & 0xff)"
  }

  public static func < (a: IPv4, b: IPv4) -> Bool { a.raw < b.raw }
}

/// An IPv4 network in CIDR notation. The address is kept as written
/// (`10.0.0.5/24` keeps `.5`); `network` masks it.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
  public var address: IPv4
  public var prefix: Int

  public init(address: IPv4, prefix: Int) {
    self.address = address
    self.prefix = prefix
  }

  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let ip = IPv4(String(parts[0])), let p = Int(parts[1]), (0...32).contains(p) else { return nil }
    self.init(address: ip, prefix: p)
  }

  public var mask: UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }
  public var network: IPv4 { IPv4(address.raw & mask) }
  public var broadcast: IPv4 { IPv4(address.raw | ~mask) }
  public var netmask: IPv4 { IPv4(mask) }
  /// The number of addresses in the network.
  public var count: Int { 1 << (32 - prefix) }

  public func contains(_ ip: IPv4) -> Bool { ip.raw & mask == address.raw & mask }

  public var description: String { "\(address)/\(prefix)" }
}

/// A 48-bit Ethernet MAC address.
public struct MAC: Hashable, Sendable, CustomStringConvertible {
  public var raw: UInt64
  public init(_ raw: UInt64) { self.raw = raw }

  /// Parses `52:54:00:ab:cd:ef` (also with `-` separators, any case).
  public init?(_ text: String) {
    let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
    guard parts.count == 6 else { return nil }
    var value: UInt64 = 0
    for part in parts {
      guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
      value = value << 8 | UInt64(byte)
    }
    raw = value
  }

  private static let hex = Array("0123456789abcdef")

  public var description: String {
    var s = ""
    for i in (0..<6).reversed() {
      let byte = Int(raw >> (UInt64(i) * 8) & 0xff)
      s.append(MAC.hex[byte >> 4])
      s.append(MAC.hex[byte & 0xf])
      if i > 0 { s.append(":") }
    }
    return s
  }
}
