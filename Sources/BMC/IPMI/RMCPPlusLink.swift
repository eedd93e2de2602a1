/// An IPMI 2.0 RMCP+ session (IPMI 2.0 §13.15–13.28): Open Session, then
/// RAKP messages 1 to 4 with RAKP-HMAC-SHA1, proving both sides know the
/// password; then every message carries HMAC-SHA1-96 (integrity) and is
/// AES-CBC-128 encrypted (confidentiality) as the cipher suite says:
/// 1 (neither), 2 (integrity), 3 (both, ipmitool's default).
final class RMCPPlusLink: IPMISessionLink {
  /// The cipher suites Howl speaks.
  static let cipherSuites: Set<Int> = [1, 2, 3]

  private enum Stage { case openSession, rakp2, rakp4, up }

  private let integrity: Bool
  private let confidentiality: Bool
  private let user: [UInt8]
  private let password: [UInt8]
  /// RAKP 1's role byte: administrator, looked up by name only (as ipmitool asks).
  private let role: UInt8 = 0x10 | administrator
  private let consoleID: UInt32
  private let consoleRandom = randomBytes(16)
  private var bmcID: UInt32 = 0
  private var bmcRandom: [UInt8] = []
  private var bmcGUID: [UInt8] = []
  private var rakp4Check: [UInt8] = []
  private var integrityKey: [UInt8] = []
  private var cipher: AES128?
  private var sequence: UInt32 = 0
  private var stage = Stage.openSession
  private(set) var heardFromBMC = false

  init(cipherSuite: Int, user: String, password: String) {
    precondition(Self.cipherSuites.contains(cipherSuite))
    integrity = cipherSuite >= 2
    confidentiality = cipherSuite == 3
    self.user = keyBytes(user, length: 16)
    self.password = keyBytes(password, length: 20)
    consoleID = UInt32.random(in: 1...UInt32.max)
  }

  var sessionID: UInt32 { bmcID }

  var awaiting: String {
    switch stage {
    case .openSession: return "the Open Session response"
    case .rakp2: return "RAKP message 2"
    case .rakp4: return "RAKP message 4"
    case .up: return "an answer"
    }
  }

  func opening() -> [UInt8] {
    let algorithms: [UInt8] = [0x00, 0, 0, 8, 0x01, 0, 0, 0,  // authentication: RAKP-HMAC-SHA1
                               0x01, 0, 0, 8, integrity ? 0x01 : 0x00, 0, 0, 0,  // integrity: HMAC-SHA1-96
                               0x02, 0, 0, 8, confidentiality ? 0x01 : 0x00, 0, 0, 0]  // confidentiality: AES-CBC-128
    return Self.packet(type: 0x10, session: 0, sequence: 0, [0, administrator, 0, 0] + littleEndian(consoleID) + algorithms)
  }

  func handshake(_ datagram: [UInt8]) throws -> HandshakeStep {
    guard let (type, payload) = Self.plainPayload(datagram), payload.count >= 8 else { return .ignore }
    switch (stage, type) {
    case (.openSession, 0x11):
      guard readLittleEndian(payload[4..<8]) == consoleID else { return .ignore }
      heardFromBMC = true
      try Self.check(status: payload[1], "Open Session")
      guard payload.count >= 12 else { return .ignore }
      bmcID = readLittleEndian(payload[8..<12])
      stage = .rakp2
      let rakp1 = [0, 0, 0, 0] + littleEndian(bmcID) + consoleRandom + [role, 0, 0, UInt8(user.count)] + user
      return .send(Self.packet(type: 0x12, session: 0, sequence: 0, rakp1))
    case (.rakp2, 0x13):
      guard readLittleEndian(payload[4..<8]) == consoleID else { return .ignore }
      try Self.check(status: payload[1], "RAKP 1")
      guard payload.count >= 60 else { return .ignore }
      bmcRandom = Array(payload[8..<24])
      bmcGUID = Array(payload[24..<40])
      let expected = Digest.hmacSHA1(key: password, littleEndian(consoleID) + littleEndian(bmcID) + consoleRandom + bmcRandom
                                     + bmcGUID + [role, UInt8(user.count)] + user)
      guard Array(payload[40..<60]) == expected else {
        throw IPMISessionRefused(reason: "its RAKP 2 proof does not match the password")
      }
      let sik = Digest.hmacSHA1(key: password, consoleRandom + bmcRandom + [role, UInt8(user.count)] + user)
      integrityKey = Digest.hmacSHA1(key: sik, [UInt8](repeating: 1, count: 20))
      if confidentiality { cipher = AES128(key: Array(Digest.hmacSHA1(key: sik, [UInt8](repeating: 2, count: 20)).prefix(16))) }
      stage = .rakp4
      let proof = Digest.hmacSHA1(key: password, bmcRandom + littleEndian(consoleID) + [role, UInt8(user.count)] + user)
      rakp4Check = Array(Digest.hmacSHA1(key: sik, consoleRandom + littleEndian(bmcID) + bmcGUID).prefix(12))
      return .send(Self.packet(type: 0x14, session: 0, sequence: 0, [0, 0, 0, 0] + littleEndian(bmcID) + proof))
    case (.rakp4, 0x15):
      guard readLittleEndian(payload[4..<8]) == consoleID else { return .ignore }
      try Self.check(status: payload[1], "RAKP 3")
      guard payload.count >= 20, Array(payload[8..<20]) == rakp4Check else {
        throw IPMISessionRefused(reason: "its RAKP 4 integrity check value is wrong")
      }
      stage = .up
      return .established
    default:
      return .ignore
    }
  }

  func seal(_ message: [UInt8]) -> [UInt8] {
    sequence &+= 1
    var payload = message
    if let cipher {
      let padding = (16 - (message.count + 1) % 16) % 16
      let iv = randomBytes(16)
      payload = iv + cipher.encryptCBC(message + (0..<padding).map { UInt8($0 + 1) } + [UInt8(padding)], iv: iv)
    }
    var session = Self.header(type: 0x00 | (cipher != nil ? 0x80 : 0) | (integrity ? 0x40 : 0), session: bmcID, sequence: sequence,
                              length: payload.count) + payload
    if integrity {
      let pad = (4 - (session.count + 2) % 4) % 4
      session += [UInt8](repeating: 0xFF, count: pad) + [UInt8(pad), 0x07]
      session += Digest.hmacSHA1(key: integrityKey, session).prefix(12)
    }
    return rmcpHeader + session
  }

  func unseal(_ datagram: [UInt8]) -> [UInt8]? {
    guard datagram.count >= 16, Array(datagram[0..<4]) == rmcpHeader, datagram[4] == 0x06, datagram[5] & 0x3F == 0x00,
          readLittleEndian(datagram[6..<10]) == consoleID else { return nil }
    let length = Int(datagram[14]) | Int(datagram[15]) << 8
    guard datagram.count >= 16 + length else { return nil }
    if integrity {
      guard datagram[5] & 0x40 != 0, datagram.count >= 16 + length + 14 else { return nil }
      let covered = Array(datagram[4..<datagram.count - 12])
      guard Array(Digest.hmacSHA1(key: integrityKey, covered).prefix(12)) == Array(datagram.suffix(12)) else { return nil }
    }
    var payload = Array(datagram[16..<16 + length])
    if let cipher {
      guard datagram[5] & 0x80 != 0, payload.count >= 32, payload.count % 16 == 0 else { return nil }
      let plain = cipher.decryptCBC(Array(payload[16...]), iv: Array(payload[0..<16]))
      let padding = Int(plain[plain.count - 1])
      guard padding < plain.count else { return nil }
      payload = Array(plain[0..<plain.count - 1 - padding])
    }
    return payload
  }

  private static func header(type: UInt8, session: UInt32, sequence: UInt32, length: Int) -> [UInt8] {
    [0x06, type] + littleEndian(session) + littleEndian(sequence) + [UInt8(length & 0xFF), UInt8(length >> 8)]
  }

  private static func packet(type: UInt8, session: UInt32, sequence: UInt32, _ payload: [UInt8]) -> [UInt8] {
    rmcpHeader + header(type: type, session: session, sequence: sequence, length: payload.count) + payload
  }

  /// The payload type and payload of an unauthenticated RMCP+ datagram.
  private static func plainPayload(_ datagram: [UInt8]) -> (UInt8, [UInt8])? {
    guard datagram.count >= 16, Array(datagram[0..<4]) == rmcpHeader, datagram[4] == 0x06 else { return nil }
    let length = Int(datagram[14]) | Int(datagram[15]) << 8
    guard datagram.count >= 16 + length else { return nil }
    return (datagram[5] & 0x3F, Array(datagram[16..<16 + length]))
  }

  /// A handshake answer's RMCP+ status code (IPMI 2.0 table 13-15), as a refusal.
  private static func check(status: UInt8, _ step: String) throws {
    guard status != 0 else { return }
    let reasons: [UInt8: String] = [
      0x01: "no resources for a session", 0x04: "invalid authentication algorithm", 0x05: "invalid integrity algorithm",
      0x09: "invalid role", 0x0A: "unauthorized role or privilege level", 0x0B: "no resources for a session at that role",
      0x0C: "invalid user name length", 0x0D: "unauthorized user name", 0x0F: "invalid integrity check value",
      0x10: "invalid confidentiality algorithm", 0x11: "no matching cipher suite", 0x12: "illegal parameter",
    ]
    throw IPMISessionRefused(reason: "\(step): \(reasons[status] ?? "status \(status)")")
  }
}
