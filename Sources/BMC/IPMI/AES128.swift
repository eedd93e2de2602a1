/// AES-128 (FIPS 197) in CBC mode without padding, for RMCP+'s
/// confidentiality algorithm AES-CBC-128 (cipher suite 3). Table-driven and
/// not constant-time: IPMI's own weaknesses dwarf a timing channel here.
struct AES128 {
  private let roundKeys: [UInt8]

  /// `key`: 16 bytes.
  init(key: [UInt8]) {
    precondition(key.count == 16)
    var words = key
    var rcon: UInt8 = 1
    for i in 4..<44 {
      var t = Array(words[(i - 1) * 4..<i * 4])
      if i % 4 == 0 {
        t = [Self.sbox[Int(t[1])] ^ rcon, Self.sbox[Int(t[2])], Self.sbox[Int(t[3])], Self.sbox[Int(t[0])]]
        rcon = Self.times2(rcon)
      }
      for j in 0..<4 { words.append(words[(i - 4) * 4 + j] ^ t[j]) }
    }
    roundKeys = words
  }

  func encryptCBC(_ plain: [UInt8], iv: [UInt8]) -> [UInt8] {
    precondition(plain.count % 16 == 0 && iv.count == 16)
    var previous = iv, out: [UInt8] = []
    for block in stride(from: 0, to: plain.count, by: 16) {
      previous = encrypt(zip(plain[block..<block + 16], previous).map { $0 ^ $1 })
      out += previous
    }
    return out
  }

  func decryptCBC(_ cipher: [UInt8], iv: [UInt8]) -> [UInt8] {
    precondition(cipher.count % 16 == 0 && iv.count == 16)
    var previous = iv, out: [UInt8] = []
    for block in stride(from: 0, to: cipher.count, by: 16) {
      let c = Array(cipher[block..<block + 16])
      out += zip(decrypt(c), previous).map { $0 ^ $1 }
      previous = c
    }
    return out
  }

  /// One block. The state is column-major, as the key schedule's words are.
  func encrypt(_ block: [UInt8]) -> [UInt8] {
    var s = addRoundKey(block, 0)
    for round in 1...10 {
      s = shiftRows(s.map { Self.sbox[Int($0)] })
      if round < 10 { s = mixColumns(s, Self.mix) }
      s = addRoundKey(s, round)
    }
    return s
  }

  func decrypt(_ block: [UInt8]) -> [UInt8] {
    var s = addRoundKey(block, 10)
    for round in stride(from: 9, through: 0, by: -1) {
      s = unshiftRows(s).map { Self.inverseSbox[Int($0)] }
      s = addRoundKey(s, round)
      if round > 0 { s = mixColumns(s, Self.unmix) }
    }
    return s
  }

  private func addRoundKey(_ s: [UInt8], _ round: Int) -> [UInt8] {
    (0..<16).map { s[$0] ^ roundKeys[round * 16 + $0] }
  }

  private func shiftRows(_ s: [UInt8]) -> [UInt8] {
    (0..<16).map { i in let (r, c) = (i % 4, i / 4); return s[r + 4 * ((c + r) % 4)] }
  }

  private func unshiftRows(_ s: [UInt8]) -> [UInt8] {
    (0..<16).map { i in let (r, c) = (i % 4, i / 4); return s[r + 4 * ((c + 4 - r) % 4)] }
  }

  private func mixColumns(_ s: [UInt8], _ matrix: [UInt8]) -> [UInt8] {
    var out = s
    for c in 0..<4 {
      for r in 0..<4 {
        out[4 * c + r] = (0..<4).reduce(0) { $0 ^ Self.multiply(matrix[4 * r + $1], s[4 * c + $1]) }
      }
    }
    return out
  }

  private static let mix: [UInt8] = [2, 3, 1, 1, 1, 2, 3, 1, 1, 1, 2, 3, 3, 1, 1, 2]
  private static let unmix: [UInt8] = [14, 11, 13, 9, 9, 14, 11, 13, 13, 9, 14, 11, 11, 13, 9, 14]

  private static func times2(_ a: UInt8) -> UInt8 { a << 1 ^ (a & 0x80 != 0 ? 0x1B : 0) }

  /// Multiplication in GF(2⁸) modulo x⁸ + x⁴ + x³ + x + 1.
  private static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
    var (a, b, p): (UInt8, UInt8, UInt8) = (a, b, 0)
    while b != 0 {
      if b & 1 != 0 { p ^= a }
      a = times2(a)
      b >>= 1
    }
    return p
  }

  /// The S-box, computed: each byte's inverse in GF(2⁸), then the affine map.
  private static let sbox: [UInt8] = (0..<256).map { x in
    let inverse = x == 0 ? 0 : (1..<256).first { multiply(UInt8(x), UInt8($0)) == 1 }!
    var b = UInt8(inverse), s = b
    for _ in 0..<4 {
      b = b << 1 | b >> 7
      s ^= b
    }
    return s ^ 0x63
  }

  private static let inverseSbox: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 256)
    for (x, y) in sbox.enumerated() { table[Int(y)] = UInt8(x) }
    return table
  }()
}
