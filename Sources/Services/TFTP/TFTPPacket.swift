/// A TFTP packet (RFC 1350, options RFC 2347).
public enum TFTPPacket: Equatable, Sendable {
  case readRequest(filename: String, mode: String, options: [(String, String)])
  case writeRequest(filename: String, mode: String)
  case data(block: UInt16, payload: [UInt8])
  case ack(block: UInt16)
  case error(code: UInt16, message: String)
  case optionAck([(String, String)])

  /// Why a datagram is not a TFTP packet.
  public struct ParseError: Error, Equatable, CustomStringConvertible {
    public var description: String
  }

  /// TFTP error codes (RFC 1350 §5, RFC 2347 code 8).
  public enum ErrorCode: UInt16 {
    case notDefined = 0, fileNotFound, accessViolation, diskFull, illegalOperation, unknownTransferID, fileExists, noSuchUser, optionRefused
  }

  public static func == (lhs: TFTPPacket, rhs: TFTPPacket) -> Bool {
    switch (lhs, rhs) {
    case let (.readRequest(a, b, c), .readRequest(d, e, f)):
      return a == d && b == e && c.elementsEqual(f) { $0 == $1 }
    case let (.writeRequest(a, b), .writeRequest(c, d)): return a == c && b == d
    case let (.data(a, b), .data(c, d)): return a == c && b == d
    case let (.ack(a), .ack(b)): return a == b
    case let (.error(a, b), .error(c, d)): return a == c && b == d
    case let (.optionAck(a), .optionAck(b)): return a.elementsEqual(b) { $0 == $1 }
    default: return false
    }
  }

  public static func parse<Bytes: RandomAccessCollection>(_ data: Bytes) throws -> TFTPPacket where Bytes.Element == UInt8, Bytes.Index == Int {
    let bytes = Array(data)
    guard bytes.count >= 4 else { throw ParseError(description: "short packet (\(bytes.count) bytes)") }
    let opcode = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    let number = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
    switch opcode {
    case 1, 2:
      let fields = try strings(bytes[2...])
      guard fields.count >= 2, fields.count % 2 == 0 else { throw ParseError(description: "request needs file name and mode") }
      if opcode == 2 { return .writeRequest(filename: fields[0], mode: fields[1]) }
      var options: [(String, String)] = []
      var index = 2
      while index + 1 < fields.count {
        options.append((fields[index].lowercased(), fields[index + 1]))
        index += 2
      }
      return .readRequest(filename: fields[0], mode: fields[1].lowercased(), options: options)
    case 3: return .data(block: number, payload: Array(bytes[4...]))
    case 4: return .ack(block: number)
    case 5:
      let message = bytes[4...].prefix { $0 != 0 }
      return .error(code: number, message: String(decoding: message, as: UTF8.self))
    case 6:
      let fields = try strings(bytes[2...])
      guard fields.count % 2 == 0 else { throw ParseError(description: "odd option list") }
      return .optionAck(stride(from: 0, to: fields.count, by: 2).map { (fields[$0], fields[$0 + 1]) })
    default:
      throw ParseError(description: "unknown opcode \(opcode)")
    }
  }

  /// NUL-terminated strings; the last must be terminated.
  private static func strings(_ bytes: ArraySlice<UInt8>) throws -> [String] {
    guard bytes.last == 0 else { throw ParseError(description: "unterminated string") }
    return bytes.dropLast().split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
  }

  public func encode() -> [UInt8] {
    func short(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 255)] }
    func text(_ value: String) -> [UInt8] { Array(value.utf8) + [0] }
    switch self {
    case let .readRequest(filename, mode, options):
      return short(1) + text(filename) + text(mode) + options.flatMap { text($0.0) + text($0.1) }
    case let .writeRequest(filename, mode): return short(2) + text(filename) + text(mode)
    case let .data(block, payload): return short(3) + short(block) + payload
    case let .ack(block): return short(4) + short(block)
    case let .error(code, message): return short(5) + short(code) + text(message)
    case let .optionAck(options): return short(6) + options.flatMap { text($0.0) + text($0.1) }
    }
  }
}
