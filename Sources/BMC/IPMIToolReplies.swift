import Runtime

/// What ipmitool's answers mean: the outcome of a request, or an error
/// message that names the BMC and says what is likely wrong.
enum IPMIToolReplies {
  static func outcome(_ action: BMCAction, _ output: String) -> BMCReply {
    switch action {
    case .power(.status):
      let lower = output.lowercased()
      if lower.contains("power is on") { return .ok("on") }
      if lower.contains("power is off") { return .ok("off") }
      return .failed("unexpected answer to power status: \(lastLine(output))")
    case .power(let p): return .ok(p.rawValue)
    case .bootOnce(let device, let persistent): return .ok(persistent ? "boot \(device)" : "next boot \(device)")
    case .sensors, .console: return .ok(output)
    }
  }

  static func failure(_ output: String, status: Int32, _ target: BMCTarget) -> String {
    let line = lastLine(output)
    if output.contains("Unable to establish") || output.contains("RAKP") || output.contains("Activate Session") {
      return "BMC \(target.address) refused the session (wrong user name or password, or interface \(target.interface.isEmpty ? "lan" : target.interface) not offered): \(line)"
    }
    if status == 127 { return "cannot run the BMC command: \(line)" }
    return "BMC \(target.address): \(line.isEmpty ? "exit status \(status)" : line)"
  }

  /// ipmitool's `sensor list`: `name | value | unit | status | thresholds…`.
  static func sensors(_ output: String) -> [BMCSensor] {
    output.split(whereSeparator: \.isNewline).compactMap { line in
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 4 else { return nil }
      return BMCSensor(name: cells[0], value: cells[1], unit: cells[2], status: cells[3])
    }
  }

  static func lastLine(_ output: String) -> String {
    output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty } ?? ""
  }
}
