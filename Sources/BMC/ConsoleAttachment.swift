import Foundation
import Remote
import Runtime

/// Serial-over-LAN on this process's terminal: the console command runs in
/// the foreground (`ForegroundCommand`) until the user types the escape
/// sequence (`~.` by default, the node's `ipmi.escapechar` then `.`).
enum ConsoleAttachment {
  static func run(_ commandLine: String, _ target: BMCTarget) throws {
    let exit = try ForegroundCommand.run(commandLine)
    if exit != 0 {
      throw BMCError("the console of BMC \(target.address) ended with exit status \(exit)")
    }
  }
}
