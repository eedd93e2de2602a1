import Foundation
import Runtime
@testable import Services

/// Helpers the services tests share: a cluster in a scratch `HOWL_ROOT`,
/// commands with timeouts, a running `howl serve`, network namespaces.
enum Fixture {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static var howl: String { packageRoot.appendingPathComponent(".build/debug/howl").path }
  static var stdlibIPXE: String { packageRoot.appendingPathComponent("stdlib/ipxe").path }

  /// This process's environment with `HOWL_ROOT` = `root` and the source
  /// tree's standard library: what a `howl` the tests start runs with.
  static func environment(root: String) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["HOWL_ROOT"] = root
    environment["HOWL_STDLIB"] = packageRoot.appendingPathComponent("stdlib").path
    // Stage-one programs of other architectures, if a test puts some there (scripts/lab/stage1-tools).
    environment["HOWL_STAGE1_TOOLS"] = root + "/stage1-tools"
    return environment
  }

  static let mac1 = "52:54:00:77:00:11"
  static let mac2 = "52:54:00:77:00:12"

  /// A cluster of two nodes on 10.77.0.0/24, n1 with an asset key when asked.
  static func state(assetKey: String? = nil, discoverable: Bool = false, server: ServerConfig = ServerConfig()) -> ClusterState {
    var cluster = ClusterConfig.fresh
    cluster.profiles["default"] = Entity(fields: [
      "image name": .string("img1"),
      "system overlay": .strings(["wwinit"]),
      "kernel": .map(["args": .strings(["console=ttyS0", "quiet"])]),
    ])
    func node(_ mac: String?, _ ip: String) -> Entity {
      var device: [String: ConfValue] = ["ipaddr": .string(ip), "netmask": .string("255.255.255.0"), "gateway": .string("10.77.0.254")]
      if let mac { device["hwaddr"] = .string(mac) }
      return Entity(fields: ["profiles": .strings(["default"]), "network devices": .map(["default": .map(.init(uniqueKeysWithValues: device.sorted { $0.key < $1.key }))])])
    }
    cluster.nodes["n1"] = node(mac1, "10.77.0.11")
    if let assetKey { cluster.nodes["n1"]?.fields["asset key"] = .string(assetKey) }
    cluster.nodes["n2"] = node(discoverable ? nil : mac2, "10.77.0.12")
    if discoverable { cluster.nodes["n2"]?.fields["discoverable"] = .scalar("true", .bool) }
    return ClusterState(cluster: cluster, server: server)
  }

  static func settings(_ server: ServerConfig = ServerConfig()) -> ServeSettings {
    var settings = ServeSettings(server: server, root: "/")
    settings.address = IPv4("10.77.0.1") ?? .zero
    settings.netmask = IPv4("255.255.255.0") ?? .zero
    return settings
  }
}

/// A scratch `HOWL_ROOT` with a committed cluster and boot artefacts.
final class ScratchRoot {
  let path: String

  /// The artefacts written here are stand-ins, so `autobuild overlays` is
  /// turned off: `howl serve` must serve them as they are.
  init(state: ClusterState) throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("howl-services-\(UUID().uuidString)").path
    let store = Store(root: path)
    var state = state
    state.server.autobuildOverlays = false
    _ = try store.commit(base: try store.load(), state: state)
    let paths = BootPaths(root: path)
    try write(paths.images + "/img1/rootfs/boot/vmlinuz-6.1.0-9-amd64", Data("old kernel".utf8))
    try write(paths.images + "/img1/rootfs/boot/vmlinuz-6.1.0-10-amd64", Data("new kernel".utf8))
    try write(paths.provision + "/images/img1.img", Data("image".utf8))
    var image = Data(count: 3_000_000)
    for index in stride(from: 0, to: image.count, by: 4096) { image[index] = UInt8(index / 4096 % 251) }
    try write(paths.provision + "/images/img1.img.gz", image)
    for node in ["n1", "n2"] {
      try write(paths.provision + "/overlays/\(node)/__SYSTEM__.img.gz", Data("system \(node)".utf8))
      try write(paths.provision + "/overlays/\(node)/__RUNTIME__.img.gz", Data("runtime \(node)".utf8))
    }
    try write(paths.tftpRoot + "/warewulf/small.bin", Data((0..<1000).map { UInt8($0 % 256) }))
    var big = Data(count: 5_000_000)
    for index in stride(from: 0, to: big.count, by: 997) { big[index] = UInt8(index % 253) }
    try write(paths.tftpRoot + "/warewulf/big.bin", big)
    try write(path + "/outside/secret", Data("secret".utf8))
    try FileManager.default.createSymbolicLink(atPath: paths.tftpRoot + "/escape", withDestinationPath: path + "/outside/secret")
  }

  func write(_ file: String, _ data: Data) throws {
    try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try data.write(to: URL(fileURLWithPath: file))
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a command to completion with a timeout (SIGKILL after it); returns
/// its status and output (stdout and stderr together).
@discardableResult
func run(_ arguments: [String], timeout: TimeInterval = 20, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = arguments
  if let environment { process.environment = environment }
  let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("howl-run-\(UUID().uuidString)").path
  _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
  defer { try? FileManager.default.removeItem(atPath: outputPath) }
  let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
  defer { try? output.close() }
  process.standardOutput = output
  process.standardError = output
  let exited = DispatchSemaphore(value: 0)
  process.terminationHandler = { _ in exited.signal() }
  try process.run()
  if exited.wait(timeout: .now() + timeout) != .success {
    kill(process.processIdentifier, SIGKILL)
    _ = exited.wait(timeout: .now() + 5)
  }
  let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
  return (process.isRunning ? -1 : process.terminationStatus, text)
}

/// A `howl serve` process; stopped with SIGTERM (then SIGKILL) when released.
final class ServeProcess {
  let process = Process()
  let logPath: String

  /// Starts `howl serve ARGS` (inside `netns` if given) and waits until the log says it serves.
  init(root: String, arguments: [String], netns: String? = nil) throws {
    logPath = root + "/serve.log"
    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    process.executableURL = URL(fileURLWithPath: netns == nil ? Fixture.howl : "/usr/sbin/ip")
    process.arguments = (netns.map { ["netns", "exec", $0, Fixture.howl] } ?? []) + ["serve"] + arguments
    process.environment = Fixture.environment(root: root)
    process.standardOutput = logHandle
    process.standardError = logHandle
    try process.run()
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline {
      if log(contains: "serving:") { return }
      if !process.isRunning { break }
      usleep(50_000)
    }
    stop()
    throw TestFailure("howl serve did not start:\n\(self.log)")
  }

  var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
  func log(contains text: String) -> Bool { log.contains(text) }

  /// Waits up to `timeout` for `text` in the log.
  func waitForLog(_ text: String, timeout: TimeInterval = 10) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if log(contains: text) { return true }
      usleep(50_000)
    }
    return false
  }

  /// SIGTERM, then waits; SIGKILL after 10 s. Returns the exit status.
  @discardableResult
  func stop() -> Int32? {
    guard process.isRunning else { return process.terminationStatus }
    process.terminate()
    let deadline = Date().addingTimeInterval(10)
    while process.isRunning && Date() < deadline { usleep(50_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    return process.terminationStatus
  }

  deinit { stop() }
}

/// A failure with a message.
struct TestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Two network namespaces joined by a veth pair: `server` holds `vs0`
/// (10.77.0.1/24), `client` holds `vc0` with the given MAC. Removed on release.
final class VethPair {
  let server: String
  let client: String

  init(clientMAC: String) throws {
    let tag = String(getpid() % 100_000) + "-" + String(UInt16.random(in: 0...9999))
    server = "howltest-s\(tag)"
    client = "howltest-c\(tag)"
    let steps: [[String]] = [
      ["ip", "netns", "add", server], ["ip", "netns", "add", client],
      ["ip", "-n", server, "link", "set", "lo", "up"], ["ip", "-n", client, "link", "set", "lo", "up"],
      ["ip", "-n", server, "link", "add", "vs0", "type", "veth", "peer", "name", "vc0", "netns", client],
      ["ip", "-n", client, "link", "set", "vc0", "address", clientMAC],
      ["ip", "-n", server, "addr", "add", "10.77.0.1/24", "dev", "vs0"],
      ["ip", "-n", server, "link", "set", "vs0", "up"], ["ip", "-n", client, "link", "set", "vc0", "up"],
    ]
    for step in steps {
      let result = try run(step, timeout: 10)
      if result.status != 0 {
        remove()
        throw TestFailure("\(step.joined(separator: " ")): \(result.output)")
      }
    }
  }

  func setClientMAC(_ mac: String) throws {
    try run(["ip", "-n", client, "link", "set", "vc0", "down"])
    try run(["ip", "-n", client, "link", "set", "vc0", "address", mac])
    try run(["ip", "-n", client, "link", "set", "vc0", "up"])
  }

  private func remove() {
    _ = try? run(["ip", "netns", "del", client], timeout: 10)
    _ = try? run(["ip", "netns", "del", server], timeout: 10)
  }

  deinit { remove() }
}
