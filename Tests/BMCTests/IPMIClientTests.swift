import Testing
@testable import BMC

/// The pieces of Howl's own IPMI client that can be checked without a BMC:
/// the digests and the cipher against their standards' test vectors, and
/// the requests' bytes as IPMI 2.0 lays them out.
struct IPMIClientTests {
  func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
  func bytes(_ hex: String) -> [UInt8] {
    stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
  }

  @Test func sha1MatchesFIPS180() {
    #expect(hex(Digest.sha1([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    #expect(hex(Digest.sha1(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    #expect(hex(Digest.sha1(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
  }

  @Test func md5MatchesRFC1321() {
    #expect(hex(Digest.md5([])) == "d41d8cd98f00b204e9800998ecf8427e")
    #expect(hex(Digest.md5(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
    #expect(hex(Digest.md5(Array("message digest".utf8))) == "f96b697d7cb7938d525a2f31aaf161d0")
  }

  @Test func hmacSHA1MatchesRFC2202() {
    #expect(hex(Digest.hmacSHA1(key: [UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8))) == "b617318655057264e28bc0b6fb378c8ef146be00")
    #expect(hex(Digest.hmacSHA1(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    #expect(hex(Digest.hmacSHA1(key: [UInt8](repeating: 0xAA, count: 80), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
            == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
  }

  @Test func aesMatchesFIPS197AndCBCMatchesSP800_38A() {
    let aes = AES128(key: bytes("000102030405060708090a0b0c0d0e0f"))
    #expect(hex(aes.encrypt(bytes("00112233445566778899aabbccddeeff"))) == "69c4e0d86a7b0430d8cdb78070b4c55a")
    #expect(hex(aes.decrypt(bytes("69c4e0d86a7b0430d8cdb78070b4c55a"))) == "00112233445566778899aabbccddeeff")
    let cbc = AES128(key: bytes("2b7e151628aed2a6abf7158809cf4f3c"))
    let iv = bytes("000102030405060708090a0b0c0d0e0f")
    let plain = bytes("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
    let cipher = cbc.encryptCBC(plain, iv: iv)
    #expect(hex(cipher) == "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")
    #expect(cbc.decryptCBC(cipher, iv: iv) == plain)
  }

  @Test func requestsAreFramedWithTheirChecksums() {
    // Get Chassis Status, sequence 5: rsAddr 20, netFn 00, checksum, rqAddr 81, seq<<2, cmd 01, checksum.
    #expect(hex(IPMIRequest.chassisStatus.framed(sequence: 5)) == "2000e08114016a")
    let answer = bytes("8104 7b 20 14 01 00 01000000".replacingOccurrences(of: " ", with: ""))
    let framed = answer + [IPMIRequest.checksum(Array(answer[3...]))]
    #expect(IPMIRequest.chassisStatus.response(framed, sequence: 5) == IPMIResponse(completionCode: 0, data: [1, 0, 0, 0]))
    #expect(IPMIRequest.chassisStatus.response(framed, sequence: 6) == nil)
  }

  @Test func bootFlagsSayOnceOrForEveryBoot() {
    // Parameter 5, data 1: bit 7 valid, bit 6 persistent; data 2: the device selector in bits 5:2 (PXE is 1).
    #expect(IPMIRequest.bootFlags(device: IPMIController.bootDevices["pxe"]!, persistent: false).data == [0x05, 0x80, 0x04, 0, 0, 0])
    #expect(IPMIRequest.bootFlags(device: IPMIController.bootDevices["disk"]!, persistent: true).data == [0x05, 0xC0, 0x08, 0, 0, 0])
  }
}
