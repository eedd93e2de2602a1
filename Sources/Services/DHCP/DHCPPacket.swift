/// A BOOTP/DHCP message (RFC 2131 §2): the fixed header and its options.
///
/// Options keep their order; a code that appears more than once is
/// concatenated (RFC 3396). Option overload (52) is honoured when reading.
public struct DHCPPacket: Equatable, Sendable {
  /// Why a datagram is not a DHCP message.
  public struct ParseError: Error, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
  }

  public static let bootRequest: UInt8 = 1
  public static let bootReply: UInt8 = 2
  static let magicCookie: [UInt8] = [99, 130, 83, 99]
  static let headerSize = 236

  public var op: UInt8
  public var htype: UInt8 = 1
  public var hlen: UInt8 = 6
  public var hops: UInt8 = 0
  public var xid: UInt32
  public var secs: UInt16 = 0
  public var flags: UInt16 = 0
  public var ciaddr: IPv4 = .zero
  public var yiaddr: IPv4 = .zero
  public var siaddr: IPv4 = .zero
  public var giaddr: IPv4 = .zero
  /// Client hardware address, 16 bytes as on the wire.
  public var chaddr: [UInt8]
  public var sname: String = ""
  public var file: String = ""
  public var options: DHCPOptions

  public init(op: UInt8, xid: UInt32, chaddr: [UInt8], options: DHCPOptions = DHCPOptions()) {
    self.op = op
    self.xid = xid
    self.chaddr = Array((chaddr + [UInt8](repeating: 0, count: 16)).prefix(16))
    self.options = options
  }

  /// Whether the client asked for broadcast replies (flags bit 15).
  public var broadcastFlag: Bool { flags & 0x8000 != 0 }

  /// The client's MAC address as `aa:bb:cc:dd:ee:ff`, or nil if the
  /// hardware type is not Ethernet.
  public var macAddress: MACAddress? {
    guard htype == 1, hlen == 6 else { return nil }
    return MACAddress(bytes: Array(chaddr.prefix(6)))
  }

  /// The message type (option 53), if present and known.
  public var messageType: DHCPMessageType? {
    guard let value = options[.messageType], value.count == 1 else { return nil }
    return DHCPMessageType(rawValue: value[0])
  }

  /// Parses a datagram; throws on anything that is not a well-formed DHCP message.
  public static func parse<Bytes: RandomAccessCollection>(_ data: Bytes) throws -> DHCPPacket where Bytes.Element == UInt8, Bytes.Index == Int {
    let bytes = Array(data)
    guard bytes.count >= headerSize + 4 else { throw ParseError("short packet (\(bytes.count) bytes)") }
    guard Array(bytes[headerSize..<headerSize + 4]) == magicCookie else { throw ParseError("no DHCP magic cookie") }
    let op = bytes[0]
    guard op == bootRequest || op == bootReply else { throw ParseError("bad op \(op)") }
    guard bytes[2] <= 16 else { throw ParseError("hardware address length \(bytes[2])") }
    var packet = DHCPPacket(op: op, xid: readUInt32(bytes, 4), chaddr: Array(bytes[28..<44]))
    packet.htype = bytes[1]
    packet.hlen = bytes[2]
    packet.hops = bytes[3]
    packet.secs = UInt16(bytes[8]) << 8 | UInt16(bytes[9])
    packet.flags = UInt16(bytes[10]) << 8 | UInt16(bytes[11])
    packet.ciaddr = IPv4(readUInt32(bytes, 12))
    packet.yiaddr = IPv4(readUInt32(bytes, 16))
    packet.siaddr = IPv4(readUInt32(bytes, 20))
    packet.giaddr = IPv4(readUInt32(bytes, 24))
    var options = try DHCPOptions.parse(bytes[(headerSize + 4)...])
    let overload = options[.overload]?.first ?? 0
    if overload & 1 != 0 {
      options.merge(try DHCPOptions.parse(bytes[108..<236]))
    } else {
      packet.file = cString(bytes[108..<236])
    }
    if overload & 2 != 0 {
      options.merge(try DHCPOptions.parse(bytes[44..<108]))
    } else {
      packet.sname = cString(bytes[44..<108])
    }
    packet.options = options
    return packet
  }

  /// The message as a datagram (at least 300 bytes, the BOOTP minimum).
  public func encode() -> [UInt8] {
    var out: [UInt8] = [op, htype, hlen, hops]
    out.reserveCapacity(576)
    appendUInt32(&out, xid)
    out += [UInt8(secs >> 8), UInt8(secs & 255), UInt8(flags >> 8), UInt8(flags & 255)]
    for address in [ciaddr, yiaddr, siaddr, giaddr] { appendUInt32(&out, address.value) }
    out += chaddr
    out += fixed(sname, 64)
    out += fixed(file, 128)
    out += DHCPPacket.magicCookie
    out += options.encode()
    out.append(255)
    if out.count < 300 { out += [UInt8](repeating: 0, count: 300 - out.count) }
    return out
  }

  private func fixed(_ text: String, _ size: Int) -> [UInt8] {
    let bytes = Array(text.utf8.prefix(size - 1))
    return bytes + [UInt8](repeating: 0, count: size - bytes.count)
  }

  private static func cString(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }

  static func readUInt32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
    UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
  }

  private func appendUInt32(_ out: inout [UInt8], _ value: UInt32) {
    out += [UInt8(value >> 24), UInt8(value >> 16 & 255), UInt8(value >> 8 & 255), UInt8(value & 255)]
  }
}
