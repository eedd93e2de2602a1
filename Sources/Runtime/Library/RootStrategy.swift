import Lang
import OrderedCollections

/// Where a node's root file system lives: `initramfs()` (the unpacked image
/// in RAM, the default), `tmpfs()` (copied into a tmpfs), or `xfs(dev)` /
/// `ext4(dev)` (partitioned, formatted and copied onto a local disk at boot).
///
/// Stored as Warewulf 4.7 provisions to disk: `root` names the partition by
/// label, `disks` creates it, `filesystems` formats it and mounts it at `/`.
final class RootStrategy: HostObject {
  enum Kind: String { case initramfs, tmpfs, xfs, ext4, device }

  let kind: Kind
  /// The disk (`/dev/nvme0n1`) for xfs/ext4, the root device for `.device`.
  let device: String?

  static let partitionLabel = RootLayout.partitionLabel
  static let partitionPath = RootLayout.partitionPath

  init(_ kind: Kind, device: String? = nil) {
    self.kind = kind
    self.device = device
  }

  var typeName: String { "root" }
  var memberNames: [String] { ["kind", "device", "location"] }

  /// `in RAM`, `on /dev/nvme0n1, partition rootfs, re-created at each boot`.
  var location: String { RootLayout(RootLayout.Kind(rawValue: kind.rawValue) ?? .device, device: device).location }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "kind": return .string(kind.rawValue)
    case "device": return device.map { .device($0) } ?? .null
    case "location": return .string(location)
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String {
    switch kind {
    case .initramfs, .tmpfs: return "\(kind.rawValue)()"
    case .xfs, .ext4, .device: return "\(kind.rawValue)(\(device ?? "?"))"
    }
  }

  func isEqual(to other: HostObject) -> Bool {
    guard let o = other as? RootStrategy else { return false }
    return o.kind == kind && o.device == device
  }

  /// A value assigned to `root`: a strategy, or its name as a string.
  static func from(_ value: Value) throws -> RootStrategy {
    switch value {
    case .object(let o as RootStrategy): return o
    case .null: return RootStrategy(.initramfs)
    case .string(let s) where s == "initramfs": return RootStrategy(.initramfs)
    case .string(let s) where s == "tmpfs" || s == "ramfs": return RootStrategy(.tmpfs)
    default:
      throw LangError("root must be initramfs(), tmpfs(), xfs(device) or ext4(device), not \(value.repr)")
    }
  }

  /// `xfs(nvme0n1)`: the device argument of a disk strategy.
  static func disk(_ kind: Kind, _ args: Arguments) throws -> Value {
    try args.expect(kind.rawValue, count: 1...1)
    let path: String
    switch args[0] {
    case .device(let d): path = d
    case .string(let s) where s.hasPrefix("/dev/"): path = s
    case .string(let s) where Devices.isDeviceName(s): path = "/dev/" + s
    default: throw LangError("\(kind.rawValue)() needs a block device such as nvme0n1, not \(args[0].repr)")
    }
    return .object(RootStrategy(kind, device: path))
  }

  /// Writes the strategy into an entity, removing what an earlier disk
  /// strategy wrote.
  func apply(to entity: inout Entity) {
    RootStrategy.removeDiskLayout(from: &entity)
    switch kind {
    case .initramfs, .tmpfs:
      entity[FieldPath(["root"])] = .string(kind.rawValue)
    case .device:
      entity[FieldPath(["root"])] = .string(device ?? "")
    case .xfs, .ext4:
      let disk = device ?? ""
      entity[FieldPath(["root"])] = .string(RootStrategy.partitionPath)
      entity[FieldPath(["disks", disk, "wipe_table"])] = .scalar("true", .bool)
      entity[FieldPath(["disks", disk, "partitions", RootStrategy.partitionLabel, "number"])] = .string("1")
      entity[FieldPath(["disks", disk, "partitions", RootStrategy.partitionLabel, "should_exist"])] = .scalar("true", .bool)
      entity[FieldPath(["filesystems", RootStrategy.partitionPath, "format"])] = .string(kind.rawValue)
      entity[FieldPath(["filesystems", RootStrategy.partitionPath, "path"])] = .string("/")
      entity[FieldPath(["filesystems", RootStrategy.partitionPath, "wipe_filesystem"])] = .scalar("true", .bool)
    }
  }

  private static func removeDiskLayout(from entity: inout Entity) {
    entity[FieldPath(["filesystems", partitionPath])] = nil
    if case .map(let disks)? = entity[FieldPath(["disks"])] {
      for (disk, _) in disks {
        entity[FieldPath(["disks", disk, "partitions", partitionLabel])] = nil
        if case .map(let rest)? = entity[FieldPath(["disks", disk])],
           rest.keys.allSatisfy({ $0 == "wipe_table" || $0 == "partitions" }),
           entity[FieldPath(["disks", disk, "partitions"])] == nil {
          entity[FieldPath(["disks", disk])] = nil
        }
      }
    }
  }

  /// The strategy a node or profile has, read back from Warewulf's fields.
  static func read(_ owner: EntityRef) throws -> RootStrategy {
    var failure: Error?
    let strategy = read { path in
      do { return try owner.effective(path) } catch { failure = error; return nil }
    }
    if let failure { throw failure }
    return strategy
  }

  /// The strategy an entity's own fields describe, or nil if it sets none.
  static func own(_ entity: Entity) -> RootStrategy? {
    guard entity[FieldPath(["root"])] != nil else { return nil }
    return read { entity[$0] }
  }

  /// Reads `root`, and the disk layout it names, through `lookup` (see `RootLayout`).
  static func read(_ lookup: (FieldPath) -> ConfValue?) -> RootStrategy {
    let layout = RootLayout.read(lookup)
    return RootStrategy(Kind(rawValue: layout.kind.rawValue) ?? .device, device: layout.device)
  }

  /// The state with every root strategy folded into one `root` value
  /// (`xfs(/dev/nvme0n1)`) and its disk layout removed, so a diff says
  /// `root initramfs() → xfs(/dev/nvme0n1)` instead of listing partitions.
  static func foldedForDiff(_ state: ClusterState) -> ClusterState {
    var out = state
    func fold(_ entity: inout Entity, isNode: Bool) {
      let strategy = own(entity) ?? (isNode ? RootStrategy(.initramfs) : nil)
      guard let strategy else { return }
      removeDiskLayout(from: &entity)
      entity[FieldPath(["root"])] = .string(strategy.inlineDescription)
    }
    for id in out.cluster.nodes.keys { fold(&out.cluster.nodes[id]!, isNode: true) }
    for id in out.cluster.profiles.keys { fold(&out.cluster.profiles[id]!, isNode: false) }
    return out
  }
}

/// An NFS mount on a node: `mount(export, at: "/opt", options: "ro")`.
/// Stored under Howl's own `mounts` key (a list, inherited by appending).
final class MountValue: HostObject {
  let source: String
  let at: String
  let options: String

  init(source: String, at: String, options: String) {
    self.source = source
    self.at = at
    self.options = options
  }

  var typeName: String { "mount" }
  var memberNames: [String] { ["source", "at", "options"] }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "source": return .string(source)
    case "at": return .string(at)
    case "options": return .string(options)
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String { "mount(\(source), at: \(Value.quote(at))\(options == MountValue.defaultOptions ? "" : ", options: \(Value.quote(options))"))" }

  func isEqual(to other: HostObject) -> Bool {
    guard let o = other as? MountValue else { return false }
    return (o.source, o.at, o.options) == (source, at, options)
  }

  static let defaultOptions = "defaults"

  var conf: ConfValue {
    .map(["source": .string(source), "at": .string(at), "options": .string(options)])
  }

  /// `mount(export_or_source, at:, options:)`.
  static func make(_ args: Arguments) throws -> Value {
    try args.expect("mount", count: 1...1, labels: ["at", "options"])
    let source: String
    switch args[0] {
    case .object(let export as ExportRef): source = export.name
    case .string(let s) where !s.isEmpty: source = s
    default: throw LangError("mount() needs an export or a source such as \"server:/path\", not \(args[0].repr)")
    }
    guard let at = args.named("at")?.stringValue, at.hasPrefix("/") else {
      throw LangError("mount() needs an absolute mount point: mount(…, at: \"/opt\")")
    }
    let options = try args.named("options").map { try ClusterFunctions.text($0, "mount options") } ?? defaultOptions
    return .object(MountValue(source: source, at: at, options: options))
  }

  static func list(_ conf: ConfValue?) throws -> Value {
    guard case .list(let items)? = conf else { return .list([]) }
    return .list(items.compactMap { item -> Value? in
      guard case .map(let m) = item, let source = m["source"]?.stringValue, let at = m["at"]?.stringValue else { return nil }
      return .object(MountValue(source: source, at: at, options: m["options"]?.stringValue ?? defaultOptions))
    })
  }

  static func conf(_ value: Value) throws -> [ConfValue] {
    switch value {
    case .null: return []
    case .object(let m as MountValue): return [m.conf]
    case .list(let l):
      return try l.items.map {
        guard case .object(let m as MountValue) = $0 else { throw LangError("mounts holds mount(…) values, not \($0.typeName)") }
        return m.conf
      }
    default: throw LangError("mounts holds a list of mount(…) values, not \(value.typeName)")
    }
  }
}
