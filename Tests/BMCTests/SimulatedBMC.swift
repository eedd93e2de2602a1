import Foundation
@testable import BMC
import Remote

/// A simulated BMC on loopback: an `ipmi_sim` process (Debian's openipmi)
/// whose chassis is `Tests/Fixtures/bmc/chassis.sh`, keeping the node's
/// power and boot device as files a test can read.
final class SimulatedBMC {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/bmc").path

  let node: String
  let address: String
  let port: Int
  let password: String
  let directory: String
  private var pid: pid_t = 0

  /// `sol`: the serial device of the node's console, for Serial-over-LAN.
  /// `debug`: ipmi_sim logs each datagram it receives (`received`); it then
  /// needs a console on its stdin, a pipe from `sleep` here.
  init(node: String, address: String, port: Int, in scratch: String, user: String = "admin", password: String = "s3cret",
       sol: String? = nil, debug: Bool = false) throws {
    self.node = node
    self.address = address
    self.port = port
    self.password = password
    directory = scratch + "/bmc-" + node
    try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
    let auths = "none md2 md5 straight"
    let conf = """
      name "\(node)-bmc"
      set_working_mc 0x20
        startlan 1
          addr \(address) \(port)
          priv_limit admin
          allowed_auths_callback \(auths)
          allowed_auths_user \(auths)
          allowed_auths_operator \(auths)
          allowed_auths_admin \(auths)
          guid a123456789abcdefa123456789abcdef
        endlan
        chassis_control "\(SimulatedBMC.fixtures)/chassis.sh \(node) \(directory)/chassis"
        \(sol.map { "sol \"\($0)\" 115200" } ?? "")
        user 2 true "\(user)" "\(password)" admin 10 \(auths)

      """
    try conf.write(toFile: directory + "/lan.conf", atomically: true, encoding: .utf8)
    // Started with no signals blocked (the test process blocks most), in a
    // process group of its own, so that it and what it starts (a VM) stop.
    let log = open(directory + "/ipmi_sim.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    defer { close(log) }
    let simulator = "/usr/bin/ipmi_sim -c \(directory)/lan.conf -f \(SimulatedBMC.fixtures)/bmc.emu -s \(directory)/state"
    pid = try ShellSpawn.start(debug ? "sleep 3600 | \(simulator) -d" : "exec \(simulator) -n",
                               ownGroup: true, defaults: [SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD], output: log)
  }

  /// The chassis' value of `key` (`power`: "0"/"1", `boot`: "pxe", …).
  func chassis(_ key: String) -> String? {
    (try? String(contentsOfFile: directory + "/chassis/" + key, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The datagrams a `debug` BMC received, each as its hex bytes (`06 00 ff 07 …`).
  var received: [String] {
    let log = (try? String(contentsOfFile: directory + "/ipmi_sim.log", encoding: .utf8)) ?? ""
    let lines = log.split(separator: "\n").map(String.init)
    return zip(lines, lines.dropFirst()).compactMap { $0.contains("Receive message") ? $1.trimmingCharacters(in: .whitespaces) : nil }
  }

  /// What ipmitool itself reads from this BMC (the peer's view).
  func ipmitool(_ arguments: [String]) throws -> String {
    try Run.program("/usr/bin/ipmitool", ["-I", "lanplus", "-C", "3", "-H", address, "-p", String(port), "-U", "admin", "-P", password] + arguments).output
  }

  /// Waits until the BMC answers (ipmi_sim takes a moment to listen).
  func waitUntilReady() throws {
    for _ in 0..<50 {
      if (try? ipmitool(["mc", "info"]))?.contains("Device ID") == true { return }
      Thread.sleep(forTimeInterval: 0.1)
    }
    throw TestFailure("the simulated BMC of \(node) on port \(port) did not start")
  }

  func stop() {
    guard pid > 0 else { return }
    kill(-pid, SIGKILL)
    _ = ShellSpawn.wait(pid)
    pid = 0
  }

  deinit { stop() }
}

/// A UDP port that takes packets and never answers: a BMC that is down
/// while its address still routes.
final class SilentBMC {
  private let fd: Int32

  init(address: String, port: Int) throws {
    fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    var socketAddress = sockaddr_in()
    socketAddress.sin_family = sa_family_t(AF_INET)
    socketAddress.sin_addr.s_addr = inet_addr(address)
    socketAddress.sin_port = UInt16(port).bigEndian
    let bound = withUnsafePointer(to: &socketAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard bound == 0 else { throw TestFailure("bind failed") }
  }

  deinit { close(fd) }
}

struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Running programs: the built `howl` on a scratch cluster, and peers.
enum Run {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static var howl: String { packageRoot.appendingPathComponent(".build/debug/howl").path }

  static func program(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                      input: String? = nil) throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let errorsReader = Thread.detachedRead(stderr)
    let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output, errorsReader.wait())
  }

  /// `howl -c TEXT` (or a script file) with HOWL_ROOT = `root`.
  static func howl(_ text: String, root: String) throws -> (status: Int32, output: String, errors: String) {
    let script = root + "/script-\(UUID().uuidString).howl"
    try text.write(toFile: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: script) }
    var environment = ProcessInfo.processInfo.environment
    environment["HOWL_ROOT"] = root
    environment["HOWL_STDLIB"] = packageRoot.appendingPathComponent("stdlib").path
    environment["NO_COLOR"] = "1"
    return try program(howl, [script], environment: environment)
  }
}

extension Thread {
  /// Reads a pipe to its end on another thread (so two pipes cannot deadlock).
  final class PipeRead: @unchecked Sendable {
    private var text = ""
    private let done = DispatchSemaphore(value: 0)
    init(_ pipe: Pipe) {
      Thread.detachNewThread { [self] in
        text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        done.signal()
      }
    }
    func wait() -> String { done.wait(); return text }
  }

  static func detachedRead(_ pipe: Pipe) -> PipeRead { PipeRead(pipe) }
}

/// A scratch directory for one test, removed at the end.
final class Scratch {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("howl-bmc-\(UUID().uuidString)").path
  init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
  deinit { try? FileManager.default.removeItem(atPath: path) }
}
