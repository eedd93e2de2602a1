/// Record types and classes Howl reads and writes.
public enum DNSType {
  public static let a: UInt16 = 1, ns: UInt16 = 2, cname: UInt16 = 5, soa: UInt16 = 6, ptr: UInt16 = 12
  public static let mx: UInt16 = 15, txt: UInt16 = 16, aaaa: UInt16 = 28, opt: UInt16 = 41
  public static let tsig: UInt16 = 250, ixfr: UInt16 = 251, axfr: UInt16 = 252, any: UInt16 = 255
  public static let classIN: UInt16 = 1, classNONE: UInt16 = 254, classANY: UInt16 = 255
}

/// Response codes (RFC 1035 §4.1.1).
public enum DNSRcode: UInt8 {
  case noError = 0, formErr = 1, servFail = 2, nxDomain = 3, notImp = 4, refused = 5
}

/// The 12-byte header.
public struct DNSHeader: Equatable, Sendable {
  public var id: UInt16
  public var flags: UInt16
  public var counts: [UInt16]

  public init(id: UInt16, flags: UInt16, counts: [UInt16] = [0, 0, 0, 0]) {
    self.id = id
    self.flags = flags
    self.counts = counts
  }

  public init(from reader: inout DNSWireReader) throws {
    id = try reader.uint16()
    flags = try reader.uint16()
    counts = try (0..<4).map { _ in try reader.uint16() }
  }

  public var isResponse: Bool { flags & 0x8000 != 0 }
  public var opcode: UInt8 { UInt8(flags >> 11 & 0xF) }
  public var recursionDesired: Bool { flags & 0x0100 != 0 }
  public var truncated: Bool { flags & 0x0200 != 0 }
  public var authoritative: Bool { flags & 0x0400 != 0 }
  public var rcode: UInt8 { UInt8(flags & 0xF) }

  public func encode(into writer: inout DNSWireWriter) {
    writer.uint16(id)
    writer.uint16(flags)
    for count in counts { writer.uint16(count) }
  }
}

/// A question: name, type, class.
public struct DNSQuestion: Equatable, Sendable {
  public var name: DomainName
  public var type: UInt16
  public var klass: UInt16

  public init(name: DomainName, type: UInt16, klass: UInt16 = DNSType.classIN) {
    self.name = name
    self.type = type
    self.klass = klass
  }

  public init(from reader: inout DNSWireReader) throws {
    name = try DomainName(from: &reader)
    type = try reader.uint16()
    klass = try reader.uint16()
  }

  public func encode(into writer: inout DNSWireWriter) {
    writer.name(name)
    writer.uint16(type)
    writer.uint16(klass)
  }
}

/// What a record holds: names inside NS, PTR, CNAME and SOA data are read
/// (they may be compressed); everything else is kept as bytes.
public enum DNSRecordData: Equatable, Sendable {
  case name(DomainName)
  case soa(primary: DomainName, mailbox: DomainName, numbers: [UInt32])
  case bytes([UInt8])

  init(type: UInt16, length: Int, from reader: inout DNSWireReader) throws {
    let end = reader.offset + length
    guard length <= reader.remaining else { throw DNSWireError.truncated(at: reader.offset) }
    switch type {
    case DNSType.ns, DNSType.ptr, DNSType.cname:
      self = .name(try DomainName(from: &reader))
    case DNSType.soa:
      let primary = try DomainName(from: &reader), mailbox = try DomainName(from: &reader)
      self = .soa(primary: primary, mailbox: mailbox, numbers: try (0..<5).map { _ in try reader.uint32() })
    case DNSType.a where length != 4, DNSType.aaaa where length != 16:
      throw DNSWireError.badRecordData(type: type)
    default:
      self = .bytes(try reader.take(length))
    }
    guard reader.offset == end else { throw DNSWireError.badRecordData(type: type) }
  }

  func encode(into writer: inout DNSWireWriter) {
    switch self {
    case .name(let name): writer.name(name)
    case .soa(let primary, let mailbox, let numbers):
      writer.name(primary)
      writer.name(mailbox)
      for n in numbers { writer.uint32(n) }
    case .bytes(let bytes): writer.append(bytes)
    }
  }
}

/// A resource record (also EDNS's OPT pseudo-record, whose class is the UDP size).
public struct DNSResource: Equatable, Sendable {
  public var name: DomainName
  public var type: UInt16
  public var klass: UInt16
  public var ttl: UInt32
  public var data: DNSRecordData

  public init(name: DomainName, type: UInt16, klass: UInt16 = DNSType.classIN, ttl: UInt32, data: DNSRecordData) {
    self.name = name
    self.type = type
    self.klass = klass
    self.ttl = ttl
    self.data = data
  }

  public init(from reader: inout DNSWireReader) throws {
    name = try DomainName(from: &reader)
    type = try reader.uint16()
    klass = try reader.uint16()
    ttl = try reader.uint32()
    let length = Int(try reader.uint16())
    data = try DNSRecordData(type: type, length: length, from: &reader)
  }

  public func encode(into writer: inout DNSWireWriter) {
    writer.name(name)
    writer.uint16(type)
    writer.uint16(klass)
    writer.uint32(ttl)
    let length = writer.placeholder16()
    let start = writer.bytes.count
    data.encode(into: &writer)
    writer.patch16(length, UInt16(writer.bytes.count - start))
  }
}

/// A whole message: the header and its four sections, each read by the
/// piece that knows it.
public struct DNSMessage: Equatable, Sendable {
  public var id: UInt16
  public var flags: UInt16
  public var questions: [DNSQuestion] = []
  public var answers: [DNSResource] = []
  public var authority: [DNSResource] = []
  public var additional: [DNSResource] = []

  public init(id: UInt16, flags: UInt16) {
    self.id = id
    self.flags = flags
  }

  /// Reads a message; refuses bytes after the last record.
  /// - Throws: `DNSWireError`.
  public init(parsing bytes: [UInt8]) throws {
    var reader = DNSWireReader(bytes)
    let header = try DNSHeader(from: &reader)
    id = header.id
    flags = header.flags
    // Each question takes at least 5 bytes and each record 11, so counts beyond the message fail early.
    guard Int(header.counts[0]) * 5 + Int(header.counts[1...].reduce(0) { $0 + Int($1) }) * 11 <= reader.remaining else {
      throw DNSWireError.truncated(at: bytes.count)
    }
    questions = try (0..<header.counts[0]).map { _ in try DNSQuestion(from: &reader) }
    answers = try (0..<header.counts[1]).map { _ in try DNSResource(from: &reader) }
    authority = try (0..<header.counts[2]).map { _ in try DNSResource(from: &reader) }
    additional = try (0..<header.counts[3]).map { _ in try DNSResource(from: &reader) }
    guard reader.remaining == 0 else { throw DNSWireError.trailingBytes(reader.remaining) }
  }

  public var header: DNSHeader {
    DNSHeader(id: id, flags: flags, counts: [questions.count, answers.count, authority.count, additional.count].map { UInt16($0) })
  }

  public func encode() -> [UInt8] {
    var writer = DNSWireWriter()
    header.encode(into: &writer)
    for q in questions { q.encode(into: &writer) }
    for r in answers { r.encode(into: &writer) }
    for r in authority { r.encode(into: &writer) }
    for r in additional { r.encode(into: &writer) }
    return writer.bytes
  }

  /// The EDNS OPT record, if the message has one.
  public var opt: DNSResource? { additional.first { $0.type == DNSType.opt } }
}
