import Runtime
import Testing
@testable import Services

/// The lease policy without a network.
@Suite(.serialized) struct DHCPResponderTests {
  func responder(_ server: ServerConfig = ServerConfig(), discoverable: Bool = false, mode: ServerConfig.DHCPMode = .static,
                 range: (String, String)? = nil) -> DHCPResponder {
    var server = server
    server.dhcp.mode = mode
    var settings = Fixture.settings(server)
    if let range {
      settings.rangeStart = IPv4(range.0)
      settings.rangeEnd = IPv4(range.1)
    }
    return DHCPResponder(config: BootConfig(state: Fixture.state(discoverable: discoverable, server: server), settings: settings))
  }

  func reply(_ decision: DHCPResponder.Decision) -> DHCPPacket? {
    if case .reply(let packet) = decision { return packet }
    return nil
  }

  @Test func knownMACGetsItsStaticAddressAndBIOSBinary() throws {
    let offer = try #require(reply(responder().respond(to: DHCPPacketTests.discover(options: [(93, [0, 0])]), now: 0)))
    #expect(offer.messageType == .offer)
    #expect(offer.yiaddr == IPv4("10.77.0.11"))
    #expect(offer.siaddr == IPv4("10.77.0.1"))
    #expect(offer.file == "warewulf/undionly.kpxe")
    #expect(offer.options[.subnetMask] == [255, 255, 255, 0])
    #expect(offer.options[.router] == [10, 77, 0, 254])
    #expect(offer.options.string(.hostName) == "n1")
    #expect(offer.options[.serverIdentifier] == [10, 77, 0, 1])
  }

  @Test func uefiGetsIPXEEFIAndIPXEGetsTheScriptURL() throws {
    let r = responder()
    let efi = try #require(reply(r.respond(to: DHCPPacketTests.discover(options: [(93, [0, 7])]), now: 0)))
    #expect(efi.file == "warewulf/ipxe.efi")
    let ipxe = try #require(reply(r.respond(to: DHCPPacketTests.discover(options: [(93, [0, 7]), (175, [1, 1, 1])]), now: 0)))
    #expect(ipxe.file == "http://10.77.0.1:9873/ipxe/52-54-00-77-00-11?assetkey=${asset}&uuid=${uuid}")
    #expect(ipxe.options[.ipxeEncapsulated] == [176, 1, 1])
    let plain = try #require(reply(r.respond(to: DHCPPacketTests.discover(), now: 0)))
    #expect(plain.file.isEmpty)
  }

  @Test func arm64FirmwareGetsGRUBAndOneWhoseImageIsForAnotherArchitectureIsRefused() throws {
    func server(_ arch: String) -> ServerConfig {
      var server = ServerConfig()
      server.images["img1"] = ServerConfig.ImageEntry(extra: [ServerConfig.ImageEntry.architectureKey: .scalar(arch, .string)])
      return server
    }
    let arm = try #require(reply(responder(server("aarch64")).respond(to: DHCPPacketTests.discover(options: [(93, [0, 11])]), now: 0)))
    #expect(arm.file == "warewulf/grubaa64.efi")
    guard case .ignore(let reason) = responder(server("x86_64")).respond(to: DHCPPacketTests.discover(options: [(93, [0, 11])]), now: 0) else {
      Issue.record("an x86_64 image was offered to arm64 firmware")
      return
    }
    #expect(reason == "refused n1: its firmware is aarch64 (DHCP option 93 = 11) but its image img1 is x86_64")
    // x86 firmware of a node with an aarch64 image, and an image with no recorded architecture.
    guard case .ignore = responder(server("aarch64")).respond(to: DHCPPacketTests.discover(options: [(93, [0, 7])]), now: 0) else {
      Issue.record("an aarch64 image was offered to x86 firmware")
      return
    }
    #expect(reply(responder().respond(to: DHCPPacketTests.discover(options: [(93, [0, 11])]), now: 0))?.file == "warewulf/grubaa64.efi")
  }

  @Test func unknownMACIsDenied() {
    guard case .ignore(let reason) = responder().respond(to: DHCPPacketTests.discover(mac: "52:54:00:00:00:99"), now: 0) else {
      Issue.record("unknown MAC answered")
      return
    }
    #expect(reason.contains("denied"))
  }

  @Test func requestForAnotherAddressIsNAKed() throws {
    var request = DHCPPacketTests.discover()
    request.options[.messageType] = [DHCPMessageType.request.rawValue]
    request.options[.requestedAddress] = [10, 77, 0, 50]
    let nak = try #require(reply(responder().respond(to: request, now: 0)))
    #expect(nak.messageType == .nak)
    request.options[.requestedAddress] = [10, 77, 0, 11]
    let ack = try #require(reply(responder().respond(to: request, now: 0)))
    #expect(ack.messageType == .ack && ack.yiaddr == IPv4("10.77.0.11"))
    request.options[.serverIdentifier] = [10, 77, 0, 200]
    guard case .ignore = responder().respond(to: request, now: 0) else {
      Issue.record("a request for another server was answered")
      return
    }
  }

  @Test func dynamicRangeLeasesUnknownMACs() throws {
    let r = responder(mode: .dynamic, range: ("10.77.0.11", "10.77.0.13"))
    let first = try #require(reply(r.respond(to: DHCPPacketTests.discover(mac: "02:00:00:00:00:01"), now: 0)))
    #expect(first.yiaddr == IPv4("10.77.0.13"), "node addresses are reserved")
    let again = try #require(reply(r.respond(to: DHCPPacketTests.discover(mac: "02:00:00:00:00:01"), now: 1)))
    #expect(again.yiaddr == first.yiaddr)
    guard case .ignore(let full) = r.respond(to: DHCPPacketTests.discover(mac: "02:00:00:00:00:02"), now: 1) else {
      Issue.record("range should be full")
      return
    }
    #expect(full.contains("full"))
    let later = try #require(reply(r.respond(to: DHCPPacketTests.discover(mac: "02:00:00:00:00:02"), now: 1000)))
    #expect(later.yiaddr == IPv4("10.77.0.13"), "an expired offer is reused")
  }

  @Test func proxyModeGivesBootInformationOnly() throws {
    let r = responder(mode: .proxy)
    let offer = try #require(reply(r.respond(to: DHCPPacketTests.discover(options: [(93, [0, 0]), (60, Array("PXEClient".utf8))]), now: 0)))
    #expect(offer.yiaddr == .zero)
    #expect(offer.file == "warewulf/undionly.kpxe")
    #expect(offer.options.string(.vendorClass) == "PXEClient")
    #expect(offer.options[.vendorSpecific] == [6, 1, 8, 255])
    guard case .ignore = r.respond(to: DHCPPacketTests.discover(), now: 0) else {
      Issue.record("proxy mode answered a non-PXE client")
      return
    }
  }

  @Test func discoveryGivesTheMACToTheFirstDiscoverableNode() throws {
    let r = responder(discoverable: true)
    guard case .discover(let mac) = r.respond(to: DHCPPacketTests.discover(mac: "02:00:00:00:00:42"), now: 0) else {
      Issue.record("no discovery")
      return
    }
    let state = try #require(Discovery.assign(mac, in: Fixture.state(discoverable: true)))
    let merged = try state.cluster.merged("n2")
    #expect(merged.value(at: FieldPath("network devices", "default", "hwaddr"))?.stringValue == "02:00:00:00:00:42")
    #expect(merged.value(at: FieldPath("discoverable")) == nil)
    let other = try #require(MACAddress("02:00:00:00:00:43"))
    #expect(Discovery.assign(other, in: state) == nil, "no discoverable node left")
  }
}
