#if canImport(Glibc)
import Glibc
#endif

/// The IPv4 address and netmask of a network interface (getifaddrs).
enum InterfaceAddress {
  static func ipv4(of name: String) -> (address: IPv4, netmask: IPv4)? {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0 else { return nil }
    defer { freeifaddrs(list) }
    var cursor = list
    while let entry = cursor {
      defer { cursor = entry.pointee.ifa_next }
      guard String(cString: entry.pointee.ifa_name) == name, let address = entry.pointee.ifa_addr,
            address.pointee.sa_family == sa_family_t(AF_INET), let mask = entry.pointee.ifa_netmask else { continue }
      let ip = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
      let netmask = mask.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
      return (IPv4(ip), IPv4(netmask))
    }
    return nil
  }
}
