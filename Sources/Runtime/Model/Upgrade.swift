import OrderedCollections

/// Warewulf 4.5 → 4.6+ key migration (`wwctl upgrade nodes`, §1.8), for an
/// explicit upgrade only: loading never changes what the file says.
extension ClusterConfig {
  /// The same cluster in the 4.6+ schema: `container name` → `image name`;
  /// flat `ipmi <field>` → `ipmi.<field>`; flat `kernel version/override/args`
  /// → `kernel.*`; kernel args and overlays given as strings → lists (split
  /// on whitespace and commas respectively); `keys` → `tags`; netdev
  /// `ip6addr`/`prefix` → `ipaddr6`/`prefixlen6`; a netdev marked
  /// `primary: true` or `default: true` → `primary network`; `WW_INTERNAL` dropped.
  /// Resolving `kernel.override` against the image's kernels is left to the caller.
  public func upgraded() -> ClusterConfig {
    var out = self
    out.extra.removeValue(forKey: "WW_INTERNAL")
    for (id, entity) in profiles { out.profiles[id] = ClusterConfig.upgrade(entity) }
    for (id, entity) in nodes { out.nodes[id] = ClusterConfig.upgrade(entity) }
    return out.canonicalized()
  }

  static func upgrade(_ entity: Entity) -> Entity {
    var e = entity
    func move(_ from: FieldPath, _ to: FieldPath) {
      guard let value = e[from] else { return }
      e[from] = nil
      if e[to] == nil { e[to] = value }
    }
    move(FieldPath("container name"), FieldPath("image name"))
    for field in ["username", "password", "ipaddr", "gateway", "netmask", "port", "interface", "escapechar", "write", "template"] {
      move(FieldPath("ipmi \(field)"), FieldPath("ipmi", field))
    }
    for field in ["version", "override", "args"] { move(FieldPath("kernel \(field)"), FieldPath("kernel", field)) }
    if let override = e[FieldPath("kernel", "override")] {
      e[FieldPath("kernel", "override")] = nil
      if e[FieldPath("kernel", "version")] == nil, !override.isEmpty { e[FieldPath("kernel", "version")] = override }
    }
    if case .scalar(let text, _)? = e[FieldPath("kernel", "args")] {
      e[FieldPath("kernel", "args")] = .strings(text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
    }
    for key in ["runtime overlay", "system overlay"] {
      if case .scalar(let text, _)? = e[FieldPath(key)] {
        e[FieldPath(key)] = .strings(text.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty })
      }
    }
    if case .map(let keys)? = e[FieldPath("keys")] {
      e[FieldPath("keys")] = nil
      for (key, value) in keys where e[FieldPath("tags", key)] == nil { e[FieldPath("tags", key)] = value }
    }
    if case .map(let devices)? = e[FieldPath("network devices")] {
      for netname in devices.keys {
        let device = FieldPath("network devices", netname)
        move(device.appending("ip6addr"), device.appending("ipaddr6"))
        move(device.appending("prefix"), device.appending("prefixlen6"))
        for flag in ["primary", "default"] {
          guard let value = e[device.appending(flag)] else { continue }
          e[device.appending(flag)] = nil
          if ["true", "yes"].contains(value.stringValue?.lowercased() ?? ""), e[FieldPath("primary network")] == nil {
            e[FieldPath("primary network")] = .string(netname)
          }
        }
      }
    }
    return e
  }
}
