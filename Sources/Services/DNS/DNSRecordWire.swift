import Runtime

/// Howl's records (kind and value as text) in wire form and back.
extension DNSRecord.Kind {
  var wireType: UInt16 {
    switch self {
    case .a: return DNSType.a
    case .aaaa: return DNSType.aaaa
    case .ptr: return DNSType.ptr
    }
  }

  init?(wireType: UInt16) {
    switch wireType {
    case DNSType.a: self = .a
    case DNSType.aaaa: self = .aaaa
    case DNSType.ptr: self = .ptr
    default: return nil
    }
  }
}

extension DNSRecordData {
  /// The data of a record of `kind` holding `value`; nil for an address that does not parse.
  init?(kind: DNSRecord.Kind, value: String) {
    switch kind {
    case .a, .aaaa:
      guard let ip = IPAddressText.parse(value), DNSName.isIPv4(ip) == (kind == .a) else { return nil }
      self = .bytes(kind == .a ? Array(ip[12...]) : ip)
    case .ptr: self = .name(DomainName(value))
    }
  }

  /// The value as Howl writes it (`DNSRecord.value`); nil for data that is not of `kind`.
  func text(as kind: DNSRecord.Kind) -> String? {
    switch (kind, self) {
    case (.a, .bytes(let b)) where b.count == 4: return "\(b[0]).\(b[1]).\(b[2]).\(b[3])"
    case (.aaaa, .bytes(let b)) where b.count == 16: return IPAddressText.format(b)
    case (.ptr, .name(let name)): return name.key
    default: return nil
    }
  }
}
