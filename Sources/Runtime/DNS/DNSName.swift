/// Checks of DNS names and the reverse-zone names of addresses (RFC 1035 §2.3.4).
public enum DNSName {
  /// Why a name is not a DNS name, or nil if it is one: labels of letters,
  /// digits, `-` and `_`, 1–63 bytes, not starting or ending with `-`; 255 bytes at most.
  /// Read byte by byte, without making the labels as strings unless one
  /// is wrong: zone data checks a name per record.
  public static func problem(_ name: String) -> String? {
    let dot = UInt8(ascii: "."), dash = UInt8(ascii: "-")
    var trimmed = Substring(name).utf8
    if trimmed.last == dot { trimmed = trimmed.dropLast() }
    if trimmed.isEmpty { return "a name needs at least one label" }
    if trimmed.count > 253 { return "a name is at most 253 bytes" }
    var start = trimmed.startIndex
    while true {
      let stop = trimmed[start...].firstIndex(of: dot) ?? trimmed.endIndex
      let label = trimmed[start..<stop]
      let text = { String(decoding: label, as: UTF8.self) }
      if label.isEmpty { return "empty label in \(name)" }
      if label.count > 63 { return "label \(text()) is longer than 63 bytes" }
      if label.first == dash || label.last == dash { return "label \(text()) starts or ends with -" }
      if !label.allSatisfy(isLabelByte) { return "label \(text()) has characters other than letters, digits, - and _" }
      if stop == trimmed.endIndex { return nil }
      start = trimmed.index(after: stop)
    }
  }

  private static func isLabelByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
         UInt8(ascii: "-"), UInt8(ascii: "_"): return true
    default: return false
    }
  }

  /// `name` lowercased without a trailing dot.
  public static func normalized(_ name: String) -> String {
    (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased()
  }

  /// The PTR owner of an address (16 bytes, IPv4 mapped): `5.0.139.10.in-addr.arpa`.
  public static func pointer(_ ip: [UInt8]) -> String {
    if isIPv4(ip) { return "\(ip[15]).\(ip[14]).\(ip[13]).\(ip[12]).in-addr.arpa" }
    return ip.reversed().flatMap { [String($0 & 15, radix: 16), String($0 >> 4, radix: 16)] }.joined(separator: ".") + ".ip6.arpa"
  }

  /// The reverse zone of a network (prefix bits rounded down to octets for IPv4, nibbles for IPv6).
  public static func reverseZone(_ ip: [UInt8], bits: Int) -> (name: String, network: [UInt8], bits: Int) {
    if isIPv4(ip) {
      let v4bits = max(8, (bits - 96) / 8 * 8)
      let network = IPAddressText.masked(ip, bits: 96 + v4bits)!
      let name = network[12..<(12 + v4bits / 8)].reversed().map(String.init).joined(separator: ".") + ".in-addr.arpa"
      return (name, network, 96 + v4bits)
    }
    let nibbles = max(1, bits / 4)
    let network = IPAddressText.masked(ip, bits: nibbles * 4)!
    let digits = network.flatMap { [String($0 >> 4, radix: 16), String($0 & 15, radix: 16)] }.prefix(nibbles)
    return (digits.reversed().joined(separator: ".") + ".ip6.arpa", network, nibbles * 4)
  }

  public static func isIPv4(_ ip: [UInt8]) -> Bool {
    ip.count == 16 && ip[0..<10].allSatisfy { $0 == 0 } && ip[10] == 0xff && ip[11] == 0xff
  }
}
