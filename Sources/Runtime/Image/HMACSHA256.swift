/// HMAC-SHA256 (RFC 2104): the agent's request signatures and DNS TSIG (RFC 8945).
public enum HMACSHA256 {
  public static func mac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
    var key = key
    if key.count > 64 {
      var digest = SHA256()
      digest.update(key)
      key = digest.digest()
    }
    key += [UInt8](repeating: 0, count: 64 - key.count)
    var inner = SHA256()
    inner.update(key.map { $0 ^ 0x36 })
    inner.update(message)
    var outer = SHA256()
    outer.update(key.map { $0 ^ 0x5c })
    outer.update(inner.digest())
    return outer.digest()
  }

  /// Whether two MACs are equal, in time that does not depend on where they differ.
  public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
  }
}
