/// Why a DNS message was not read: each case names the rule it broke.
public enum DNSWireError: Error, Equatable, CustomStringConvertible {
  case truncated(at: Int)
  case labelTooLong(Int)
  case nameTooLong
  /// A compression pointer that does not point strictly backwards (loops are impossible this way).
  case pointerLoop(at: Int)
  case trailingBytes(Int)
  case badRecordData(type: UInt16)

  public var description: String {
    switch self {
    case .truncated(let at): return "message ends early at byte \(at)"
    case .labelTooLong(let n): return "label length \(n) (at most 63)"
    case .nameTooLong: return "name longer than 255 bytes"
    case .pointerLoop(let at): return "compression pointer at byte \(at) does not point backwards"
    case .trailingBytes(let n): return "\(n) bytes after the last record"
    case .badRecordData(let type): return "record data of type \(type) does not match its length"
    }
  }
}

/// A cursor over a DNS message's bytes (RFC 1035 §4): each piece of the
/// message reads itself from it, as a NIO handler reads from its buffer.
public struct DNSWireReader {
  public let bytes: [UInt8]
  public private(set) var offset = 0

  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  public var remaining: Int { bytes.count - offset }

  public mutating func byte() throws -> UInt8 {
    guard offset < bytes.count else { throw DNSWireError.truncated(at: offset) }
    defer { offset += 1 }
    return bytes[offset]
  }

  public mutating func uint16() throws -> UInt16 { UInt16(try byte()) << 8 | UInt16(try byte()) }

  public mutating func uint32() throws -> UInt32 { UInt32(try uint16()) << 16 | UInt32(try uint16()) }

  public mutating func take(_ count: Int) throws -> [UInt8] {
    guard count >= 0, count <= remaining else { throw DNSWireError.truncated(at: offset) }
    defer { offset += count }
    return Array(bytes[offset..<offset + count])
  }

  /// Steps over `count` bytes.
  public mutating func skip(_ count: Int) throws {
    guard count >= 0, count <= remaining else { throw DNSWireError.truncated(at: offset) }
    offset += count
  }

  /// Steps over a name without reading it: its labels up to the root or a
  /// compression pointer (not followed), each label at most 63 bytes.
  public mutating func skipName() throws {
    while true {
      let head = try byte()
      switch head & 0xC0 {
      case 0x00:
        if head == 0 { return }
        try skip(Int(head))
      case 0xC0:
        try skip(1)
        return
      default:
        throw DNSWireError.labelTooLong(Int(head))
      }
    }
  }

  /// Steps over a resource record: name, type, class, TTL and data.
  public mutating func skipRecord() throws {
    try skipName()
    try skip(8)
    try skip(Int(try uint16()))
  }

  /// Moves to `position` (only for following a compression pointer on a copy).
  mutating func seek(_ position: Int) { offset = position }
}

/// Builds a DNS message, compressing names against those already written (RFC 1035 §4.1.4).
public struct DNSWireWriter {
  public private(set) var bytes: [UInt8] = []
  /// The suffixes of the names written (their labels in wire form,
  /// lowercased) and where each was written. A message holds a few names,
  /// so a list searched in order beats hashing every byte.
  private var suffixes: [(key: ArraySlice<UInt8>, offset: Int)] = []

  public init() {
    bytes.reserveCapacity(512)
    suffixes.reserveCapacity(8)
  }

  public mutating func byte(_ value: UInt8) { bytes.append(value) }
  public mutating func uint16(_ value: UInt16) { bytes.append(UInt8(value >> 8)); bytes.append(UInt8(value & 0xff)) }
  public mutating func uint32(_ value: UInt32) { uint16(UInt16(value >> 16)); uint16(UInt16(value & 0xffff)) }
  public mutating func append(_ data: [UInt8]) { bytes.append(contentsOf: data) }

  /// Writes 2 bytes to patch later with `patch16`; returns their offset.
  public mutating func placeholder16() -> Int { defer { uint16(0) }; return bytes.count }
  public mutating func patch16(_ offset: Int, _ value: UInt16) {
    bytes[offset] = UInt8(value >> 8)
    bytes[offset + 1] = UInt8(value & 0xff)
  }

  public mutating func name(_ name: DomainName) {
    // The name in wire form, lowercased, made once at its full size (a reply writes a few names, each often twice).
    var size = 0
    for label in name.labels { size += label.count + 1 }
    var wire: [UInt8] = []
    wire.reserveCapacity(size)
    for label in name.labels {
      wire.append(UInt8(label.count))
      for byte in label { wire.append((65...90).contains(byte) ? byte + 32 : byte) }
    }
    var start = 0
    for label in name.labels {
      let key = wire[start...]
      if let at = suffixes.first(where: { $0.key == key })?.offset {
        uint16(0xC000 | UInt16(at))
        return
      }
      if bytes.count < 0x3FFF { suffixes.append((key, bytes.count)) }
      byte(UInt8(label.count))
      append(label)
      start += label.count + 1
    }
    byte(0)
  }
}
