/// A domain name as labels of bytes; compared without regard to ASCII case.
public struct DomainName: Hashable, Sendable, CustomStringConvertible {
  public var labels: [[UInt8]]

  public init(labels: [[UInt8]]) { self.labels = labels }

  /// `sc001.cluster` or `sc001.cluster.` (text of plain labels; escapes are not read).
  public init(_ text: String) {
    labels = text.split(separator: ".").map { Array($0.utf8) }
  }

  public static let root = DomainName(labels: [])

  /// Lowercased dotted text without the final dot: how names are looked up.
  public var key: String {
    // One buffer, not a string per label: every lookup and transfer makes keys.
    var bytes: [UInt8] = []
    bytes.reserveCapacity(labels.reduce(0) { $0 + $1.count + 1 })
    for (position, label) in labels.enumerated() {
      if position > 0 { bytes.append(UInt8(ascii: ".")) }
      for byte in label { bytes.append((65...90).contains(byte) ? byte + 32 : byte) }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public var description: String { labels.isEmpty ? "." : labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".") + "." }

  public static func == (a: DomainName, b: DomainName) -> Bool { a.key == b.key }
  public func hash(into hasher: inout Hasher) { hasher.combine(key) }

  /// Reads a name, following compression pointers strictly backwards, with
  /// labels of at most 63 bytes and 255 bytes in all (RFC 1035 §2.3.4, §4.1.4).
  public init(from reader: inout DNSWireReader) throws {
    var labels: [[UInt8]] = []
    var length = 1
    var cursor = reader
    var jumped = false
    // Every pointer must go below where the previous jump landed, so a loop cannot form.
    var limit = reader.offset
    while true {
      let start = cursor.offset
      let head = try cursor.byte()
      switch head & 0xC0 {
      case 0x00:
        if head == 0 {
          if !jumped { reader = cursor }
          self.labels = labels
          return
        }
        let label = try cursor.take(Int(head))
        length += label.count + 1
        guard length <= 255 else { throw DNSWireError.nameTooLong }
        labels.append(label)
      case 0xC0:
        let target = Int(head & 0x3F) << 8 | Int(try cursor.byte())
        guard target < limit, target < start else { throw DNSWireError.pointerLoop(at: start) }
        if !jumped { reader.seek(cursor.offset) }
        jumped = true
        limit = target
        cursor.seek(target)
      default:
        // 0x40 and 0x80: a length over 63, or the extended label types RFC 6891 retired.
        throw DNSWireError.labelTooLong(Int(head))
      }
    }
  }
}
