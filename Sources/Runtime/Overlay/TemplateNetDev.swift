import OrderedCollections

/// A network device as templates see it (Warewulf's `node.NetDev`): its
/// fields (addresses as `net.IP`, so unset ones print `<nil>`), `.IpCIDR`,
/// `.IpCIDR6` and `.Primary`.
final class TemplateNetDev: TemplateObject {
  let name: String
  let fields: OrderedDictionary<String, ConfValue>
  let isPrimary: Bool

  init(name: String, fields: OrderedDictionary<String, ConfValue>, isPrimary: Bool) {
    self.name = name
    self.fields = fields
    self.isPrimary = isPrimary
  }

  private func text(_ key: String) -> String { TemplateConversion.string(fields[key]) }

  var templateTypeName: String { "*node.NetDev" }
  func templateField(_ name: String) -> TemplateValue? {
    switch name {
    case "Type": return .string(text("type"))
    case "OnBoot": return .object(TemplateWWBool(text("onboot")))
    case "Device": return .string(text("device"))
    case "Hwaddr": return .string(text("hwaddr"))
    case "Ipaddr": return .object(TemplateIP(text("ipaddr")))
    case "Netmask": return .object(TemplateIP(text("netmask")))
    case "Gateway": return .object(TemplateIP(text("gateway")))
    case "Ipaddr6": return .object(TemplateIP(address6))
    case "PrefixLen6", "Prefix": return .string(prefix6)
    case "Gateway6": return .object(TemplateIP(text("gateway6")))
    case "MTU": return .string(text("mtu"))
    case "Tags": return TemplateConversion.stringMap(fields["tags"])
    case "Primary": return .bool(isPrimary)
    case "IpCIDR": return .string(TemplateNetDev.cidr(text("ipaddr"), netmask: text("netmask")))
    case "IpCIDR6":
      // As Warewulf: only an IPv6 address with a prefix length from 0 to 128.
      guard IPAddressText.isIPv6(address6), let ip = IPAddressText.parse(address6), ip.contains(where: { $0 != 0 }),
            let bits = Int(prefix6), (0...128).contains(bits) else { return .string("") }
      return .string(IPAddressText.format(ip) + "/" + String(bits))
    default: return nil
    }
  }

  /// `ipaddr6` (4.5: `ip6addr`) and `prefixlen6` (4.5: `prefix`).
  private var address6: String { fields["ipaddr6"] != nil ? text("ipaddr6") : text("ip6addr") }
  private var prefix6: String { fields["prefixlen6"] != nil ? text("prefixlen6") : text("prefix") }

  /// `10.0.0.5/24` from an address and a netmask; "" if either is missing or malformed.
  static func cidr(_ address: String, netmask: String) -> String {
    guard ServerConfig.isIPv4(address), let prefix = prefixLength(netmask) else { return "" }
    return "\(address)/\(prefix)"
  }

  /// The prefix length of a dotted netmask, nil unless its ones are contiguous.
  static func prefixLength(_ netmask: String) -> Int? {
    guard let mask = ServerConfig.parseIPv4(netmask) else { return nil }
    let ones = mask.nonzeroBitCount
    guard ones == 32 || mask == ~(UInt32.max >> ones) else { return nil }
    return ones
  }

  /// The network address of `address` under `netmask`, "" if either is malformed.
  static func network(_ address: String, netmask: String) -> String {
    guard let a = ServerConfig.parseIPv4(address), let m = ServerConfig.parseIPv4(netmask) else { return "" }
    return ServerConfig.formatIPv4(a & m)
  }
}
