/// One IPMI request to the BMC (IPMI 2.0 §13.8): a network function, a
/// command and its data, framed for the LAN channel with the two checksums.
struct IPMIRequest: Equatable {
  var netFn: UInt8
  var command: UInt8
  var data: [UInt8] = []
  /// How messages name it (`Chassis Control`).
  var name = ""

  static let bmcAddress: UInt8 = 0x20
  /// The remote console's software ID, as ipmitool uses it.
  static let consoleAddress: UInt8 = 0x81

  func framed(sequence: UInt8) -> [UInt8] {
    let head: [UInt8] = [Self.bmcAddress, netFn << 2]
    let body: [UInt8] = [Self.consoleAddress, (sequence & 0x3F) << 2, command] + data
    return head + [Self.checksum(head)] + body + [Self.checksum(body)]
  }

  /// The response to this request with `sequence`, or nil when `bytes` is
  /// another message (a late answer to a retry, a corrupt frame).
  func response(_ bytes: [UInt8], sequence: UInt8) -> IPMIResponse? {
    guard bytes.count >= 8, Self.checksum(Array(bytes[0..<2])) == bytes[2],
          Self.checksum(Array(bytes[3..<bytes.count - 1])) == bytes[bytes.count - 1],
          bytes[1] >> 2 == netFn | 1, bytes[4] >> 2 == sequence & 0x3F, bytes[5] == command else { return nil }
    return IPMIResponse(completionCode: bytes[6], data: Array(bytes[7..<bytes.count - 1]))
  }

  /// The two's complement of the bytes' sum: they and it add up to zero.
  static func checksum(_ bytes: [UInt8]) -> UInt8 {
    0 &- bytes.reduce(0, &+)
  }
}

/// A BMC's answer: its completion code (0 is success) and data.
struct IPMIResponse: Equatable {
  var completionCode: UInt8
  var data: [UInt8]

  /// The completion code in words (IPMI 2.0 table 5-2).
  var failure: String? {
    guard completionCode != 0 else { return nil }
    let hex = "0x" + String(completionCode, radix: 16, uppercase: false)
    let meaning: String
    switch completionCode {
    case 0xC0: meaning = "node busy"
    case 0xC1: meaning = "invalid command"
    case 0xC3: meaning = "timeout"
    case 0xC7, 0xC8: meaning = "request data length invalid"
    case 0xC9: meaning = "parameter out of range"
    case 0xCC: meaning = "invalid data field in request"
    case 0xCE: meaning = "response could not be provided"
    case 0xD4: meaning = "insufficient privilege level"
    case 0xD5: meaning = "command not supported in present state"
    case 0xFF: meaning = "unspecified error"
    default: meaning = "completion code"
    }
    return "\(meaning) (\(hex))"
  }
}

/// The requests Howl makes (IPMI 2.0 §22, §28).
extension IPMIRequest {
  static let appNetFn: UInt8 = 0x06
  static let chassisNetFn: UInt8 = 0x00

  static func setSessionPrivilege(_ level: UInt8) -> IPMIRequest {
    IPMIRequest(netFn: appNetFn, command: 0x3B, data: [level], name: "Set Session Privilege Level")
  }

  static func closeSession(_ id: UInt32) -> IPMIRequest {
    IPMIRequest(netFn: appNetFn, command: 0x3C, data: littleEndian(id), name: "Close Session")
  }

  static let chassisStatus = IPMIRequest(netFn: chassisNetFn, command: 0x01, name: "Get Chassis Status")

  /// Chassis Control: 0 down, 1 up, 2 cycle, 3 hard reset, 5 soft (ACPI) shutdown.
  static func chassisControl(_ control: UInt8) -> IPMIRequest {
    IPMIRequest(netFn: chassisNetFn, command: 0x02, data: [control], name: "Chassis Control")
  }

  /// Set System Boot Options, parameter 5 (boot flags): valid, for the next
  /// boot or every boot, and the device selector.
  static func bootFlags(device: UInt8, persistent: Bool) -> IPMIRequest {
    IPMIRequest(netFn: chassisNetFn, command: 0x08, data: [0x05, 0x80 | (persistent ? 0x40 : 0), device << 2, 0, 0, 0],
                name: "Set System Boot Options")
  }
}

func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

func readLittleEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
  bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
}
