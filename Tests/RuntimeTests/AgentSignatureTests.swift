import Testing
@testable import Runtime

/// The signature the node agent computes in shell, on the server side.
@Suite struct AgentSignatureTests {
  @Test func hmacMatchesRFC4231() {
    // RFC 4231 test case 2: key "Jefe".
    #expect(AgentSignature.hmac(keyHex: "4a656665", message: "what do ya want for nothing?")
      == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    // Test case 6: a key longer than the block is hashed first.
    let long = String(repeating: "aa", count: 131)
    #expect(AgentSignature.hmac(keyHex: long, message: "Test Using Larger Than Block-Size Key - Hash Key First")
      == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    #expect(AgentSignature.hmac(keyHex: "not hex", message: "x") == nil)
  }

  @Test func signaturesCompareWholeAndKeysAreFresh() {
    #expect(AgentSignature.matches("ABCDEF", "abcdef"))
    #expect(!AgentSignature.matches("abcdee", "abcdef"))
    #expect(!AgentSignature.matches("abcde", "abcdef"))
    let a = AgentSignature.newKey(), b = AgentSignature.newKey()
    #expect(a.count == 64 && a != b)
    #expect(AgentSignature.message(target: "/runtime/x?compress=gz", time: 5, sequence: 2) == "/runtime/x?compress=gz\n5\n2")
  }
}
