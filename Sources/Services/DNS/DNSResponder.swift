import Runtime

/// Answers one query from the zones: authoritative answers (AA) for names in
/// them, NXDOMAIN and NODATA with the zone's SOA in the authority section,
/// REFUSED for other names unless a forwarder takes them. Truncates a UDP
/// answer that does not fit (TC) so the client asks again over TCP.
public struct DNSResponder: Sendable {
  public enum Transport: Sendable { case udp, tcp }

  /// What to do with a query.
  public enum Outcome: Equatable, Sendable {
    case reply([UInt8])
    /// Send it on to an upstream resolver.
    case forward
    /// Malformed: drop it (the reason is logged).
    case drop(String)
  }

  public let authority: DNSAuthority
  public let forwarding: Bool
  /// The largest UDP payload Howl sends (the EDNS size it advertises).
  public static let ednsPayload: UInt16 = 1232

  public init(authority: DNSAuthority, forwarding: Bool) {
    self.authority = authority
    self.forwarding = forwarding
  }

  public func respond(to bytes: [UInt8], over transport: Transport) -> Outcome {
    let query: DNSMessage
    do { query = try DNSMessage(parsing: bytes) } catch { return .drop("\(error)") }
    if query.flags & 0x8000 != 0 { return .drop("a response, not a query") }
    var reply = DNSMessage(id: query.id, flags: 0x8000 | (query.flags & 0x7900))
    reply.questions = query.questions
    let edns = query.opt
    if edns != nil { reply.additional = [DNSResource(name: .root, type: DNSType.opt, klass: DNSResponder.ednsPayload, ttl: 0, data: .bytes([]))] }
    func finish(_ rcode: DNSRcode) -> Outcome {
      reply.flags |= UInt16(rcode.rawValue)
      return .reply(fit(reply, transport: transport, clientSize: edns.map { max(512, Int($0.klass)) } ?? 512))
    }
    guard query.questions.count == 1 else {
      // Echoing many questions could exceed what the client accepts.
      reply.questions = []
      return finish(.formErr)
    }
    guard query.opcode == 0 else { return finish(.notImp) }
    let question = query.questions[0]
    let key = question.name.key
    guard let apex = authority.apex(of: key) else { return forwarding ? .forward : finish(.refused) }
    guard question.klass == DNSType.classIN || question.klass == DNSType.classANY else { return finish(.refused) }
    if [DNSType.axfr, DNSType.ixfr, DNSType.tsig, DNSType.opt].contains(question.type) { return finish(.notImp) }
    reply.flags |= 0x0400
    if key != apex, question.type != DNSType.ns, let section = authority.encoded.section(key, type: question.type),
       let bytes = DNSResponder.encoded(reply, section, transport: transport, clientSize: edns.map { max(512, Int($0.klass)) } ?? 512) {
      return .reply(bytes)
    }
    guard let found = authority.lookup(key, type: question.type, apex: apex) else {
      reply.authority = [authority.soa(apex)]
      return finish(.nxDomain)
    }
    reply.answers = found.map { DNSResource(name: question.name, type: $0.0, ttl: authority.ttl, data: $0.1) }
    if reply.answers.isEmpty { reply.authority = [authority.soa(apex)] }
    if question.type == DNSType.ns, let glue = authority.names[authority.zone.serverName] {
      let extra = (glue[DNSType.a] ?? []).map { DNSResource(name: DomainName(authority.zone.serverName), type: DNSType.a, ttl: authority.ttl, data: $0) }
        + (glue[DNSType.aaaa] ?? []).map { DNSResource(name: DomainName(authority.zone.serverName), type: DNSType.aaaa, ttl: authority.ttl, data: $0) }
      reply.additional.insert(contentsOf: extra, at: 0)
    }
    return finish(.noError)
  }

  /// `reply` (its header, question and OPT) with the answer `section` made
  /// beforehand; nil when it does not fit UDP (the whole path truncates it).
  static func encoded(_ reply: DNSMessage, _ section: DNSEncodedAnswers.Section, transport: Transport, clientSize: Int) -> [UInt8]? {
    var writer = DNSWireWriter()
    DNSHeader(id: reply.id, flags: reply.flags, counts: [1, section.count, 0, UInt16(reply.additional.count)]).encode(into: &writer)
    reply.questions[0].encode(into: &writer)
    writer.append(section.bytes)
    for record in reply.additional { record.encode(into: &writer) }
    guard transport == .tcp || writer.bytes.count <= min(clientSize, Int(DNSResponder.ednsPayload)) else { return nil }
    return writer.bytes
  }

  /// The reply's bytes; over UDP, only the header, question and OPT with TC
  /// set when the whole would exceed what the client accepts.
  func fit(_ reply: DNSMessage, transport: Transport, clientSize: Int) -> [UInt8] {
    let bytes = reply.encode()
    let limit = min(clientSize, Int(DNSResponder.ednsPayload))
    guard transport == .udp, bytes.count > limit else { return bytes }
    return DNSResponder.truncated(reply)
  }

  /// The header, question and OPT of `reply`, with TC set.
  static func truncated(_ reply: DNSMessage) -> [UInt8] {
    var short = reply
    short.flags |= 0x0200
    short.answers = []
    short.authority = []
    short.additional = reply.additional.filter { $0.type == DNSType.opt }
    return short.encode()
  }
}

extension DNSResponder {
  /// An upstream's answer as a UDP client may take it: whole when it fits
  /// the size the client's query allows, else cut to its header and
  /// question with TC set, so the client asks again over TCP.
  static func fitForwarded(_ reply: [UInt8], query: [UInt8]) -> [UInt8] {
    let size = (try? DNSMessage(parsing: query))?.opt.map { max(512, Int($0.klass)) } ?? 512
    guard reply.count > size else { return reply }
    guard let message = try? DNSMessage(parsing: reply) else { return [reply[0], reply[1], reply[2] | 0x02, reply[3]] + [UInt8](repeating: 0, count: 8) }
    return DNSResponder.truncated(message)
  }
}

extension DNSMessage {
  public var opcode: UInt8 { UInt8(flags >> 11 & 0xF) }
}
