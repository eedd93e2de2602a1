import Runtime
import Testing
@testable import Services

/// The DNS message parser and the responder without sockets: what is
/// refused (compression loops, oversized labels and names, short or
/// trailing bytes), round trips, empty non-terminals, truncation.
@Suite struct DNSMessageTests {
  static func query(_ name: String, _ type: UInt16, id: UInt16 = 7, edns: Bool = false) -> [UInt8] {
    var message = DNSMessage(id: id, flags: 0x0100)
    message.questions = [DNSQuestion(name: DomainName(name), type: type)]
    if edns { message.additional = [DNSResource(name: .root, type: DNSType.opt, klass: 4096, ttl: 0, data: .bytes([]))] }
    return message.encode()
  }

  static let header: [UInt8] = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]

  @Test(arguments: [
    (header + [0xC0, 12, 0, 1, 0, 1], "compression pointer at byte 12 does not point backwards"),
    (header + [1, 65, 0xC0, 12, 0, 1, 0, 1], "compression pointer at byte 14 does not point backwards"),
    (header + [64] + [UInt8](repeating: 65, count: 64) + [0, 0, 1, 0, 1], "label length 64 (at most 63)"),
    (header + (0..<5).flatMap { _ in [63] + [UInt8](repeating: 65, count: 63) } + [0, 0, 1, 0, 1], "name longer than 255 bytes"),
    (header + [0x80, 0, 0, 1, 0, 1], "label length 128 (at most 63)"),
    (header + [3, 65, 65], "message ends early at byte 15"),
    (header + [0, 0, 1, 0, 1, 9], "1 bytes after the last record"),
    ([0, 1, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0], "message ends early at byte 12"),
  ])
  func malformedMessagesAreRefused(bytes: [UInt8], reason: String) {
    #expect(throws: (any Error).self) { try DNSMessage(parsing: bytes) }
    do { _ = try DNSMessage(parsing: bytes) } catch { #expect("\(error)" == reason) }
  }

  @Test func compressedNamesReadBackAndRoundTrip() throws {
    var message = DNSMessage(id: 9, flags: 0x8400)
    message.questions = [DNSQuestion(name: DomainName("n1.lab.example"), type: DNSType.a)]
    message.answers = [
      DNSResource(name: DomainName("n1.lab.example"), type: DNSType.a, ttl: 60, data: .bytes([10, 0, 0, 1])),
      DNSResource(name: DomainName("lab.example"), type: DNSType.soa, ttl: 60,
                  data: .soa(primary: DomainName("howl.lab.example"), mailbox: DomainName("hostmaster.lab.example"), numbers: [1, 2, 3, 4, 5])),
    ]
    let bytes = message.encode()
    #expect(bytes.count == 100, "names are compressed: \(bytes.count) bytes")
    #expect(try DNSMessage(parsing: bytes) == message)
  }

  static func responder() throws -> DNSResponder {
    var state = ClusterState()
    state.server.ipaddr = "10.139.0.1"
    state.server.netmask = "255.255.0.0"
    state.server.dns = DNSSettings(enabled: true, domain: "c", hosts: ["login1": ["10.139.4.5"], "many": (1...60).map { "10.139.9.\($0)" }])
    return DNSResponder(authority: DNSAuthority(zone: try DNSZoneData(state: state), serial: 42), forwarding: false)
  }

  func reply(_ outcome: DNSResponder.Outcome) throws -> DNSMessage {
    guard case .reply(let bytes) = outcome else { throw TestFailure("no reply: \(outcome)") }
    return try DNSMessage(parsing: bytes)
  }

  @Test func emptyNonTerminalsAreNoDataAndMissingNamesNXDomain() throws {
    let responder = try DNSMessageTests.responder()
    let between = try reply(responder.respond(to: DNSMessageTests.query("4.139.10.in-addr.arpa", DNSType.ptr), over: .udp))
    #expect(between.flags & 0xF == 0 && between.answers.isEmpty && between.authority.map(\.type) == [DNSType.soa])
    let missing = try reply(responder.respond(to: DNSMessageTests.query("6.4.139.10.in-addr.arpa", DNSType.ptr), over: .udp))
    #expect(missing.flags & 0xF == 3 && missing.flags & 0x0400 != 0)
    let found = try reply(responder.respond(to: DNSMessageTests.query("5.4.139.10.in-addr.arpa", DNSType.ptr), over: .udp))
    #expect(found.answers.map(\.data) == [.name(DomainName("login1.c"))])
  }

  /// Answers made beforehand (`DNSEncodedAnswers`) are byte for byte what
  /// the encoder writes for the reply record by record, in any case of the question.
  @Test(arguments: [
    ("login1.c", DNSType.a, false), ("LOGIN1.C", DNSType.a, true), ("5.4.139.10.in-addr.arpa", DNSType.ptr, false),
    ("5.4.139.10.IN-ADDR.arpa", DNSType.ptr, true), ("many.c", DNSType.a, true), ("howl.c", DNSType.a, false),
  ])
  func readyAnswersAreWhatTheEncoderWrites(name: String, type: UInt16, edns: Bool) throws {
    let responder = try DNSMessageTests.responder()
    let query = DNSMessageTests.query(name, type, id: 77, edns: edns)
    guard case .reply(let bytes) = responder.respond(to: query, over: .tcp) else { throw TestFailure("no reply") }
    let key = DomainName(name).key
    var expected = DNSMessage(id: 77, flags: 0x8000 | 0x0400 | 0x0100)
    expected.questions = [DNSQuestion(name: DomainName(name), type: type)]
    expected.answers = (responder.authority.names[key]?[type] ?? []).map {
      DNSResource(name: DomainName(name), type: type, ttl: responder.authority.ttl, data: $0)
    }
    if edns { expected.additional = [DNSResource(name: .root, type: DNSType.opt, klass: DNSResponder.ednsPayload, ttl: 0, data: .bytes([]))] }
    #expect(!expected.answers.isEmpty && responder.authority.encoded.section(key, type: type) != nil)
    #expect(bytes == expected.encode())
  }

  @Test func anAnswerTooLargeForUDPIsTruncatedAndWholeOverTCP() throws {
    let responder = try DNSMessageTests.responder()
    let udp = try reply(responder.respond(to: DNSMessageTests.query("many.c", DNSType.a), over: .udp))
    #expect(udp.flags & 0x0200 != 0 && udp.answers.isEmpty)
    let edns = try reply(responder.respond(to: DNSMessageTests.query("many.c", DNSType.a, edns: true), over: .udp))
    #expect(edns.flags & 0x0200 == 0 && edns.answers.count == 60 && edns.opt?.klass == 1232)
    let tcp = try reply(responder.respond(to: DNSMessageTests.query("many.c", DNSType.a), over: .tcp))
    #expect(tcp.flags & 0x0200 == 0 && tcp.answers.count == 60)
  }

  @Test func responsesAndOtherNamesAreNotAnswered() throws {
    let responder = try DNSMessageTests.responder()
    var response = try DNSMessage(parsing: DNSMessageTests.query("login1.c", DNSType.a))
    response.flags |= 0x8000
    #expect(responder.respond(to: response.encode(), over: .udp) == .drop("a response, not a query"))
    #expect(try reply(responder.respond(to: DNSMessageTests.query("example.com", DNSType.a), over: .udp)).flags & 0xF == 5)
    var many = DNSMessage(id: 3, flags: 0)
    many.questions = (0..<8).map { DNSQuestion(name: DomainName(String(repeating: "a", count: 60) + ".\($0).c"), type: DNSType.a) }
    guard case .reply(let bytes) = responder.respond(to: many.encode(), over: .udp) else { throw TestFailure("no reply") }
    #expect(bytes.count == 12 && bytes[3] & 0xF == 1, "FORMERR without the questions")
    let forwarding = DNSResponder(authority: responder.authority, forwarding: true)
    #expect(forwarding.respond(to: DNSMessageTests.query("example.com", DNSType.a), over: .udp) == .forward)
  }
}
