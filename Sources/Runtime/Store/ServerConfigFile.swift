import OrderedCollections

/// Reading and writing howl.conf (a warewulf.conf is read as well).
extension ServerConfig {
  /// Sections whose unknown keys are kept in `extra` under the section name.
  static let sections = ["warewulf", "dhcp", "tftp", "nfs", "ssh"]

  /// Parses howl.conf or warewulf.conf text; `file` names it in errors.
  /// `ipaddr` in CIDR form (`10.0.0.1/22`) fills `network` and `netmask`;
  /// `ipaddr6` in CIDR form fills `prefixlen6`. Warewulf's defaults apply
  /// to keys the text leaves out (`warewulf.secure` is then true).
  /// - Throws: `ConfigError` for YAML errors, wrong shapes, bad addresses and ports.
  public static func parse(_ text: String, file: String) throws -> ServerConfig {
    let reader = YAMLReader(file: file, text: text, keepMarks: true)
    var config = ServerConfig(secure: true)
    guard let root = try reader.document({ try reader.skipEmpty() ? nil : try reader.any(FieldPath([])) }),
          let root else { return config }
    let marks = reader.marks ?? [:]
    func fail(_ path: FieldPath, _ message: String) -> ConfigError {
      let mark = marks[path]
      return ConfigError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, keyPath: path, message: message)
    }
    guard case .map(var top) = root else { throw fail(FieldPath([]), "expected a map, found \(root.shapeName)") }
    func take(_ map: inout OrderedDictionary<String, ConfValue>, _ path: FieldPath) throws -> ConfValue? {
      guard let value = map.removeValue(forKey: path.keys.last!) else { return nil }
      if case .scalar(_, .null) = value { return nil }
      return value
    }
    func string(_ map: inout OrderedDictionary<String, ConfValue>, _ path: FieldPath) throws -> String? {
      guard let value = try take(&map, path) else { return nil }
      guard let text = value.stringValue else { throw fail(path, "expected a scalar, found \(value.shapeName)") }
      return text
    }
    func address(_ map: inout OrderedDictionary<String, ConfValue>, _ path: FieldPath) throws -> String? {
      guard let text = try string(&map, path) else { return nil }
      if !text.isEmpty && !isIPv4(text) { throw fail(path, "expected an IPv4 address, found \"\(text)\"") }
      return text
    }
    func bool(_ map: inout OrderedDictionary<String, ConfValue>, _ path: FieldPath) throws -> Bool? {
      guard let text = try string(&map, path) else { return nil }
      switch text.lowercased() {
      case "true", "yes", "on": return true
      case "false", "no", "off": return false
      default: throw fail(path, "expected true or false, found \"\(text)\"")
      }
    }
    func address6(_ map: inout OrderedDictionary<String, ConfValue>, _ path: FieldPath) throws -> String? {
      guard let text = try string(&map, path) else { return nil }
      if !text.isEmpty && !IPAddressText.isIPv6(text) { throw fail(path, "expected an IPv6 address, found \"\(text)\"") }
      return text
    }
    func int(_ map: inout OrderedDictionary<String, ConfValue>, _ path: FieldPath, _ range: ClosedRange<Int>) throws -> Int? {
      guard let text = try string(&map, path) else { return nil }
      guard let value = Int(text), range.contains(value) else { throw fail(path, "expected a number from \(range.lowerBound) to \(range.upperBound), found \"\(text)\"") }
      return value
    }
    func port(_ map: inout OrderedDictionary<String, ConfValue>, _ path: FieldPath) throws -> Int? {
      guard let text = try string(&map, path) else { return nil }
      guard let value = Int(text), (0...65535).contains(value) else { throw fail(path, "expected a port number, found \"\(text)\"") }
      return value
    }
    func section(_ name: String) throws -> OrderedDictionary<String, ConfValue> {
      guard let value = top.removeValue(forKey: name) else { return [:] }
      if case .scalar(_, .null) = value { return [:] }
      guard case .map(let map) = value else { throw fail(FieldPath(name), "expected a map, found \(value.shapeName)") }
      return map
    }

    config.comment = try string(&top, FieldPath("comment")) ?? ""
    if let ipaddr = try string(&top, FieldPath("ipaddr")) {
      if let slash = ipaddr.firstIndex(of: "/") {
        let host = String(ipaddr[..<slash])
        guard let value = parseIPv4(host), let bits = Int(ipaddr[ipaddr.index(after: slash)...]), (0...32).contains(bits)
        else { throw fail(FieldPath("ipaddr"), "expected an IPv4 address or CIDR, found \"\(ipaddr)\"") }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
        config.ipaddr = host
        config.netmask = formatIPv4(mask)
        config.network = formatIPv4(value & mask)
      } else if !ipaddr.isEmpty && !isIPv4(ipaddr) {
        throw fail(FieldPath("ipaddr"), "expected an IPv4 address, found \"\(ipaddr)\"")
      } else {
        config.ipaddr = ipaddr
      }
    }
    if let netmask = try address(&top, FieldPath("netmask")) { config.netmask = netmask }
    if let network = try address(&top, FieldPath("network")) { config.network = network }
    config.prefixLen6 = try int(&top, FieldPath("prefixlen6"), 0...128).map(String.init) ?? ""
    if let ipaddr6 = try string(&top, FieldPath("ipaddr6")), !ipaddr6.isEmpty {
      let parts = ipaddr6.split(separator: "/", maxSplits: 1).map(String.init)
      guard let ip = IPAddressText.isIPv6(parts[0]) ? IPAddressText.parse(parts[0]) : nil,
            parts.count == 1 || Int(parts[1]).map({ (0...128).contains($0) }) == true
      else { throw fail(FieldPath("ipaddr6"), "expected an IPv6 address or CIDR, found \"\(ipaddr6)\"") }
      if parts.count == 2 { config.prefixLen6 = parts[1] }
      // As Warewulf: the address is put in Go's form once there is a prefix length.
      config.ipaddr6 = config.prefixLen6.isEmpty ? parts[0] : IPAddressText.format(ip)
    }
    config.interface = try string(&top, FieldPath("interface")) ?? ""

    var warewulf = try section("warewulf")
    let w = FieldPath("warewulf")
    config.ports.http = try port(&warewulf, w.appending("port")) ?? config.ports.http
    config.secure = try bool(&warewulf, w.appending("secure")) ?? config.secure
    config.autobuildOverlays = try bool(&warewulf, w.appending("autobuild overlays")) ?? config.autobuildOverlays
    config.warewulfOnly.tls = try bool(&warewulf, w.appending("tls"))
    config.warewulfOnly.tlsPort = try port(&warewulf, w.appending("tls port"))
    config.warewulfOnly.secureFiles = try bool(&warewulf, w.appending("secure files"))
    config.warewulfOnly.updateInterval = try int(&warewulf, w.appending("update interval"), 0...Int(Int32.max))
    config.warewulfOnly.hostOverlay = try bool(&warewulf, w.appending("host overlay"))
    config.warewulfOnly.grubBoot = try bool(&warewulf, w.appending("grubboot"))

    var dhcp = try section("dhcp")
    let d = FieldPath("dhcp")
    config.dhcp.enabled = try bool(&dhcp, d.appending("enabled")) ?? true
    if let mode = try string(&dhcp, d.appending("mode")) {
      guard let value = DHCPMode(rawValue: mode) else {
        throw fail(d.appending("mode"), "expected static, dynamic or proxy, found \"\(mode)\"")
      }
      config.dhcp.mode = value
    } else if dhcp["template"]?.stringValue == "static" {
      config.dhcp.mode = .static
    }
    config.dhcp.rangeStart = try address(&dhcp, d.appending("range start")) ?? ""
    config.dhcp.rangeEnd = try address(&dhcp, d.appending("range end")) ?? ""
    config.dhcp.rangeStart6 = try address6(&dhcp, d.appending("range6 start")) ?? ""
    config.dhcp.rangeEnd6 = try address6(&dhcp, d.appending("range6 end")) ?? ""
    config.ports.dhcp = try port(&dhcp, d.appending("port")) ?? config.ports.dhcp

    var tftp = try section("tftp")
    config.ports.tftp = try port(&tftp, FieldPath("tftp", "port")) ?? config.ports.tftp
    config.warewulfOnly.tftpEnabled = try bool(&tftp, FieldPath("tftp", "enabled"))
    let x = FieldPath("tftp", "ipxe")
    if let ipxe = try take(&tftp, x) {
      guard case .map(let entries) = ipxe else { throw fail(x, "expected a map, found \(ipxe.shapeName)") }
      var binaries = OrderedDictionary<String, String>()
      for (arch, value) in entries {
        guard let file = value.stringValue else { throw fail(x.appending(arch), "expected a file name, found \(value.shapeName)") }
        binaries[arch] = file
      }
      config.warewulfOnly.ipxeBinaries = binaries
    }

    var ssh = try section("ssh")
    let k = FieldPath("ssh", "key types")
    if let types = try take(&ssh, k) {
      guard let list = types.listValue else { throw fail(k, "expected a list of key types, found \(types.shapeName)") }
      config.warewulfOnly.sshKeyTypes = list
    }

    var nfs = try section("nfs")
    let n = FieldPath("nfs")
    config.nfs.enabled = try bool(&nfs, n.appending("enabled")) ?? true
    if let backend = try string(&nfs, n.appending("backend")) {
      guard let value = NFSBackend(rawValue: backend) else {
        throw fail(n.appending("backend"), "expected \(NFSBackend.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(backend)\"")
      }
      config.nfs.backend = value
    }
    config.nfs.ganeshaConfig = try string(&nfs, n.appending("ganesha config")) ?? ""
    config.nfs.ganeshaPidFile = try string(&nfs, n.appending("ganesha pid file")) ?? ""
    let e = FieldPath("nfs", "export paths")
    if let paths = try take(&nfs, e) {
      guard case .list(let items) = paths else { throw fail(e, "expected a list, found \(paths.shapeName)") }
      for (index, item) in items.enumerated() {
        let here = e.appending(String(index))
        guard case .map(var entry) = item else { throw fail(here, "expected a map, found \(item.shapeName)") }
        guard let path = try string(&entry, here.appending("path")), !path.isEmpty else { throw fail(here, "an export needs a path") }
        let name = try string(&entry, here.appending("name")) ?? path
        if config.exports[name] != nil { throw fail(here, "two exports named \(name)") }
        config.exports[name] = ExportEntry(
          path: path, options: try string(&entry, here.appending("export options")) ?? ExportEntry.defaultOptions,
          image: try string(&entry, here.appending("image")), extra: entry)
      }
    }

    let i = FieldPath("images")
    if let images = try take(&top, i) {
      guard case .map(let entries) = images else { throw fail(i, "expected a map, found \(images.shapeName)") }
      for (name, value) in entries {
        let here = i.appending(name)
        var entry: OrderedDictionary<String, ConfValue> = [:]
        if case .map(let map) = value { entry = map } else if !value.isEmpty {
          throw fail(here, "expected a map, found \(value.shapeName)")
        }
        var image = ImageEntry(source: try string(&entry, here.appending("source")))
        if let excludes = try take(&entry, here.appending("excludes")) {
          guard let list = excludes.listValue else { throw fail(here.appending("excludes"), "expected a list of paths") }
          image.excludes = list
        }
        if let compression = try string(&entry, here.appending("compression")) {
          guard let value = ImageCompression(rawValue: compression) else {
            throw fail(here.appending("compression"), "expected gzip or zstd, found \"\(compression)\"")
          }
          image.compression = value
        }
        image.extra = entry
        config.images[name] = image
      }
    }

    if let dns = top.removeValue(forKey: "dns"), !dns.isEmpty { config.dns = try DNSSettings.read(dns, fail: fail) }

    for (name, rest) in [("warewulf", warewulf), ("dhcp", dhcp), ("tftp", tftp), ("nfs", nfs), ("ssh", ssh)] where !rest.isEmpty {
      config.extra[name] = .map(rest)
    }
    for (key, value) in top { config.extra[key] = value }
    return config
  }

  /// The howl.conf text: every known key, explicitly, then kept unknown keys.
  public func serialize() -> String {
    var writer = YAMLWriter()
    writer.entries(fileMap(), indent: 0)
    return writer.output
  }

  /// The settings as the map howl.conf holds.
  func fileMap() -> OrderedDictionary<String, ConfValue> {
    func section(_ name: String, _ known: OrderedDictionary<String, ConfValue>) -> ConfValue {
      var map = known
      if case .map(let rest)? = extra[name] { for (key, value) in rest where map[key] == nil { map[key] = value } }
      return .map(map)
    }
    func bool(_ value: Bool) -> ConfValue { .scalar(value ? "true" : "false", .bool) }
    func int(_ value: Int) -> ConfValue { .scalar(String(value), .int) }
    var top = OrderedDictionary<String, ConfValue>()
    if !comment.isEmpty { top["comment"] = .string(comment) }
    top["ipaddr"] = .string(ipaddr)
    top["netmask"] = .string(netmask)
    top["network"] = .string(network)
    if !ipaddr6.isEmpty { top["ipaddr6"] = .string(ipaddr6) }
    if !prefixLen6.isEmpty { top["prefixlen6"] = .scalar(prefixLen6, .int) }
    top["interface"] = .string(interface)
    let only = warewulfOnly
    var warewulf: OrderedDictionary<String, ConfValue> = [
      "port": int(ports.http), "secure": bool(secure), "autobuild overlays": bool(autobuildOverlays),
    ]
    if let v = only.tls { warewulf["tls"] = bool(v) }
    if let v = only.tlsPort { warewulf["tls port"] = int(v) }
    if let v = only.secureFiles { warewulf["secure files"] = bool(v) }
    if let v = only.updateInterval { warewulf["update interval"] = int(v) }
    if let v = only.hostOverlay { warewulf["host overlay"] = bool(v) }
    if let v = only.grubBoot { warewulf["grubboot"] = bool(v) }
    top["warewulf"] = section("warewulf", warewulf)
    var dhcpMap: OrderedDictionary<String, ConfValue> = [
      "enabled": bool(dhcp.enabled), "mode": .string(dhcp.mode.rawValue),
      "range start": .string(dhcp.rangeStart), "range end": .string(dhcp.rangeEnd),
    ]
    if !dhcp.rangeStart6.isEmpty { dhcpMap["range6 start"] = .string(dhcp.rangeStart6) }
    if !dhcp.rangeEnd6.isEmpty { dhcpMap["range6 end"] = .string(dhcp.rangeEnd6) }
    dhcpMap["port"] = int(ports.dhcp)
    top["dhcp"] = section("dhcp", dhcpMap)
    var tftpMap: OrderedDictionary<String, ConfValue> = ["port": int(ports.tftp)]
    if let v = only.tftpEnabled { tftpMap["enabled"] = bool(v) }
    if let v = only.ipxeBinaries { tftpMap["ipxe"] = .map(v.mapValues { .string($0) }) }
    top["tftp"] = section("tftp", tftpMap)
    let exportList: [ConfValue] = exports.map { name, entry in
      var item: OrderedDictionary<String, ConfValue> = [:]
      if name != entry.path { item["name"] = .string(name) }
      item["path"] = .string(entry.path)
      item["export options"] = .string(entry.options)
      if let image = entry.image { item["image"] = .string(image) }
      for (key, value) in entry.extra where item[key] == nil { item[key] = value }
      return .map(item)
    }
    top["nfs"] = section("nfs", [
      "enabled": bool(nfs.enabled), "backend": .string(nfs.backend.rawValue),
      "ganesha config": .string(nfs.ganeshaConfig), "ganesha pid file": .string(nfs.ganeshaPidFile),
      "export paths": .list(exportList),
    ])
    if let types = only.sshKeyTypes {
      top["ssh"] = section("ssh", ["key types": .strings(types)])
    } else if extra["ssh"] != nil {
      top["ssh"] = section("ssh", [:])
    }
    top["images"] = .map(OrderedDictionary(uniqueKeysWithValues: images.map { name, image in
      var item: OrderedDictionary<String, ConfValue> = [:]
      if let source = image.source { item["source"] = .string(source) }
      item["excludes"] = .strings(image.excludes)
      item["compression"] = .string(image.compression.rawValue)
      for (key, value) in image.extra where item[key] == nil { item[key] = value }
      return (name, ConfValue.map(item))
    }))
    if dns != DNSSettings() { top["dns"] = dns.fileValue }
    for (key, value) in extra where !ServerConfig.sections.contains(key) && top[key] == nil { top[key] = value }
    return top
  }
}
