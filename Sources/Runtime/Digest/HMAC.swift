/// HMAC (RFC 2104) over a digest of 64-byte blocks: SHA-256 for the agent's
/// request signatures and DNS TSIG (RFC 8945), SHA-1 and MD5 for IPMI
/// sessions (`Sources/BMC/IPMI`).
public enum HMAC {
  /// The MAC of `message` under `key` with `hash` (a one-shot digest).
  public static func mac(_ hash: ([UInt8]) -> [UInt8], key: [UInt8], _ message: [UInt8]) -> [UInt8] {
    var block = key.count > 64 ? hash(key) : key
    block += [UInt8](repeating: 0, count: 64 - block.count)
    let inner = hash(block.map { $0 ^ 0x36 } + message)
    return hash(block.map { $0 ^ 0x5C } + inner)
  }

  /// HMAC-SHA256.
  public static func sha256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
    mac({ bytes in
      var digest = SHA256()
      digest.update(bytes)
      return digest.digest()
    }, key: key, message)
  }

  /// Whether two MACs are equal, in time that does not depend on where they differ.
  public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
  }
}
