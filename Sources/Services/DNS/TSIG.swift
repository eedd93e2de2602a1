import Foundation
import Runtime

/// Transaction signatures (RFC 8945) with HMAC-SHA256: signs a request and
/// checks the server's signed answers, including each message of a zone
/// transfer, which chains on the MAC before it (§5.3.1).
struct TSIG {
  let key: TSIGKey
  /// Seconds the signing time may differ from the server's clock.
  static let fudge: UInt16 = 300

  /// A TSIG error (the record's Error field) and what it means for the sysadmin.
  static func explain(_ error: UInt16, key: TSIGKey) -> String {
    switch error {
    case 16: return "the server rejected the signature: the secret of key \"\(key.name)\" does not match the server's (BADSIG)"
    case 17: return "the server does not know key \"\(key.name)\" with \(key.algorithm) (BADKEY)"
    case 18: return "the clocks of Howl and the server differ by more than \(fudge) s (BADTIME)"
    case 22: return "the server wants a longer MAC (BADTRUNC)"
    default: return "TSIG error \(error)"
    }
  }

  /// `message` with a TSIG record appended, and the MAC it carries.
  func sign(_ message: [UInt8], now: Date = Date()) -> (bytes: [UInt8], mac: [UInt8]) {
    let time = UInt64(now.timeIntervalSince1970)
    var variables = DNSWireWriter()
    writeName(key.name, into: &variables)
    variables.uint16(DNSType.classANY)
    variables.uint32(0)
    writeTail(time: time, error: 0, other: [], into: &variables)
    let mac = HMAC.sha256(key: key.secret, message + variables.bytes)
    var signed = message
    let count = (UInt16(signed[10]) << 8 | UInt16(signed[11])) + 1
    signed[10] = UInt8(count >> 8)
    signed[11] = UInt8(count & 0xff)
    var record = DNSWireWriter()
    writeName(key.name, into: &record)
    record.uint16(DNSType.tsig)
    record.uint16(DNSType.classANY)
    record.uint32(0)
    let length = record.placeholder16()
    let start = record.bytes.count
    writeName(key.algorithm, into: &record)
    record.uint16(UInt16(time >> 32))
    record.uint32(UInt32(time & 0xffff_ffff))
    record.uint16(TSIG.fudge)
    record.uint16(UInt16(mac.count))
    record.append(mac)
    record.byte(signed[0])
    record.byte(signed[1])
    record.uint16(0)
    record.uint16(0)
    record.patch16(length, UInt16(record.bytes.count - start))
    return (signed + record.bytes, mac)
  }

  /// A TSIG record as read from an answer, and the answer's bytes without it.
  struct Signature {
    var unsigned: [UInt8]
    var algorithm: DomainName
    var time: UInt64
    var fudge: UInt16
    var mac: [UInt8]
    var error: UInt16
    var other: [UInt8]
  }

  /// The answer's TSIG record, if its last additional record is one. The
  /// records before it are stepped over, not read (a transfer's message
  /// holds hundreds, read once already by `DNSMessage`).
  /// - Throws: `DNSWireError` for a message whose structure does not hold.
  static func signature(of bytes: [UInt8]) throws -> Signature? {
    var reader = DNSWireReader(bytes)
    let header = try DNSHeader(from: &reader)
    guard header.counts[3] > 0 else { return nil }
    for _ in 0..<header.counts[0] {
      try reader.skipName()
      try reader.skip(4)
    }
    for _ in 0..<(Int(header.counts[1]) + Int(header.counts[2]) + Int(header.counts[3]) - 1) { try reader.skipRecord() }
    let start = reader.offset
    _ = try DomainName(from: &reader)
    guard try reader.uint16() == DNSType.tsig else { return nil }
    _ = try reader.take(6)
    let length = Int(try reader.uint16())
    guard length <= reader.remaining else { throw DNSWireError.truncated(at: reader.offset) }
    let algorithm = try DomainName(from: &reader)
    let time = UInt64(try reader.uint16()) << 32 | UInt64(try reader.uint32())
    let fudge = try reader.uint16()
    let mac = try reader.take(Int(try reader.uint16()))
    let originalID = try reader.take(2)
    let error = try reader.uint16()
    let other = try reader.take(Int(try reader.uint16()))
    guard reader.remaining == 0 else { throw DNSWireError.trailingBytes(reader.remaining) }
    var unsigned = Array(bytes[0..<start])
    unsigned[0] = originalID[0]
    unsigned[1] = originalID[1]
    let count = header.counts[3] - 1
    unsigned[10] = UInt8(count >> 8)
    unsigned[11] = UInt8(count & 0xff)
    return Signature(unsigned: unsigned, algorithm: algorithm, time: time, fudge: fudge, mac: mac, error: error, other: other)
  }

  /// Checks the signature of an answer to a request signed with `requestMAC`
  /// (or, with `timersOnly`, a later message of a transfer, `unsignedBefore`
  /// holding the unsigned messages since the last signed one). Returns its MAC.
  /// - Throws: `DNSSyncError` for a missing, wrong or stale signature.
  func verify(_ signature: Signature, after previousMAC: [UInt8], unsignedBefore: [UInt8] = [], timersOnly: Bool = false,
              now: Date = Date()) throws -> [UInt8] {
    guard signature.algorithm.key == key.algorithm else {
      throw DNSSyncError("the server signed its answer with \(signature.algorithm.key), not \(key.algorithm)")
    }
    var input = DNSWireWriter()
    input.uint16(UInt16(previousMAC.count))
    input.append(previousMAC)
    input.append(unsignedBefore)
    input.append(signature.unsigned)
    if timersOnly {
      input.uint16(UInt16(signature.time >> 32))
      input.uint32(UInt32(signature.time & 0xffff_ffff))
      input.uint16(signature.fudge)
    } else {
      writeName(key.name, into: &input)
      input.uint16(DNSType.classANY)
      input.uint32(0)
      writeTail(time: signature.time, error: signature.error, other: signature.other, into: &input, fudge: signature.fudge)
    }
    guard HMAC.equal(HMAC.sha256(key: key.secret, input.bytes), signature.mac) else {
      throw DNSSyncError("the server's answer carries a wrong signature for key \"\(key.name)\" (not the server, or not its key)")
    }
    let skew = abs(Double(signature.time) - now.timeIntervalSince1970)
    guard skew <= Double(signature.fudge) else {
      throw DNSSyncError("the server's clock differs from Howl's by \(Int(skew)) s (more than \(signature.fudge) s)")
    }
    return signature.mac
  }

  /// A name in canonical wire form: lowercase, uncompressed.
  private func writeName(_ name: String, into writer: inout DNSWireWriter) {
    for label in name.lowercased().split(separator: ".") {
      writer.byte(UInt8(label.utf8.count))
      writer.append(Array(label.utf8))
    }
    writer.byte(0)
  }

  /// The variables after the TTL: algorithm, time, fudge, error, other data.
  private func writeTail(time: UInt64, error: UInt16, other: [UInt8], into writer: inout DNSWireWriter, fudge: UInt16 = TSIG.fudge) {
    writeName(key.algorithm, into: &writer)
    writer.uint16(UInt16(time >> 32))
    writer.uint32(UInt32(time & 0xffff_ffff))
    writer.uint16(fudge)
    writer.uint16(error)
    writer.uint16(UInt16(other.count))
    writer.append(other)
  }
}
