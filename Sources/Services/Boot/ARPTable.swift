import Foundation

/// The kernel's ARP cache: identifies a client by its IP address when a
/// request names no node (Warewulf's fallback).
enum ARPTable {
  static func mac(for ip: String, table: String = "/proc/net/arp") -> MACAddress? {
    guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      if fields.count >= 4, fields[0] == ip { return MACAddress(String(fields[3])) }
    }
    return nil
  }
}
