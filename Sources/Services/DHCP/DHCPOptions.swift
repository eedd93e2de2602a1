/// DHCP option codes Howl reads or writes (RFC 2132, RFC 4578, PXE, iPXE).
public struct DHCPOptionCode: RawRepresentable, Hashable, Sendable {
  public var rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let subnetMask = DHCPOptionCode(rawValue: 1)
  public static let router = DHCPOptionCode(rawValue: 3)
  public static let hostName = DHCPOptionCode(rawValue: 12)
  public static let vendorSpecific = DHCPOptionCode(rawValue: 43)
  public static let requestedAddress = DHCPOptionCode(rawValue: 50)
  public static let leaseTime = DHCPOptionCode(rawValue: 51)
  public static let overload = DHCPOptionCode(rawValue: 52)
  public static let messageType = DHCPOptionCode(rawValue: 53)
  public static let serverIdentifier = DHCPOptionCode(rawValue: 54)
  public static let parameterList = DHCPOptionCode(rawValue: 55)
  public static let message = DHCPOptionCode(rawValue: 56)
  public static let renewalTime = DHCPOptionCode(rawValue: 58)
  public static let rebindingTime = DHCPOptionCode(rawValue: 59)
  public static let vendorClass = DHCPOptionCode(rawValue: 60)
  public static let clientIdentifier = DHCPOptionCode(rawValue: 61)
  public static let tftpServerName = DHCPOptionCode(rawValue: 66)
  public static let bootfileName = DHCPOptionCode(rawValue: 67)
  public static let userClass = DHCPOptionCode(rawValue: 77)
  /// Client system architecture (RFC 4578): 0 BIOS, 7/9 x86-64 UEFI, 11 arm64 UEFI.
  public static let clientArchitecture = DHCPOptionCode(rawValue: 93)
  public static let clientNetworkInterface = DHCPOptionCode(rawValue: 94)
  public static let clientMachineID = DHCPOptionCode(rawValue: 97)
  /// iPXE's encapsulated options; its presence marks an iPXE client.
  public static let ipxeEncapsulated = DHCPOptionCode(rawValue: 175)
}

/// The DHCP message types (option 53).
public enum DHCPMessageType: UInt8, Sendable {
  case discover = 1, offer, request, decline, ack, nak, release, inform
}

/// A DHCP options field: codes in order, each with its (concatenated) value.
public struct DHCPOptions: Equatable, Sendable {
  public private(set) var entries: [(code: DHCPOptionCode, value: [UInt8])] = []

  public init() {}

  public static func == (lhs: DHCPOptions, rhs: DHCPOptions) -> Bool {
    lhs.entries.count == rhs.entries.count
      && zip(lhs.entries, rhs.entries).allSatisfy { $0.code == $1.code && $0.value == $1.value }
  }

  public subscript(code: DHCPOptionCode) -> [UInt8]? {
    get { entries.first { $0.code == code }?.value }
    set {
      if let index = entries.firstIndex(where: { $0.code == code }) {
        if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
      } else if let newValue {
        entries.append((code, newValue))
      }
    }
  }

  /// The value of `code` as text.
  public func string(_ code: DHCPOptionCode) -> String? {
    self[code].map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
  }

  /// Appends the options of `other`, concatenating repeated codes.
  mutating func merge(_ other: DHCPOptions) {
    for entry in other.entries { self[entry.code] = (self[entry.code] ?? []) + entry.value }
  }

  /// Reads an options field up to the end option (255) or the end of the bytes.
  static func parse(_ bytes: ArraySlice<UInt8>) throws -> DHCPOptions {
    var options = DHCPOptions()
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let code = bytes[index]
      index += 1
      if code == 0 { continue }
      if code == 255 { return options }
      guard index < bytes.endIndex else { throw DHCPPacket.ParseError("option \(code) without length") }
      let length = Int(bytes[index])
      index += 1
      guard bytes.endIndex - index >= length else { throw DHCPPacket.ParseError("option \(code) overruns the packet") }
      let key = DHCPOptionCode(rawValue: code)
      options[key] = (options[key] ?? []) + Array(bytes[index..<index + length])
      index += length
    }
    return options
  }

  /// The options on the wire, values over 255 bytes split (RFC 3396); no end option.
  func encode() -> [UInt8] {
    var out: [UInt8] = []
    for (code, value) in entries {
      var rest = value[...]
      repeat {
        let chunk = rest.prefix(255)
        out += [code.rawValue, UInt8(chunk.count)] + chunk
        rest = rest.dropFirst(chunk.count)
      } while !rest.isEmpty
    }
    return out
  }
}
