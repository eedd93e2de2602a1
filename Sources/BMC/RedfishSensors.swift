import Foundation
import Runtime

/// A system's sensors through Redfish: its chassis' `Thermal` (temperatures
/// and fans) and `Power` (voltages and power use), or, where it has neither,
/// the newer `Sensors` collection.
enum RedfishSensors {
  typealias Object = RedfishSession.Object

  static func read(_ session: RedfishSession) throws -> [BMCSensor] {
    let system = try session.get(try session.systemPath())
    let linked = RedfishSession.links((system["Links"] as? Object)?["Chassis"])
    guard let chassisPath = try linked.first ?? session.members(of: "/redfish/v1/Chassis").first else {
      throw BMCError("BMC \(session.endpoint.address) has no chassis")
    }
    let chassis = try session.get(chassisPath)
    func link(_ key: String) -> String? { (chassis[key] as? Object)?["@odata.id"] as? String }
    var sensors: [BMCSensor] = []
    if let thermal = try link("Thermal").map(session.get) {
      sensors += list(thermal["Temperatures"]).map { sensor($0, "ReadingCelsius", unit: "degrees C") }
      sensors += list(thermal["Fans"]).map { sensor($0, "Reading", unit: $0["ReadingUnits"] as? String ?? "") }
    }
    if let power = try link("Power").map(session.get) {
      sensors += list(power["PowerControl"]).map { sensor($0, "PowerConsumedWatts", unit: "Watts") }
      sensors += list(power["Voltages"]).map { sensor($0, "ReadingVolts", unit: "Volts") }
    }
    if sensors.isEmpty, let collection = link("Sensors") {
      sensors = try session.members(of: collection).map { sensor(try session.get($0), "Reading", unit: nil) }
    }
    return sensors
  }

  static func list(_ value: Any?) -> [Object] { value as? [Object] ?? [] }

  /// One reading as ipmitool shows it: `na` where there is none, the health in lower case.
  static func sensor(_ object: Object, _ reading: String, unit: String?) -> BMCSensor {
    let name = object["Name"] as? String ?? object["FanName"] as? String ?? object["MemberId"] as? String ?? "?"
    let value: String
    switch object[reading] {
    case let number as NSNumber: value = number.doubleValue == number.doubleValue.rounded() ? String(number.intValue) : String(number.doubleValue)
    case let text as String: value = text
    default: value = "na"
    }
    let health = ((object["Status"] as? Object)?["Health"] as? String)?.lowercased() ?? "na"
    return BMCSensor(name: name, value: value, unit: unit ?? object["ReadingUnits"] as? String ?? "", status: health)
  }
}
