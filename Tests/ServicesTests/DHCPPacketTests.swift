import Testing
@testable import Services

/// The DHCP codec: round trips, RFC 3396 concatenation, overload, garbage.
@Suite(.serialized) struct DHCPPacketTests {
  static func discover(mac: String = Fixture.mac1, options: [(UInt8, [UInt8])] = []) -> DHCPPacket {
    var packet = DHCPPacket(op: DHCPPacket.bootRequest, xid: 0x1234_5678, chaddr: MACAddress(mac)?.bytes ?? [])
    packet.options[.messageType] = [DHCPMessageType.discover.rawValue]
    for (code, value) in options { packet.options[DHCPOptionCode(rawValue: code)] = value }
    return packet
  }

  @Test func roundTrip() throws {
    var packet = Self.discover(options: [(93, [0, 7]), (60, Array("PXEClient:Arch:00007".utf8))])
    packet.flags = 0x8000
    packet.file = "boot.efi"
    let parsed = try DHCPPacket.parse(packet.encode())
    #expect(parsed == packet)
    #expect(parsed.macAddress?.description == Fixture.mac1)
    #expect(parsed.messageType == .discover)
    #expect(parsed.broadcastFlag)
    #expect(packet.encode().count >= 300)
  }

  @Test func longOptionsSplitAndConcatenate() throws {
    var packet = Self.discover()
    packet.options[.vendorSpecific] = [UInt8](repeating: 7, count: 600)
    let parsed = try DHCPPacket.parse(packet.encode())
    #expect(parsed.options[.vendorSpecific]?.count == 600)
  }

  @Test func overloadedFileFieldHoldsOptions() throws {
    var bytes = Self.discover().encode()
    // Put option 52 (overload = file) in the options and a hostname option in the file field.
    let optionsStart = 240
    bytes.replaceSubrange(optionsStart..<optionsStart + 3, with: [53, 1, 1])
    bytes.insert(contentsOf: [52, 1, 1], at: optionsStart + 3)
    bytes.replaceSubrange(108..<114, with: [12, 3, 0x61, 0x62, 0x63, 255])
    let parsed = try DHCPPacket.parse(bytes)
    #expect(parsed.options.string(.hostName) == "abc")
    #expect(parsed.file.isEmpty)
  }

  @Test func garbageIsRejectedNotCrashing() {
    #expect(throws: DHCPPacket.ParseError.self) { try DHCPPacket.parse([UInt8](repeating: 0, count: 10)) }
    var bytes = Self.discover().encode()
    bytes[236] = 0
    #expect(throws: DHCPPacket.ParseError.self) { try DHCPPacket.parse(bytes) }
    bytes = Array(Self.discover().encode().prefix(240)) + [53, 200, 1]
    #expect(throws: DHCPPacket.ParseError.self) { try DHCPPacket.parse(bytes) }
    bytes = Self.discover().encode()
    bytes[2] = 200
    #expect(throws: DHCPPacket.ParseError.self) { try DHCPPacket.parse(bytes) }
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      var noise = Self.discover().encode()
      for _ in 0..<8 { noise[Int.random(in: 0..<noise.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
      noise = Array(noise.prefix(Int.random(in: 0...noise.count, using: &generator)))
      _ = try? DHCPPacket.parse(noise)
    }
  }

  @Test func classifiesBootClients() {
    #expect(BootFileChooser.classify(Self.discover()) == .other)
    #expect(BootFileChooser.classify(Self.discover(options: [(93, [0, 0])])) == .pxe(architecture: 0))
    #expect(BootFileChooser.classify(Self.discover(options: [(93, [0, 9])])) == .pxe(architecture: 9))
    #expect(BootFileChooser.classify(Self.discover(options: [(60, Array("PXEClient:Arch:00000".utf8))])) == .pxe(architecture: 0))
    #expect(BootFileChooser.classify(Self.discover(options: [(93, [0, 7]), (175, [1, 1, 1])])) == .ipxe)
    #expect(BootFileChooser.classify(Self.discover(options: [(77, Array("iPXE".utf8))])) == .ipxe)
  }

  @Test func macAddressesParseBothSpellings() {
    #expect(MACAddress("52-54-00-77-00-11") == MACAddress("52:54:00:77:00:11"))
    #expect(MACAddress("52:54:00:77:00:1") == nil)
    #expect(MACAddress("52:54:00:77:00:11")?.hyphenated == "52-54-00-77-00-11")
  }
}
