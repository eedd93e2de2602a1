import Foundation

/// The server's part of the template data: its IPv4 values (`.Ipaddr`,
/// `.Netmask`, `.Network`, `.NetworkCIDR`, `.IpCIDR`), empty IPv6 values, the
/// config sections as far as Howl models them (`.Dhcp .Nfs .Ssh .Warewulf
/// .Tftp .Paths`) and the build host and time. `.Paths.Sysconfdir` is
/// `$HOWL_ROOT/etc`, so templates read the server files of the root Howl manages.
/// `.BuildTime` is Go's `01-02-2006 15:04:05 MST` (UTC prints as `UTC`, as in Go).
enum ServerTemplateSections {
  static func values(_ server: ServerConfig, root: String, buildHost: String, buildTime: Date) -> [String: TemplateValue] {
    let prefix = TemplateNetDev.prefixLength(server.netmask)
    let network = server.network.isEmpty ? TemplateNetDev.network(server.ipaddr, netmask: server.netmask) : server.network
    let exports: [TemplateValue] = server.exports.map { name, entry in
      .map(TemplateMap(["Path": .string(entry.path), "ExportOptions": .string(entry.options), "Name": .string(name),
                        "MountOptions": .string("defaults"), "Mount": .bool(false)]))
    }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "MM-dd-yyyy HH:mm:ss"
    let zone = TimeZone.current
    let zoneName = ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Universal", "Zulu"].contains(zone.identifier)
      ? "UTC" : (zone.abbreviation(for: buildTime) ?? zone.identifier)
    let rangeStart = server.dhcp.rangeStart, rangeEnd = server.dhcp.rangeEnd
    return [
      "Ipaddr": .string(server.ipaddr),
      "Netmask": .string(server.netmask),
      "Network": .string(network),
      "IpCIDR": .string(TemplateNetDev.cidr(server.ipaddr, netmask: server.netmask)),
      "NetworkCIDR": .string(prefix.map { network.isEmpty ? "" : "\(network)/\($0)" } ?? ""),
      "Ipaddr6": "", "PrefixLen6": "", "IpCIDR6": "", "Network6": "", "NetworkCIDR6": "", "Ipv6": .bool(false),
      "BuildHost": .string(buildHost),
      "BuildTime": .string(formatter.string(from: buildTime) + " " + zoneName),
      "BuildTimeUnix": .string(String(Int(buildTime.timeIntervalSince1970))),
      "Dhcp": .map(TemplateMap([
        "Enabled": .bool(server.dhcp.enabled), "Template": .string(server.dhcp.mode.rawValue),
        "RangeStart": .string(rangeStart), "RangeEnd": .string(rangeEnd), "SystemdName": "dhcpd",
      ])),
      "Nfs": .map(TemplateMap([
        "Enabled": .bool(!server.exports.isEmpty), "ExportsExtended": .list(exports), "SystemdName": "nfs-server",
      ])),
      "Ssh": .map(TemplateMap(["KeyTypes": .list(["rsa", "dsa", "ecdsa", "ed25519"])])),
      "Warewulf": .map(TemplateMap([
        "Port": .int(server.ports.http), "Secure": .bool(server.secure),
        "AutobuildOverlays": .bool(server.autobuildOverlays), "TLSEnabled": .bool(false), "GrubBoot": .bool(false),
        "UpdateInterval": .int(server.updateInterval), "Syslog": .bool(false),
      ])),
      "Tftp": .map(TemplateMap(["Enabled": .bool(server.dhcp.enabled), "Port": .int(server.ports.tftp),
                                "TftpRoot": "/var/lib/tftpboot", "SystemdName": "tftp"])),
      "Paths": .map(TemplateMap([
        "Sysconfdir": .string(root + "/etc"), "Datadir": "/usr/share", "WWOverlaydir": "/var/lib/howl/overlays",
        "WWChrootdir": "/var/lib/howl/images", "WWProvisiondir": "/var/lib/howl/provision", "WWClientdir": "/warewulf",
      ])),
    ]
  }
}
