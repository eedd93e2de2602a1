import Runtime

/// The lease policy: what to answer a DHCP request with, given the cluster.
///
/// Known MACs get their node's static address; unknown MACs are ignored
/// ("deny unknown") unless the dynamic range or discovery takes them. In
/// proxy mode no address is given, only PXE boot information. Not thread
/// safe: one instance belongs to the DHCP channel's event loop.
public final class DHCPResponder {
  /// The outcome for one request.
  public enum Decision {
    case reply(DHCPPacket)
    /// Dropped, with the reason to log.
    case ignore(String)
    /// An unknown MAC that discovery may give to a `discoverable` node.
    case discover(MACAddress)
  }

  public private(set) var config: BootConfig
  public var chooser = BootFileChooser()
  private var pool: DynamicPool?
  /// Offers hold a dynamic address this long (seconds).
  let offerHold: UInt64 = 30

  public init(config: BootConfig) {
    self.config = config
    self.pool = nil
    update(config)
  }

  /// Takes a new cluster state; dynamic leases in the same range survive.
  public func update(_ config: BootConfig) {
    self.config = config
    let settings = config.settings
    guard settings.dhcpMode == .dynamic, let start = settings.rangeStart, let end = settings.rangeEnd else {
      pool = nil
      return
    }
    var reserved = Set(config.leases.values.compactMap(\.address))
    reserved.insert(settings.address)
    if var existing = pool, existing.start == min(start.value, end.value), existing.end == max(start.value, end.value) {
      pool = nil
      existing.reserved = reserved
      pool = existing
    } else {
      pool = DynamicPool(start: start, end: end, reserved: reserved)
    }
  }

  /// Decides the answer to `request`; `proxyPort` is true for requests on port 4011.
  public func respond(to request: DHCPPacket, now: UInt64, proxyPort: Bool = false) -> Decision {
    guard request.op == DHCPPacket.bootRequest else { return .ignore("not a BOOTREQUEST") }
    guard let type = request.messageType else { return .ignore("no message type (BOOTP is not served)") }
    guard let mac = request.macAddress else { return .ignore("hardware type \(request.htype) is not Ethernet") }
    let settings = config.settings
    if let serverID = request.options[.serverIdentifier], serverID.count == 4,
       IPv4(DHCPPacket.readUInt32(serverID, 0)) != settings.address, type == .request {
      pool?.release(mac)
      return .ignore("\(mac) chose server \(IPv4(DHCPPacket.readUInt32(serverID, 0)))")
    }
    let client = BootFileChooser.classify(request)
    if settings.dhcpMode == .proxy || proxyPort {
      return proxyReply(request, type: type, mac: mac, client: client)
    }
    switch type {
    case .discover, .request:
      break
    case .release, .decline:
      pool?.release(mac)
      return .ignore("\(type) from \(mac)")
    case .inform:
      return .reply(reply(to: request, type: .ack, mac: mac, client: client, address: nil, lease: config.leases[mac]))
    case .offer, .ack, .nak:
      return .ignore("\(type) is a server message")
    }
    let requested = request.options[.requestedAddress].flatMap { $0.count == 4 ? IPv4(DHCPPacket.readUInt32($0, 0)) : nil }
      ?? (request.ciaddr == .zero ? nil : request.ciaddr)
    if let lease = config.leases[mac] {
      if let refusal = architectureRefusal(client, lease) { return .ignore(refusal) }
      guard let address = lease.address else { return .ignore("\(mac) is node \(lease.nodeID) but its \(lease.netdev) has no ipaddr") }
      if type == .request, let requested, requested != address {
        return .reply(nak(request, "\(requested) is not \(lease.nodeID)'s address"))
      }
      return .reply(reply(to: request, type: type == .discover ? .offer : .ack, mac: mac, client: client, address: address, lease: lease))
    }
    if pool == nil, !config.discoverable.isEmpty, type == .discover { return .discover(mac) }
    guard var dynamic = pool else { return .ignore("unknown MAC \(mac) denied (no node has it)") }
    // Move the pool out so that mutating it does not copy its tables.
    pool = nil
    defer { pool = dynamic }
    if type == .discover {
      guard let address = dynamic.hold(mac, requested: requested, until: now + offerHold, now: now) else {
        return .ignore("dynamic range full, no address for \(mac)")
      }
      return .reply(reply(to: request, type: .offer, mac: mac, client: client, address: address, lease: nil))
    }
    if let requested, dynamic.current(mac, now: now) != requested {
      if dynamic.contains(requested), dynamic.current(mac, now: now) == nil,
         dynamic.hold(mac, requested: requested, until: now + UInt64(settings.leaseTime), now: now) == requested {
        return .reply(reply(to: request, type: .ack, mac: mac, client: client, address: requested, lease: nil))
      }
      return .reply(nak(request, "\(requested) is not leased to \(mac)"))
    }
    guard let address = dynamic.hold(mac, requested: requested, until: now + UInt64(settings.leaseTime), now: now) else {
      return .ignore("dynamic range full, no address for \(mac)")
    }
    return .reply(reply(to: request, type: .ack, mac: mac, client: client, address: address, lease: nil))
  }

  /// proxyDHCP (PXE spec §2.2.5): boot information only, for PXE clients of known nodes.
  private func proxyReply(_ request: DHCPPacket, type: DHCPMessageType, mac: MACAddress, client: BootFileChooser.Client) -> Decision {
    guard client != .other else { return .ignore("proxy mode: \(mac) is not a PXE client") }
    guard let lease = config.leases[mac] else { return .ignore("unknown MAC \(mac) denied (no node has it)") }
    if let refusal = architectureRefusal(client, lease) { return .ignore(refusal) }
    guard type == .discover || type == .request else { return .ignore("proxy mode: \(type) from \(mac)") }
    var packet = reply(to: request, type: type == .discover ? .offer : .ack, mac: mac, client: client, address: nil, lease: nil)
    packet.options[.vendorClass] = Array("PXEClient".utf8)
    // PXE discovery control: bit 3, boot from the file name given here.
    packet.options[.vendorSpecific] = [6, 1, 8, 255]
    return .reply(packet)
  }

  /// Why a PXE firmware of one architecture must not get the boot loader
  /// for a node whose image is of another (it would fail to run it), or nil.
  private func architectureRefusal(_ client: BootFileChooser.Client, _ lease: BootConfig.Lease) -> String? {
    guard case .pxe(let code) = client, let firmware = BootFileChooser.architecture(ofFirmware: code),
          let node = config.nodes[lease.nodeID], let image = config.imageArchitecture(of: node), image != firmware else { return nil }
    let name = node.value(at: FieldPath("image name"))?.stringValue ?? "?"
    return "refused \(lease.nodeID): its firmware is \(firmware.rawValue) (DHCP option 93 = \(code)) but its image \(name) is \(image.rawValue)"
  }

  private func reply(to request: DHCPPacket, type: DHCPMessageType, mac: MACAddress, client: BootFileChooser.Client,
                     address: IPv4?, lease: BootConfig.Lease?) -> DHCPPacket {
    let settings = config.settings
    var packet = DHCPPacket(op: DHCPPacket.bootReply, xid: request.xid, chaddr: request.chaddr)
    packet.htype = request.htype
    packet.hlen = request.hlen
    packet.flags = request.flags
    packet.giaddr = request.giaddr
    packet.ciaddr = type == .ack && request.ciaddr != .zero ? request.ciaddr : .zero
    packet.yiaddr = address ?? .zero
    packet.options[.messageType] = [type.rawValue]
    packet.options[.serverIdentifier] = settings.address.bytes
    if address != nil {
      if request.messageType != .inform {
        let time = settings.leaseTime
        packet.options[.leaseTime] = bigEndian(time)
        packet.options[.renewalTime] = bigEndian(time / 2)
        packet.options[.rebindingTime] = bigEndian(time / 8 * 7)
      }
      packet.options[.subnetMask] = (lease?.netmask ?? settings.netmask).bytes
      if let gateway = lease?.gateway { packet.options[.router] = gateway.bytes }
      if let hostname = lease?.hostname { packet.options[.hostName] = Array(hostname.utf8) }
      for (code, value) in DHCPDNSOptions.options(config) { packet.options[code] = value }
    }
    if let file = chooser.bootFile(for: client, mac: mac, settings: settings) {
      packet.siaddr = settings.address
      packet.file = file
      if client == .ipxe {
        // iPXE settings: no-pxedhcp (176) = 1, skip waiting for a ProxyDHCP offer.
        packet.options[.ipxeEncapsulated] = [176, 1, 1]
      }
    }
    return packet
  }

  private func nak(_ request: DHCPPacket, _ reason: String) -> DHCPPacket {
    var packet = DHCPPacket(op: DHCPPacket.bootReply, xid: request.xid, chaddr: request.chaddr)
    packet.flags = request.flags
    packet.giaddr = request.giaddr
    packet.options[.messageType] = [DHCPMessageType.nak.rawValue]
    packet.options[.serverIdentifier] = config.settings.address.bytes
    packet.options[.message] = Array(reason.utf8)
    return packet
  }

  private func bigEndian(_ value: UInt32) -> [UInt8] { IPv4(value).bytes }
}
