/// The dynamic address range (`dhcp.range start`–`range end`): leases by
/// MAC, in memory only (a restart forgets them, like Kea's memfile without
/// persistence). Offers hold an address briefly; an ACK holds it a lease.
struct DynamicPool {
  let start: UInt32
  let end: UInt32
  /// Addresses never handed out (nodes' static ones, the server's).
  var reserved: Set<IPv4>
  private var byMAC: [MACAddress: (address: IPv4, expiry: UInt64)] = [:]
  private var byAddress: [IPv4: MACAddress] = [:]
  private var cursor: UInt32

  init(start: IPv4, end: IPv4, reserved: Set<IPv4>) {
    self.start = min(start.value, end.value)
    self.end = max(start.value, end.value)
    self.reserved = reserved
    self.cursor = self.start
  }

  func contains(_ address: IPv4) -> Bool { address.value >= start && address.value <= end }

  /// The address `mac` holds, if its lease has not expired.
  func current(_ mac: MACAddress, now: UInt64) -> IPv4? {
    guard let lease = byMAC[mac], lease.expiry > now else { return nil }
    return lease.address
  }

  /// Holds an address for `mac` until `expiry`: its own, the one it asks
  /// for if free, else the next free one. Nil when the range is full.
  mutating func hold(_ mac: MACAddress, requested: IPv4?, until expiry: UInt64, now: UInt64) -> IPv4? {
    if let lease = byMAC[mac] {
      byMAC[mac] = (lease.address, max(expiry, lease.expiry))
      return lease.address
    }
    if let requested, contains(requested), isFree(requested, now: now) { return take(requested, mac, expiry) }
    let size = UInt64(end - start) + 1
    var tried: UInt64 = 0
    while tried < size {
      let candidate = IPv4(cursor)
      cursor = cursor == end ? start : cursor + 1
      tried += 1
      if isFree(candidate, now: now) { return take(candidate, mac, expiry) }
    }
    return nil
  }

  /// Forgets `mac`'s lease (RELEASE, DECLINE).
  mutating func release(_ mac: MACAddress) {
    if let lease = byMAC.removeValue(forKey: mac) { byAddress[lease.address] = nil }
  }

  private func isFree(_ address: IPv4, now: UInt64) -> Bool {
    if reserved.contains(address) { return false }
    guard let holder = byAddress[address] else { return true }
    return (byMAC[holder]?.expiry ?? 0) <= now
  }

  private mutating func take(_ address: IPv4, _ mac: MACAddress, _ expiry: UInt64) -> IPv4 {
    if let holder = byAddress[address] { byMAC[holder] = nil }
    byAddress[address] = mac
    byMAC[mac] = (address, expiry)
    return address
  }
}
