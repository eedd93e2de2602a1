import OrderedCollections

extension ServerConfig {
  /// The settings as a Warewulf 4.7 warewulf.conf: only Warewulf's keys, each
  /// with the value in effect (Warewulf's defaults filled in), none of
  /// Howl's own (`interface`, `dhcp.mode`, ports other than HTTP, `nfs.backend`,
  /// `images`, export names). It is what `{{Include "warewulf.conf"}}` gives
  /// a template, so the copy a node gets (`/etc/warewulf/warewulf.conf`)
  /// tells its wwclient where the server is and how to reach it.
  public func warewulfConfText() -> String {
    func bool(_ value: Bool) -> ConfValue { .scalar(value ? "true" : "false", .bool) }
    func int(_ value: Int) -> ConfValue { .scalar(String(value), .int) }
    func kept(_ section: String, _ key: String) -> ConfValue? { extra[section]?.mapValue?[key] }
    let only = warewulfOnly
    var top = OrderedDictionary<String, ConfValue>()
    if !comment.isEmpty { top["comment"] = .string(comment) }
    let derivedNetwork = network.isEmpty ? TemplateNetDev.network(ipaddr, netmask: netmask) : network
    for (key, value) in [("ipaddr", ipaddr), ("netmask", netmask), ("network", derivedNetwork)] where !value.isEmpty {
      top[key] = .string(value)
    }
    if let fqdn = extra["fqdn"] { top["fqdn"] = fqdn }
    if !ipaddr6.isEmpty { top["ipaddr6"] = .string(ipaddr6) }
    if !prefixLen6.isEmpty { top["prefixlen6"] = .scalar(prefixLen6, .int) }

    var warewulf: OrderedDictionary<String, ConfValue> = [
      "port": int(ports.http), "secure": bool(secure), "update interval": int(only.effectiveUpdateInterval),
      "autobuild overlays": bool(autobuildOverlays), "host overlay": bool(only.hostOverlay ?? true),
      "tls": bool(only.tls ?? false), "tls port": int(only.effectiveTLSPort),
    ]
    if let v = only.secureFiles { warewulf["secure files"] = bool(v) }
    if let v = only.grubBoot { warewulf["grubboot"] = bool(v) }
    if let v = kept("warewulf", "systemd name") { warewulf["systemd name"] = v }
    top["warewulf"] = .map(warewulf)

    var dhcpMap: OrderedDictionary<String, ConfValue> = [
      "enabled": bool(dhcp.enabled), "template": .string(ServerTemplateSections.dhcpTemplate(self)),
    ]
    for (key, value) in [("range start", dhcp.rangeStart), ("range end", dhcp.rangeEnd),
                         ("range6 start", dhcp.rangeStart6), ("range6 end", dhcp.rangeEnd6)] where !value.isEmpty {
      dhcpMap[key] = .string(value)
    }
    if let v = kept("dhcp", "systemd name") { dhcpMap["systemd name"] = v }
    top["dhcp"] = .map(dhcpMap)

    var tftpMap: OrderedDictionary<String, ConfValue> = ["enabled": bool(only.tftpEnabled ?? true)]
    for key in ["tftproot", "systemd name"] { if let v = kept("tftp", key) { tftpMap[key] = v } }
    if let v = only.ipxeBinaries { tftpMap["ipxe"] = .map(v.mapValues { .string($0) }) }
    top["tftp"] = .map(tftpMap)

    var nfsMap: OrderedDictionary<String, ConfValue> = ["enabled": bool(nfs.enabled)]
    if !exports.isEmpty {
      nfsMap["export paths"] = .list(exports.values.map { .map(["path": .string($0.path), "export options": .string($0.options)]) })
    }
    if let v = kept("nfs", "systemd name") { nfsMap["systemd name"] = v }
    top["nfs"] = .map(nfsMap)
    top["ssh"] = .map(["key types": .strings(only.effectiveSSHKeyTypes)])
    // Warewulf's sections Howl keeps as they were read (wwclient's port among them).
    for key in ["api", "image mounts", "paths", "wwclient"] { if let value = extra[key] { top[key] = value } }

    var writer = YAMLWriter()
    writer.entries(top, indent: 0)
    return writer.output
  }
}
