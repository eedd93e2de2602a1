/// The session layer of a conversation with a BMC: how the session is
/// opened and how IPMI messages travel in it. `RMCPPlusLink` is IPMI 2.0
/// (ipmitool's `lanplus`), `LAN15Link` IPMI 1.5 (`lan`).
protocol IPMISessionLink: AnyObject {
  /// The first datagram of the handshake.
  func opening() -> [UInt8]
  /// A datagram that came during the handshake. Throws `IPMISessionRefused`
  /// when the BMC refuses the session or proves it does not know the password.
  func handshake(_ datagram: [UInt8]) throws -> HandshakeStep
  /// `message` (a framed IPMI request) sealed for the session; each call
  /// takes the next session sequence number.
  func seal(_ message: [UInt8]) -> [UInt8]
  /// The IPMI message a datagram of this session carries, or nil when it is
  /// not one (another session's, corrupt, or failing its integrity check).
  func unseal(_ datagram: [UInt8]) -> [UInt8]?
  /// The BMC's ID of the session, for Close Session.
  var sessionID: UInt32 { get }
  /// What the handshake waits for, as a message names it.
  var awaiting: String { get }
  /// Whether the BMC has answered anything yet (a timeout after that is a refusal, not silence).
  var heardFromBMC: Bool { get }
}

enum HandshakeStep: Equatable {
  case send([UInt8])
  case established
  /// Not an answer to what was asked (a duplicate, another message): wait on.
  case ignore
}

/// The BMC refused the session; `reason` says how.
struct IPMISessionRefused: Error {
  let reason: String
}

/// RMCP's own header (DMTF ASF): version 6, no acknowledgement, class IPMI.
let rmcpHeader: [UInt8] = [0x06, 0x00, 0xFF, 0x07]

/// The privilege Howl asks for: administrator, ipmitool's default.
let administrator: UInt8 = 0x04

/// Random bytes from the system's generator.
func randomBytes(_ count: Int) -> [UInt8] {
  var generator = SystemRandomNumberGenerator()
  return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}

/// A password or user name as IPMI keys take it: at most `length` bytes.
func keyBytes(_ text: String, length: Int) -> [UInt8] {
  Array(Array(text.utf8).prefix(length))
}
