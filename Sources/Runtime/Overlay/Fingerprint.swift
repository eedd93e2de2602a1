/// A 128-bit content fingerprint (two FNV-1a streams): decides whether a
/// node's overlay inputs changed and whether two shared archives are the same.
/// Not cryptographic; inputs are the cluster's own data.
struct Fingerprint {
  private var a: UInt64 = 0xcbf2_9ce4_8422_2325
  private var b: UInt64 = 0x8422_2325_cbf2_9ce4

  mutating func add<S: Sequence>(bytes: S) where S.Element == UInt8 {
    for byte in bytes {
      a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
      b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37
    }
  }

  mutating func add(_ text: String) {
    add(bytes: text.utf8)
    add(bytes: CollectionOfOne(0))
  }

  mutating func add(_ number: Int) { add(String(number)) }

  /// 32 hex digits.
  var hex: String {
    func pad(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
    return pad(a) + pad(b)
  }
}
