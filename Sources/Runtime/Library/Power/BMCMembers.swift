import Lang

/// The BMC members of a node and of a node set: `power`, `boot_once`,
/// `sensors`, `console`. `EntityRef` and `NodeSet` ask here first.
enum BMCMembers {
  static let names = ["power", "boot_once", "sensors", "console"]
  static let bootDevices = ["pxe", "disk", "cdrom", "bios"]

  /// The member `name` of the nodes `ids` (`single` for one node rather
  /// than a set), or nil if `name` is not a BMC member.
  static func member(_ name: String, ids: [String], single: Bool, _ cluster: ClusterContext) -> Value? {
    switch name {
    case "power":
      return .object(PowerView(cluster, ids: ids, single: single))
    case "boot_once":
      return .function(NativeFunction("boot_once") { _, args in
        try args.expect("boot_once", count: 1...1, labels: ["persistent", "fanout", "timeout"])
        let device = try ClusterFunctions.text(args[0], "boot_once()'s device")
        guard bootDevices.contains(device) else {
          throw LangError("boot_once() takes \(bootDevices.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(device)\"",
                          suggestion: Suggestions.didYouMean(device, among: bootDevices))
        }
        var persistent = false
        if let v = args.named("persistent") {
          guard case .bool(let b) = v else { throw LangError("persistent: is true or false") }
          persistent = b
        }
        let fanout = try CallOptions.fanout(args, default: BMCOperation.defaultFanout)
        let timeout = try CallOptions.timeout(args, default: BMCOperation.defaultTimeout)
        let action = BMCAction.bootOnce(device: device, persistent: persistent)
        if single {
          _ = try BMCOperation.single(action, ids[0], cluster, timeout: timeout)
          return .null
        }
        return .object(try BMCOperation.result(action, ids, cluster, fanout: fanout, timeout: timeout))
      })
    case "sensors":
      return .function(NativeFunction("sensors") { _, args in
        try args.expect("sensors", count: 0...0, labels: ["timeout"])
        guard single || ids.count == 1 else {
          throw LangError("sensors() reads one node's BMC", suggestion: "for n in nodes[…] { print(n.sensors()) }")
        }
        let timeout = try CallOptions.timeout(args, default: BMCOperation.defaultTimeout)
        let target = try BMCOperation.targets(ids, cluster)[0]
        guard !target.ipaddr.isEmpty else { throw LangError("\(ids[0]) has no BMC address (set ipmi.ipaddr)") }
        do {
          return .object(SensorTable(node: ids[0], try BMCOperation.controller(cluster).sensors(target, timeout: timeout)))
        } catch let error as LangError {
          throw error
        } catch {
          throw LangError("\(ids[0]): sensors failed: \(error)")
        }
      })
    case "console":
      return .function(NativeFunction("console") { _, args in
        try args.expect("console", count: 0...0)
        guard single || ids.count == 1 else {
          throw LangError("console() attaches to one node", suggestion: "use node \"\(ids.first ?? "n1")\"; node.console()")
        }
        let target = try BMCOperation.targets(ids, cluster)[0]
        guard !target.ipaddr.isEmpty else { throw LangError("\(ids[0]) has no BMC address (set ipmi.ipaddr)") }
        do {
          try BMCOperation.controller(cluster).attachConsole(target)
        } catch let error as LangError {
          throw error
        } catch {
          throw LangError("\(ids[0]): console failed: \(error)")
        }
        return .null
      })
    default:
      return nil
    }
  }
}

/// `node.sensors()`: the BMC's sensors as a table.
final class SensorTable: HostObject {
  let node: String
  let sensors: [BMCSensor]

  init(node: String, _ sensors: [BMCSensor]) {
    self.node = node
    self.sensors = sensors
  }

  var typeName: String { "sensors" }
  var count: Int? { sensors.count }

  func elements(in interpreter: Interpreter) throws -> [Value] {
    sensors.map { s in
      .map(MapRef(OrderedMap([(.string("name"), .string(s.name)), (.string("value"), .string(s.value)),
                              (.string("unit"), .string(s.unit)), (.string("status"), .string(s.status))])))
    }
  }

  var blockDescription: String {
    guard !sensors.isEmpty else { return "\(node): the BMC reports no sensors" }
    return TextTable(header: ["SENSOR", "VALUE", "UNIT", "STATUS"], rows: sensors.map { [$0.name, $0.value, $0.unit, $0.status] }).render()
  }

  var inlineDescription: String { "<sensors of \(node): \(sensors.count)>" }
}
