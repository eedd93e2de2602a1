import Foundation
import Remote
import Runtime

/// The BMC controller for nodes whose `ipmi.tags.protocol` is `redfish`:
/// Howl's own HTTPS client against the node's ComputerSystem. Power is its
/// `ComputerSystem.Reset` action and `PowerState`, the boot device its
/// `Boot.BootSourceOverride…` properties, sensors its Chassis' `Thermal` and
/// `Power` resources.
public final class RedfishController: BMCController {
  private let client = HTTPSClient()

  public init() {}

  /// What each power operation asks for. `cycle` is `PowerCycle`, or
  /// `ForceRestart` where the system does not offer `PowerCycle`.
  static func resetType(_ action: PowerAction) -> String {
    switch action {
    case .on: return "On"
    case .off: return "ForceOff"
    case .soft: return "GracefulShutdown"
    case .reset: return "ForceRestart"
    case .cycle: return "PowerCycle"
    case .status: return ""
    }
  }

  /// Redfish's `BootSourceOverrideTarget` for each of `boot_once`'s devices.
  static let bootTargets = ["pxe": "Pxe", "disk": "Hdd", "cdrom": "Cd", "bios": "BiosSetup"]

  public func commandLine(_ action: BMCAction, for target: BMCTarget) throws -> String {
    let endpoint = try RedfishEndpoint(target)
    let system = endpoint.system ?? "/redfish/v1/Systems/{the one in /redfish/v1/Systems}"
    let request: String
    switch action {
    case .power(.status): request = "GET \(endpoint.url(system)) PowerState"
    case .power(let p): request = "POST \(endpoint.url(system + "/Actions/ComputerSystem.Reset")) {\"ResetType\":\"\(Self.resetType(p))\"}"
    case .bootOnce(let device, let persistent):
      request = "PATCH \(endpoint.url(system)) {\"Boot\":{\"BootSourceOverrideEnabled\":\"\(persistent ? "Continuous" : "Once")\",\"BootSourceOverrideTarget\":\"\(Self.bootTargets[device] ?? device)\"}}"
    case .sensors: request = "GET \(endpoint.url(system)) Links.Chassis, then its Thermal and Power"
    case .console: throw Self.noConsole(target)
    }
    return "\(request) as \(endpoint.username.isEmpty ? "no user" : endpoint.username) (password \(Secrets.mask))\(Self.trust(endpoint.trust))"
  }

  /// How `commandLine` says which certificates are accepted.
  static func trust(_ trust: HTTPSClient.Trust) -> String {
    switch trust {
    case .system: return ""
    case .authorities(let file): return ", certificate verified against \(file)"
    case .anything: return ", certificate not verified"
    }
  }

  public func perform(_ action: BMCAction, on targets: [BMCTarget], fanout: Int, timeout: Double) -> [BMCReply] {
    Fanout.map(targets.count, width: max(1, fanout)) { [client] i in
      do {
        let session = RedfishSession(try RedfishEndpoint(targets[i]), client: client, timeout: timeout)
        return .ok(try Self.run(action, session))
      } catch {
        return .failed("\(error)")
      }
    }
  }

  static func run(_ action: BMCAction, _ session: RedfishSession) throws -> String {
    let path = try session.systemPath()
    switch action {
    case .power(.status):
      let state = try session.get(path)["PowerState"] as? String
      switch state {
      case "On"?: return "on"
      case "Off"?: return "off"
      case let other?: return other.lowercased()
      case nil: throw BMCError("BMC \(session.endpoint.address): \(path) has no PowerState")
      }
    case .power(let p):
      let system = try session.get(path)
      let reset = (system["Actions"] as? RedfishSession.Object)?["#ComputerSystem.Reset"] as? RedfishSession.Object
      var type = resetType(p)
      if p == .cycle, let offered = reset?["ResetType@Redfish.AllowableValues"] as? [String], !offered.contains(type) {
        type = "ForceRestart"
      }
      try session.post(reset?["target"] as? String ?? path + "/Actions/ComputerSystem.Reset", ["ResetType": type])
      return p.rawValue
    case .bootOnce(let device, let persistent):
      guard let target = bootTargets[device] else { throw BMCError("Redfish has no boot device \"\(device)\"") }
      try session.patch(path, ["Boot": ["BootSourceOverrideTarget": target, "BootSourceOverrideEnabled": persistent ? "Continuous" : "Once"]])
      return persistent ? "boot \(device)" : "next boot \(device)"
    case .sensors, .console:
      throw BMCError("\(action.description) is not a fanout request")
    }
  }

  public func sensors(_ target: BMCTarget, timeout: Double) throws -> [BMCSensor] {
    let session = RedfishSession(try RedfishEndpoint(target), client: client, timeout: timeout)
    return try RedfishSensors.read(session)
  }

  public func attachConsole(_ target: BMCTarget) throws { throw Self.noConsole(target) }

  static func noConsole(_ target: BMCTarget) -> BMCError {
    BMCError("\(target.node)'s BMC is reached through Redfish, which has no standard serial console; console() needs ipmi.tags.protocol = \"ipmi\"")
  }
}
