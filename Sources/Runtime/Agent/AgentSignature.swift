/// How Howl's node agent proves which node it is: each request carries a
/// time stamp, a sequence number and HMAC-SHA256 (RFC 2104), keyed with the
/// node's secret for this boot, over `TARGET\nTIME\nSEQ` (the request
/// target exactly as sent: path and query). The agent computes the same in
/// POSIX sh (`stdlib/overlays/howl-agent`).
public enum AgentSignature {
  /// The header names the agent sends.
  public static let timeHeader = "X-Howl-Time"
  public static let sequenceHeader = "X-Howl-Seq"
  public static let signatureHeader = "X-Howl-Signature"
  /// The response header with the SHA-256 of a runtime overlay's bytes.
  public static let digestHeader = "X-Howl-SHA256"

  /// What is signed.
  public static func message(target: String, time: Int, sequence: Int) -> String { "\(target)\n\(time)\n\(sequence)" }

  /// HMAC-SHA256 of `message` with the key `keyHex` (hex digits), as lower-case hex; nil for a key that is not hex.
  public static func hmac(keyHex: String, message: String) -> String? {
    guard let key = bytes(hex: keyHex) else { return nil }
    return HMAC.sha256(key: key, Array(message.utf8)).map(hexByte).joined()
  }

  /// Whether a signature matches, in time that does not depend on where they differ.
  public static func matches(_ given: String, _ expected: String) -> Bool {
    HMAC.equal(Array(given.lowercased().utf8), Array(expected.utf8))
  }

  /// A fresh secret: 32 bytes from the system's random source, as hex.
  public static func newKey() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<32).map { _ in hexByte(UInt8.random(in: 0...255, using: &generator)) }.joined()
  }

  /// The SHA-256 of a file's bytes, as hex.
  public static func sha256(ofFile path: String) throws -> String { try SHA256.file(path) }

  static func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
  }

  static func bytes(hex: String) -> [UInt8]? {
    let digits = Array(hex.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(digits.count / 2)
    var i = 0
    while i < digits.count {
      guard let high = nibble(digits[i]), let low = nibble(digits[i + 1]) else { return nil }
      out.append(high << 4 | low)
      i += 2
    }
    return out
  }

  private static func nibble(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
