/// What talks to the nodes' BMCs. Runtime knows no processes or sockets:
/// the `howl` executable installs an implementation (the `BMC` module's,
/// through `ipmitool` or Redfish) into `ClusterContext.bmc`.
///
/// Everything here is plain data, safe to hand to other threads: an
/// implementation works off the interpreter's thread and returns results.
public protocol BMCController: AnyObject {
  /// The exact command line `action` runs for `target`, the password masked.
  func commandLine(_ action: BMCAction, for target: BMCTarget) throws -> String
  /// Runs `action` on every target, at most `fanout` at once, each given
  /// `timeout` seconds; one reply per target, in order. Never throws: a
  /// failure is that target's reply.
  func perform(_ action: BMCAction, on targets: [BMCTarget], fanout: Int, timeout: Double) -> [BMCReply]
  /// The BMC's sensors.
  func sensors(_ target: BMCTarget, timeout: Double) throws -> [BMCSensor]
  /// Serial-over-LAN attached to this process's terminal until the user
  /// types the escape sequence; the terminal is restored however it ends.
  func attachConsole(_ target: BMCTarget) throws
}

/// What to ask of a BMC.
public enum BMCAction: Sendable, Equatable {
  case power(PowerAction)
  /// The next boot's device (`pxe`, `disk`), for one boot or for good.
  case bootOnce(device: String, persistent: Bool)
  case sensors
  case console

  /// The name a BMC template sees as `.Cmd` (Warewulf's names, and Howl's
  /// `BootOnce` for the boot device).
  public var templateCommand: String {
    switch self {
    case .power(let p): return p.templateCommand
    case .bootOnce: return "BootOnce"
    case .sensors: return "SensorList"
    case .console: return "Console"
    }
  }

  /// How the action reads in messages: `power on`, `boot_once("pxe")`.
  public var description: String {
    switch self {
    case .power(let p): return "power \(p.rawValue)"
    case .bootOnce(let device, let persistent): return "boot_once(\"\(device)\"\(persistent ? ", persistent: true" : ""))"
    case .sensors: return "sensors"
    case .console: return "console"
    }
  }
}

/// The power operations of `node.power`.
public enum PowerAction: String, CaseIterable, Sendable {
  case on, off, cycle, reset, soft, status

  public var templateCommand: String {
    switch self {
    case .on: return "PowerOn"
    case .off: return "PowerOff"
    case .cycle: return "PowerCycle"
    case .reset: return "PowerReset"
    case .soft: return "PowerSoft"
    case .status: return "PowerStatus"
    }
  }
}

/// One node's BMC settings (its merged `ipmi` fields), as plain data.
public struct BMCTarget: Sendable, Equatable {
  public var node: String
  public var ipaddr: String
  public var username: String
  public var password: String
  public var interface: String
  public var port: String
  public var escapechar: String
  public var netmask: String
  public var gateway: String
  public var write: Bool
  public var template: String
  public var tags: [String: String]

  public init(node: String, ipaddr: String = "", username: String = "", password: String = "", interface: String = "",
              port: String = "", escapechar: String = "", netmask: String = "", gateway: String = "", write: Bool = false,
              template: String = "", tags: [String: String] = [:]) {
    self.node = node
    self.ipaddr = ipaddr
    self.username = username
    self.password = password
    self.interface = interface
    self.port = port
    self.escapechar = escapechar
    self.netmask = netmask
    self.gateway = gateway
    self.write = write
    self.template = template
    self.tags = tags
  }

  /// How messages name the BMC: `10.0.1.41`, or `127.0.0.1:6230` on another port.
  public var address: String { port.isEmpty || port == "623" ? ipaddr : "\(ipaddr):\(port)" }
}

/// What one BMC answered: the outcome (`on`, `off`, `next boot pxe`) or why it failed.
public enum BMCReply: Sendable, Equatable {
  case ok(String)
  case failed(String)
}

/// One sensor reading.
public struct BMCSensor: Sendable, Equatable {
  public var name: String
  public var value: String
  public var unit: String
  public var status: String

  public init(name: String, value: String, unit: String, status: String) {
    self.name = name
    self.value = value
    self.unit = unit
    self.status = status
  }
}
