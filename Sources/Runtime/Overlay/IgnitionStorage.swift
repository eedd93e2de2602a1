import OrderedCollections

/// Warewulf's `IgnitionJson`: the node's native `disks` and `filesystems` as
/// Ignition JSON, `{"ignition":{"version":"3.1.0"},"storage":{…}}`, with
/// Warewulf's key names and its quirks kept (`startMiB`, set only when
/// `start_mib` is, is filled from `size_mib`; the `mount_options` string
/// becomes a list of its characters; a file system's `path` is always there).
/// "" when the node has neither, or when a partition's number or size is not
/// a number (Warewulf gives up on the storage then).
enum IgnitionStorage {
  static func json(disks: ConfValue?, filesystems: ConfValue?) -> String {
    (try? build(disks: disks, filesystems: filesystems)) ?? ""
  }

  /// A partition whose number or size does not read as a number.
  private struct NotANumber: Error {}

  private static func build(disks: ConfValue?, filesystems: ConfValue?) throws -> String {
    let diskEntries = TemplateConversion.entries(disks), fsEntries = TemplateConversion.entries(filesystems)
    if diskEntries.isEmpty && fsEntries.isEmpty { return "" }
    var storage: [(String, String)] = []
    if !diskEntries.isEmpty {
      let items = try diskEntries.keys.sorted().map { device -> String in
        let disk = TemplateConversion.entries(diskEntries[device])
        var fields: [(String, String)] = [("device", quote(device))]
        let partitions = TemplateConversion.entries(disk["partitions"]).sorted { a, b in
          let pa = TemplateConversion.entries(a.value), pb = TemplateConversion.entries(b.value)
          let na = Int(pa["number"]?.stringValue ?? "") ?? 0, nb = Int(pb["number"]?.stringValue ?? "") ?? 0
          if na != nb { return na < nb }
          return (Int(pa["size_mib"]?.stringValue ?? "") ?? 0) < (Int(pb["size_mib"]?.stringValue ?? "") ?? 0)
        }
        if !partitions.isEmpty {
          let items = try partitions.map { try partition($0.key, TemplateConversion.entries($0.value)) }
          fields.append(("partitions", "[" + items.joined(separator: ",") + "]"))
        }
        if let wipe = bool(disk["wipe_table"]) { fields.append(("wipeTable", wipe)) }
        return object(fields)
      }
      storage.append(("disks", "[" + items.joined(separator: ",") + "]"))
    }
    if !fsEntries.isEmpty {
      let items = fsEntries.keys.sorted().map { device -> String in
        let fs = TemplateConversion.entries(fsEntries[device])
        var fields: [(String, String)] = [("device", quote(device))]
        if let v = fs["format"]?.stringValue { fields.append(("format", quote(v))) }
        if let v = fs["label"]?.stringValue { fields.append(("label", quote(v))) }
        let mountOptions: [String]
        switch fs["mount_options"] {
        case .list(let items)?: mountOptions = items.compactMap(\.stringValue)
        case let value?: mountOptions = (value.stringValue ?? "").map { String($0) }
        case nil: mountOptions = []
        }
        if !mountOptions.isEmpty { fields.append(("mountOptions", "[" + mountOptions.map(quote).joined(separator: ",") + "]")) }
        let options = fs["options"]?.listValue ?? []
        if !options.isEmpty { fields.append(("options", "[" + options.map(quote).joined(separator: ",") + "]")) }
        fields.append(("path", quote(fs["path"]?.stringValue ?? "")))
        if let v = fs["uuid"]?.stringValue { fields.append(("uuid", quote(v))) }
        if let wipe = bool(fs["wipe_filesystem"]) { fields.append(("wipeFilesystem", wipe)) }
        return object(fields)
      }
      storage.append(("filesystems", "[" + items.joined(separator: ",") + "]"))
    }
    return object([("ignition", #"{"version":"3.1.0"}"#), ("storage", object(storage))])
  }

  private static func partition(_ label: String, _ p: OrderedDictionary<String, ConfValue>) throws -> String {
    func number(_ key: String) throws -> Int? {
      guard let text = p[key]?.stringValue, !text.isEmpty else { return nil }
      guard let n = Int(text) else { throw NotANumber() }
      return n
    }
    var fields: [(String, String)] = []
    if let v = p["guid"]?.stringValue { fields.append(("guid", quote(v))) }
    fields.append(("label", quote(label)))
    if let n = try number("number"), n != 0 { fields.append(("number", String(n))) }
    if let v = bool(p["resize"]) { fields.append(("resize", v)) }
    if let v = bool(p["should_exist"]) { fields.append(("shouldExist", v)) }
    let size = try number("size_mib")
    if let size { fields.append(("sizeMiB", String(size))) }
    if p["start_mib"]?.stringValue.map({ !$0.isEmpty }) == true {
      guard let size else { throw NotANumber() }
      fields.append(("startMiB", String(size)))
    }
    if let v = p["type_guid"]?.stringValue { fields.append(("typeGuid", quote(v))) }
    if let v = bool(p["wipe_partition_entry"]) { fields.append(("wipePartitionEntry", v)) }
    return object(fields)
  }

  private static func bool(_ value: ConfValue?) -> String? {
    guard let text = value?.stringValue?.lowercased(), !text.isEmpty else { return nil }
    return text == "true" || text == "yes" ? "true" : "false"
  }

  private static func object(_ fields: [(String, String)]) -> String {
    "{" + fields.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
  }

  private static func quote(_ text: String) -> String { TemplateJSON.encode(.string(text)) }
}
