import OrderedCollections

/// Native disks and file systems as templates see them (Warewulf's
/// `node.Disk`, `node.Partition`, `node.FileSystem`), each with its `.Id`.
/// Their flags read through Warewulf's methods (`.WipeTable`, `.ShouldExist`,
/// `.WipeFileSystem`, …): true or false, unset is false.
enum TemplateStorage {
  static let partitionSchema: [String: (key: String, kind: TemplateRecord.FieldKind)] = [
    "Number": ("number", .string), "SizeMiB": ("size_mib", .string), "StartMiB": ("start_mib", .string),
    "TypeGuid": ("type_guid", .string), "Guid": ("guid", .string),
    "WipePartitionEntry": ("wipe_partition_entry", .flag), "ShouldExist": ("should_exist", .flag),
    "Resize": ("resize", .flag),
  ]
  static let fileSystemSchema: [String: (key: String, kind: TemplateRecord.FieldKind)] = [
    "Format": ("format", .string), "Path": ("path", .string), "WipeFileSystem": ("wipe_filesystem", .flag),
    "Label": ("label", .string), "Uuid": ("uuid", .string), "Options": ("options", .strings),
    "MountOptions": ("mount_options", .string),
  ]

  static func partition(_ id: String, _ fields: OrderedDictionary<String, ConfValue>) -> TemplateRecord {
    TemplateRecord("*node.Partition", fields: fields, schema: partitionSchema, extras: ["Id": .string(id)])
  }

  /// Partitions sorted by number, then id (Warewulf's `PartitionList`).
  static func partitionList(_ partitions: OrderedDictionary<String, ConfValue>) -> [TemplateValue] {
    let sorted = partitions.sorted { a, b in
      let na = Int(TemplateConversion.string(TemplateConversion.entries(a.value)["number"])) ?? Int.max
      let nb = Int(TemplateConversion.string(TemplateConversion.entries(b.value)["number"])) ?? Int.max
      return na != nb ? na < nb : a.key < b.key
    }
    return sorted.map { .object(partition($0.key, TemplateConversion.entries($0.value))) }
  }

  static func disk(_ id: String, _ fields: OrderedDictionary<String, ConfValue>) -> TemplateRecord {
    let partitions = TemplateConversion.entries(fields["partitions"])
    var map: [String: TemplateValue] = [:]
    for (key, value) in partitions { map[key] = .object(partition(key, TemplateConversion.entries(value))) }
    return TemplateRecord("*node.Disk", fields: fields, schema: ["WipeTable": ("wipe_table", .flag)],
                          extras: ["Id": .string(id), "Partitions": .map(TemplateMap(map)),
                                   "PartitionList": .list(partitionList(partitions))])
  }

  static func fileSystem(_ id: String, _ fields: OrderedDictionary<String, ConfValue>) -> TemplateRecord {
    TemplateRecord("*node.FileSystem", fields: fields, schema: fileSystemSchema, extras: ["Id": .string(id)])
  }

  /// A map of records by key, and the same records sorted by key.
  static func collection(_ conf: ConfValue?, make: (String, OrderedDictionary<String, ConfValue>) -> TemplateRecord)
    -> (map: TemplateValue, list: TemplateValue)
  {
    let entries = TemplateConversion.entries(conf)
    var map: [String: TemplateValue] = [:]
    var list: [TemplateValue] = []
    for key in entries.keys.sorted() {
      let record = TemplateValue.object(make(key, TemplateConversion.entries(entries[key])))
      map[key] = record
      list.append(record)
    }
    return (.map(TemplateMap(map)), .list(list))
  }
}
