import Foundation
import Runtime

/// SHA-1 (FIPS 180-4) and MD5 (RFC 1321), written out here for IPMI alone:
/// RMCP+ cipher suite 3 authenticates with HMAC-SHA1, IPMI 1.5 with MD5.
/// Neither is used for anything else in Howl. Small enough that a second
/// copy of BoringSSL (swift-crypto) is not worth its build time.
enum Digest {
  static func sha1(_ message: [UInt8]) -> [UInt8] {
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    var w = [UInt32](repeating: 0, count: 80)
    let data = padded(message, bigEndianLength: true)
    for block in stride(from: 0, to: data.count, by: 64) {
      for t in 0..<16 {
        let i = block + 4 * t
        w[t] = UInt32(data[i]) << 24 | UInt32(data[i + 1]) << 16 | UInt32(data[i + 2]) << 8 | UInt32(data[i + 3])
      }
      for t in 16..<80 { w[t] = rotate(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
      var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
      for t in 0..<80 {
        let f: UInt32, k: UInt32
        switch t {
        case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
        case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
        case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
        default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
        }
        let next = rotate(a, 5) &+ f &+ e &+ k &+ w[t]
        (e, d, c, b, a) = (d, c, rotate(b, 30), a, next)
      }
      h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
    }
    return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
  }

  static func md5(_ message: [UInt8]) -> [UInt8] {
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476]
    var m = [UInt32](repeating: 0, count: 16)
    let data = padded(message, bigEndianLength: false)
    for block in stride(from: 0, to: data.count, by: 64) {
      for j in 0..<16 {
        let i = block + 4 * j
        m[j] = UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24
      }
      var (a, b, c, d) = (h[0], h[1], h[2], h[3])
      for i in 0..<64 {
        var f: UInt32, g: Int
        switch i {
        case 0..<16: (f, g) = ((b & c) | (~b & d), i)
        case 16..<32: (f, g) = ((d & b) | (~d & c), (5 * i + 1) % 16)
        case 32..<48: (f, g) = (b ^ c ^ d, (3 * i + 5) % 16)
        default: (f, g) = (c ^ (b | ~d), (7 * i) % 16)
        }
        f = f &+ a &+ md5Constants[i] &+ m[g]
        (a, d, c) = (d, c, b)
        b = b &+ rotate(f, md5Shifts[(i / 16) * 4 + i % 4])
      }
      h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d
    }
    return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
  }

  static func hmacSHA1(key: [UInt8], _ message: [UInt8]) -> [UInt8] { HMAC.mac(sha1, key: key, message) }

  /// The message, a 1 bit, zeros, and its length in bits: whole 64-byte blocks.
  private static func padded(_ message: [UInt8], bigEndianLength: Bool) -> [UInt8] {
    var data = message
    data.append(0x80)
    data += [UInt8](repeating: 0, count: (56 - data.count % 64 + 64) % 64)
    let bits = UInt64(message.count) * 8
    let shifts = bigEndianLength ? Array(stride(from: 56, through: 0, by: -8)) : Array(stride(from: 0, through: 56, by: 8))
    data += shifts.map { UInt8(truncatingIfNeeded: bits >> UInt64($0)) }
    return data
  }

  private static func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }

  private static let md5Shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
  /// floor(|sin(i + 1)| · 2³²), as RFC 1321 defines them.
  private static let md5Constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }
}
