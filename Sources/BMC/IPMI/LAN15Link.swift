/// An IPMI 1.5 session (IPMI 1.5 §6.12, ipmitool's `lan`): Get Channel
/// Authentication Capabilities, Get Session Challenge, Activate Session
/// with the challenge signed by the password. Each message then carries an
/// MD5 auth code (or the password itself, when the BMC offers only
/// "straight password"). The BMC's auth codes are not checked: replies are
/// matched by session ID and the request's sequence number.
final class LAN15Link: IPMISessionLink {
  private enum Stage { case capabilities, challenge, activation, up }

  /// The auth code's kind: none, MD5, or the password itself ("straight").
  private enum AuthType: UInt8 {
    case absent = 0, md5 = 2, password = 4
  }

  private let user: [UInt8]
  private let password: [UInt8]
  private var authType = AuthType.absent
  private var temporaryID: UInt32 = 0
  private var challenge: [UInt8] = []
  private var bmcID: UInt32 = 0
  private var sequence: UInt32 = 0
  private let initialOutbound = UInt32.random(in: 1...UInt32.max)
  private var stage = Stage.capabilities
  private(set) var heardFromBMC = false

  private static let capabilities = IPMIRequest(netFn: IPMIRequest.appNetFn, command: 0x38, data: [0x0E, administrator])

  init(user: String, password: String) {
    self.user = Self.padded(keyBytes(user, length: 16))
    self.password = Self.padded(keyBytes(password, length: 16))
  }

  var sessionID: UInt32 { bmcID }

  var awaiting: String {
    switch stage {
    case .capabilities: return "Get Channel Authentication Capabilities"
    case .challenge: return "Get Session Challenge"
    case .activation: return "Activate Session"
    case .up: return "an answer"
    }
  }

  func opening() -> [UInt8] { packet(Self.capabilities.framed(sequence: 0), session: 0, sequence: 0, auth: .absent) }

  private var challengeRequest: IPMIRequest {
    IPMIRequest(netFn: IPMIRequest.appNetFn, command: 0x39, data: [authType.rawValue] + user)
  }

  private var activationRequest: IPMIRequest {
    IPMIRequest(netFn: IPMIRequest.appNetFn, command: 0x3A, data: [authType.rawValue, administrator] + challenge + littleEndian(initialOutbound))
  }

  func handshake(_ datagram: [UInt8]) throws -> HandshakeStep {
    guard let message = Self.message(datagram) else { return .ignore }
    switch stage {
    case .capabilities:
      guard let r = Self.capabilities.response(message, sequence: 0) else { return .ignore }
      heardFromBMC = true
      try Self.check(r, "Get Channel Authentication Capabilities")
      guard r.data.count >= 2 else { return .ignore }
      let offered = r.data[1]
      if offered & 0x04 != 0 { authType = .md5 } else if offered & 0x10 != 0 { authType = .password } else if offered & 0x01 != 0 {
        authType = .absent
      } else {
        throw IPMISessionRefused(reason: "it offers no authentication type Howl speaks (MD5, straight password or none)")
      }
      stage = .challenge
      return .send(packet(challengeRequest.framed(sequence: 1), session: 0, sequence: 0, auth: .absent))
    case .challenge:
      guard let r = challengeRequest.response(message, sequence: 1) else { return .ignore }
      if r.completionCode == 0x81 { throw IPMISessionRefused(reason: "unknown user name") }
      try Self.check(r, "Get Session Challenge")
      guard r.data.count >= 20 else { return .ignore }
      temporaryID = readLittleEndian(r.data[0..<4])
      challenge = Array(r.data[4..<20])
      stage = .activation
      return .send(packet(activationRequest.framed(sequence: 2), session: temporaryID, sequence: 0))
    case .activation:
      guard let r = activationRequest.response(message, sequence: 2) else { return .ignore }
      try Self.check(r, "Activate Session")
      guard r.data.count >= 10 else { return .ignore }
      bmcID = readLittleEndian(r.data[1..<5])
      sequence = readLittleEndian(r.data[5..<9]) &- 1
      stage = .up
      return .established
    case .up:
      return .ignore
    }
  }

  func seal(_ message: [UInt8]) -> [UInt8] {
    sequence &+= 1
    return packet(message, session: bmcID, sequence: sequence)
  }

  func unseal(_ datagram: [UInt8]) -> [UInt8]? {
    guard stage == .up, datagram.count >= 14, Array(datagram[0..<4]) == rmcpHeader,
          readLittleEndian(datagram[9..<13]) == bmcID else { return nil }
    return Self.message(datagram)
  }

  /// A datagram: RMCP, the session header with its auth code, the message.
  /// Outside a session (`auth: .absent`) the header has no auth code.
  private func packet(_ message: [UInt8], session: UInt32, sequence: UInt32, auth: AuthType? = nil) -> [UInt8] {
    let auth = auth ?? authType
    var header = [auth.rawValue] + littleEndian(sequence) + littleEndian(session)
    switch auth {
    case .absent: break
    case .password: header += password
    case .md5: header += Digest.md5(password + littleEndian(session) + message + littleEndian(sequence) + password)
    }
    return rmcpHeader + header + [UInt8(message.count)] + message
  }

  /// The IPMI message of a 1.5 datagram, with or without an auth code.
  private static func message(_ datagram: [UInt8]) -> [UInt8]? {
    guard datagram.count >= 14, Array(datagram[0..<4]) == rmcpHeader else { return nil }
    let start = datagram[4] == 0 ? 13 : 29
    guard datagram.count > start, datagram.count >= start + 1 + Int(datagram[start]) else { return nil }
    return Array(datagram[start + 1..<start + 1 + Int(datagram[start])])
  }

  private static func check(_ r: IPMIResponse, _ step: String) throws {
    if let failure = r.failure { throw IPMISessionRefused(reason: "\(step): \(failure)") }
  }

  private static func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: 16 - bytes.count) }
}
