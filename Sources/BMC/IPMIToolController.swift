import Foundation
import Remote
import Runtime

/// The BMC controller `howl` installs: each request is the node's BMC
/// template (Warewulf's `ipmitool.tmpl` behaviour by default, or the site's
/// own) rendered into a command line and run by `/bin/sh`, as Warewulf runs it.
public final class IPMIToolController: BMCController {
  let templates: BMCTemplates

  /// `templateDirectories`: where `ipmi.template` names are looked up, in order.
  public init(templateDirectories: [String]) {
    templates = BMCTemplates(directories: templateDirectories)
  }

  public func commandLine(_ action: BMCAction, for target: BMCTarget) throws -> String {
    try templates.commandLine(action, for: target, masked: true)
  }

  public func perform(_ action: BMCAction, on targets: [BMCTarget], fanout: Int, timeout: Double) -> [BMCReply] {
    // Rendered here, on the caller's thread; only command lines and replies cross threads.
    let lines: [Result<String, Error>] = targets.map { target in Result { try templates.commandLine(action, for: target) } }
    return Fanout.map(targets.count, width: max(1, fanout)) { i in
      switch lines[i] {
      case .failure(let error): return .failed("\(error)")
      case .success(let line): return Self.run(line, action, targets[i], timeout: timeout)
      }
    }
  }

  static func run(_ line: String, _ action: BMCAction, _ target: BMCTarget, timeout: Double) -> BMCReply {
    let outcome: TimedCommand.Outcome
    do { outcome = try TimedCommand.run(line, timeout: timeout) } catch { return .failed("\(error)") }
    let output = BMCTemplates.masking(target.password, in: outcome.output)
    if outcome.timedOut { return .failed("BMC \(target.address) did not answer in \(TimedCommand.seconds(timeout))") }
    guard outcome.status == 0 else { return .failed(IPMIToolReplies.failure(output, status: outcome.status, target)) }
    return IPMIToolReplies.outcome(action, output)
  }

  public func sensors(_ target: BMCTarget, timeout: Double) throws -> [BMCSensor] {
    let line = try templates.commandLine(.sensors, for: target)
    switch Self.run(line, .sensors, target, timeout: timeout) {
    case .failed(let message): throw BMCError(message)
    case .ok(let output): return IPMIToolReplies.sensors(output)
    }
  }

  public func attachConsole(_ target: BMCTarget) throws {
    try ConsoleAttachment.run(try templates.commandLine(.console, for: target), target)
  }
}
