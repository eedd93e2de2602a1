import Runtime

/// Where and how the boot services listen: `server` settings from
/// howl.conf, overridden by `howl serve` flags.
public struct ServeSettings: Sendable, Equatable {
  /// The address clients reach the server at (next-server, URLs).
  public var address: IPv4
  public var netmask: IPv4
  /// The interface DHCP binds to (SO_BINDTODEVICE); empty for all.
  public var interface: String
  /// The address TFTP and HTTP bind to; 0.0.0.0 for all.
  public var bindAddress: IPv4
  public var dhcpPort: Int
  /// The port DHCP replies go to (68 for clients; tests may move it).
  public var dhcpClientPort: Int
  public var tftpPort: Int
  public var httpPort: Int
  public var dhcpEnabled: Bool
  public var dhcpMode: ServerConfig.DHCPMode
  public var rangeStart: IPv4?
  public var rangeEnd: IPv4?
  public var secure: Bool
  /// The directory TFTP serves (read-only).
  public var tftpRoot: String
  /// Lease time in seconds.
  public var leaseTime: UInt32

  public init(server: ServerConfig, root: String) {
    address = IPv4(server.ipaddr) ?? .zero
    netmask = IPv4(server.netmask) ?? IPv4(0xFFFF_FF00)
    interface = server.interface
    bindAddress = .zero
    dhcpPort = server.ports.dhcp
    dhcpClientPort = 68
    tftpPort = server.ports.tftp
    httpPort = server.ports.http
    dhcpEnabled = server.dhcp.enabled
    dhcpMode = server.dhcp.mode
    rangeStart = IPv4(server.dhcp.rangeStart)
    rangeEnd = IPv4(server.dhcp.rangeEnd)
    secure = server.secure
    tftpRoot = BootPaths(root: root).tftpRoot
    leaseTime = 3600
  }
}
