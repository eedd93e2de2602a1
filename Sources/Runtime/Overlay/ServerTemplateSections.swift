import Foundation

/// The server's part of the template data, as Warewulf 4.7 fills it from
/// warewulf.conf: the IPv4 values (`.Ipaddr`, `.Netmask`, `.Network`,
/// `.NetworkCIDR`, `.IpCIDR`), the IPv6 ones (`.Ipaddr6 .PrefixLen6 .IpCIDR6
/// .Network6 .NetworkCIDR6 .Ipv6`), the config sections with Warewulf's
/// defaults (`.Dhcp .Nfs .Ssh .Warewulf .Tftp .Paths`), Howl's `.Dns`, and the build host and
/// time. `.Paths.Sysconfdir` is `$HOWL_ROOT/etc`, so templates read the server
/// files of the root Howl manages; `.Tftp.TftpRoot` is the directory `howl
/// serve` serves. `.BuildTime` is Go's `01-02-2006 15:04:05 MST` (UTC prints
/// as `UTC`, as in Go).
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
    let only = server.warewulfOnly
    let v6 = ipv6(server)
    func extra(_ section: String, _ key: String, _ fallback: String) -> TemplateValue {
      .string(server.extra[section]?.mapValue?[key]?.stringValue ?? fallback)
    }
    return [
      "Ipaddr": .string(server.ipaddr),
      "Netmask": .string(server.netmask),
      "Network": .string(network),
      "IpCIDR": .string(TemplateNetDev.cidr(server.ipaddr, netmask: server.netmask)),
      "NetworkCIDR": .string(prefix.map { network.isEmpty ? "" : "\(network)/\($0)" } ?? ""),
      "Ipaddr6": .string(server.ipaddr6), "PrefixLen6": .string(server.prefixLen6),
      "IpCIDR6": .string(v6.cidr), "Network6": .string(v6.network), "NetworkCIDR6": .string(v6.networkCIDR),
      "Ipv6": .bool(!server.ipaddr6.isEmpty && !server.prefixLen6.isEmpty),
      "BuildHost": .string(buildHost),
      "BuildTime": .string(formatter.string(from: buildTime) + " " + zoneName),
      "BuildTimeUnix": .string(String(Int(buildTime.timeIntervalSince1970))),
      "Dhcp": .map(TemplateMap([
        "Enabled": .bool(server.dhcp.enabled), "Template": .string(dhcpTemplate(server)),
        "RangeStart": .string(server.dhcp.rangeStart), "RangeEnd": .string(server.dhcp.rangeEnd),
        "Range6Start": .string(server.dhcp.rangeStart6), "Range6End": .string(server.dhcp.rangeEnd6),
        "SystemdName": extra("dhcp", "systemd name", "dhcpd"),
      ])),
      "Nfs": .map(TemplateMap([
        "Enabled": .bool(server.nfs.enabled), "ExportsExtended": .list(exports),
        "SystemdName": extra("nfs", "systemd name", "nfsd"),
      ])),
      "Ssh": .map(TemplateMap(["KeyTypes": .list(only.effectiveSSHKeyTypes.map { .string($0) })])),
      "Warewulf": .map(TemplateMap([
        "Port": .int(server.ports.http), "TLSPort": .int(only.effectiveTLSPort), "Secure": .bool(server.secure),
        "SecureFiles": .bool(only.secureFiles ?? server.secure), "TLSEnabled": .bool(only.tls ?? false),
        "UpdateInterval": .int(only.effectiveUpdateInterval), "AutobuildOverlays": .bool(server.autobuildOverlays),
        "EnableHostOverlay": .bool(only.hostOverlay ?? true), "GrubBoot": .bool(only.grubBoot ?? false),
        "SystemdName": extra("warewulf", "systemd name", ""), "Syslog": .bool(false),
      ])),
      "Tftp": .map(TemplateMap([
        "Enabled": .bool(only.tftpEnabled ?? true), "Port": .int(server.ports.tftp),
        "TftpRoot": .string(root + "/var/lib/howl/tftp"), "SystemdName": extra("tftp", "systemd name", "tftp"),
        "IpxeBinaries": .map(TemplateMap(Dictionary(uniqueKeysWithValues: only.effectiveIpxeBinaries.map { ($0.key, .string($0.value)) }),
                                         missingValue: "")),
      ])),
      "Dns": DNSSettings.templateValue(server),
      "Paths": .map(TemplateMap([
        "Sysconfdir": .string(root + "/etc"), "Datadir": "/usr/share", "WWOverlaydir": "/var/lib/howl/overlays",
        "WWChrootdir": "/var/lib/howl/images", "WWProvisiondir": "/var/lib/howl/provision", "WWClientdir": "/warewulf",
      ])),
    ]
  }

  /// Warewulf's `dhcp.template`: `static` when Howl hands out only static
  /// addresses, else the file's other template name, else `default`.
  static func dhcpTemplate(_ server: ServerConfig) -> String {
    if server.dhcp.mode == .static { return "static" }
    if let named = server.extra["dhcp"]?.mapValue?["template"]?.stringValue, named != "static" { return named }
    return "default"
  }

  /// `.IpCIDR6`, `.Network6` and `.NetworkCIDR6` as Warewulf derives them from
  /// `ipaddr6/prefixlen6` ("" unless that is a valid IPv6 CIDR).
  static func ipv6(_ server: ServerConfig) -> (cidr: String, network: String, networkCIDR: String) {
    guard let ip = IPAddressText.isIPv6(server.ipaddr6) ? IPAddressText.parse(server.ipaddr6) : nil,
          let bits = Int(server.prefixLen6), let net = IPAddressText.masked(ip, bits: bits)
    else { return ("", "", "") }
    let network = IPAddressText.format(net)
    return (server.ipaddr6 + "/" + server.prefixLen6, network, network + "/" + String(bits))
  }
}
