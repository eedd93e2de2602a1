/// IPv4 and IPv6 addresses as Go's `net.ParseIP` reads them and `net.IP.String`
/// prints them, for Warewulf's address fields: 16 bytes, an IPv4 address held
/// as `::ffff:a.b.c.d`; printed dotted when it is IPv4, else in RFC 5952 form
/// (lowercase, the longest run of two or more zero groups as `::`).
public enum IPAddressText {
  /// The 16 bytes of `text`, or nil unless it is an IPv4 or IPv6 address (no zone, no prefix).
  public static func parse(_ text: String) -> [UInt8]? {
    if let v4 = ServerConfig.parseIPv4(text), !hasLeadingZero(text) {
      return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + bytes(v4)
    }
    return parseIPv6(text)
  }

  /// Whether `text` is an IPv6 address (not an IPv4 one).
  public static func isIPv6(_ text: String) -> Bool { text.contains(":") && parseIPv6(text) != nil }

  /// Go's `IP.String()` of 16 bytes.
  public static func format(_ ip: [UInt8]) -> String {
    if ip.count != 16 { return "<nil>" }
    if ip[0..<10].allSatisfy({ $0 == 0 }) && ip[10] == 0xff && ip[11] == 0xff {
      return "\(ip[12]).\(ip[13]).\(ip[14]).\(ip[15])"
    }
    let groups = (0..<8).map { Int(ip[2 * $0]) << 8 | Int(ip[2 * $0 + 1]) }
    var bestStart = -1, bestLength = 0, index = 0
    while index < 8 {
      var end = index
      while end < 8 && groups[end] == 0 { end += 1 }
      if end - index > bestLength && end - index >= 2 { (bestStart, bestLength) = (index, end - index) }
      index = end == index ? index + 1 : end
    }
    var out = ""
    var i = 0
    while i < 8 {
      if i == bestStart {
        out += "::"
        i += bestLength
        continue
      }
      if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
      out += String(groups[i], radix: 16)
      i += 1
    }
    return out
  }

  /// `text` in Go's printed form, or nil if it is not an address.
  public static func canonical(_ text: String) -> String? { parse(text).map(format) }

  /// The first `bits` bits of `ip` (the network of a prefix), or nil if `bits` is out of range.
  public static func masked(_ ip: [UInt8], bits: Int) -> [UInt8]? {
    guard ip.count == 16, (0...128).contains(bits) else { return nil }
    return ip.enumerated().map { index, byte in
      let keep = max(0, min(8, bits - index * 8))
      return keep == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xff << (8 - keep))
    }
  }

  private static func bytes(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 255), UInt8(value >> 8 & 255), UInt8(value & 255)]
  }

  /// Go refuses IPv4 octets with leading zeros (`010.0.0.1`).
  private static func hasLeadingZero(_ text: String) -> Bool {
    var previous = UInt8(ascii: "."), octetStartsWithZero = false
    for byte in text.utf8 {
      if octetStartsWithZero && byte != UInt8(ascii: ".") { return true }
      octetStartsWithZero = previous == UInt8(ascii: ".") && byte == UInt8(ascii: "0")
      previous = byte
    }
    return false
  }

  private static func parseIPv6(_ text: String) -> [UInt8]? {
    guard text.contains(":") else { return nil }
    var head: [UInt16] = [], tail: [UInt16] = []
    var sawGap = false
    let halves = text.components(separatedBy: "::")
    guard halves.count <= 2 else { return nil }
    func groups(_ part: String, allowV4: Bool) -> [UInt16]? {
      if part.isEmpty { return [] }
      var out: [UInt16] = []
      let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
      for (index, piece) in pieces.enumerated() {
        if allowV4 && index == pieces.count - 1 && piece.contains(".") {
          guard let v4 = ServerConfig.parseIPv4(String(piece)), !hasLeadingZero(String(piece)) else { return nil }
          out += [UInt16(v4 >> 16), UInt16(v4 & 0xffff)]
          continue
        }
        guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
        out.append(value)
      }
      return out
    }
    if halves.count == 2 {
      sawGap = true
      guard let h = groups(halves[0], allowV4: false), let t = groups(halves[1], allowV4: true) else { return nil }
      (head, tail) = (h, t)
    } else {
      guard let h = groups(text, allowV4: true) else { return nil }
      head = h
    }
    let count = head.count + tail.count
    if sawGap ? count > 7 : count != 8 { return nil }
    let all = head + Array(repeating: 0, count: 8 - count) + tail
    return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
  }
}
