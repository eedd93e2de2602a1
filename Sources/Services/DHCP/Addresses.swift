import Runtime

/// An IPv4 address as a number.
public struct IPv4: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var value: UInt32
  public init(_ value: UInt32) { self.value = value }
  /// Parses a dotted quad; a CIDR suffix (`/24`) is ignored.
  public init?(_ text: String) {
    let address = text.split(separator: "/").first.map(String.init) ?? text
    guard let value = ServerConfig.parseIPv4(address) else { return nil }
    self.value = value
  }
  public static let zero = IPv4(0)
  public static let broadcast = IPv4(0xFFFF_FFFF)
  public var bytes: [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 255), UInt8(value >> 8 & 255), UInt8(value & 255)] }
  public var description: String { ServerConfig.formatIPv4(value) }
  public static func < (lhs: IPv4, rhs: IPv4) -> Bool { lhs.value < rhs.value }
}

/// An Ethernet address, printed lowercase with colons as Warewulf keys nodes.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
  public var bytes: [UInt8]
  public init(bytes: [UInt8]) { self.bytes = bytes }
  /// Parses `aa:bb:…` or `aa-bb-…` (iPXE's `hexhyp`), any case.
  public init?(_ text: String) {
    let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "-" }
    guard parts.count == 6 else { return nil }
    var bytes: [UInt8] = []
    for part in parts {
      guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
      bytes.append(byte)
    }
    self.bytes = bytes
  }
  public var description: String { bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":") }
  /// Dash-separated, as iPXE's `${mac:hexhyp}` and Warewulf's URLs write it.
  public var hyphenated: String { description.split(separator: ":").joined(separator: "-") }
}
