import Foundation
import Testing

/// The boot lab (shared/reference/boot-lab.md, scripts/lab): a network
/// namespace with a bridge and tap devices, a node root file system made by
/// a scripts/lab script, a cluster built from it by a `howl` script, and
/// `howl serve` alone (DHCP, TFTP, HTTP) on
/// the bridge for VMs to boot from.
final class BootLab: @unchecked Sendable {
  /// The lab of the running suite (see `BootLabScope`).
  @TaskLocal static var current: BootLab?

  static let taps = 8
  let namespace = "howllab\(getpid() % 100_000)"
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("howl-lab-\(UUID().uuidString)").path
  private(set) var serve: ServeProcess?
  /// What the cluster script printed.
  private(set) var clusterOutput = ""

  /// `rootfs` names the scripts/lab scripts that make the node root file
  /// systems (each in a directory of the scratch root named after it),
  /// `cluster` the Howl script (a path in the package) that describes the
  /// cluster with them: it gets their directories as `args`, in order.
  /// With `siteDHCP`, the lab also has the site's own DHCP server (Kea,
  /// addresses only; scripts/lab/site-dhcp) with these MAC → address
  /// reservations, and Howl runs in proxyDHCP mode beside it.
  init(rootfs: [String], cluster: String, siteDHCP: [String: String]? = nil) throws {
    do {
      try FileManager.default.createDirectory(atPath: root + "/vm", withIntermediateDirectories: true)
      let trees = rootfs.map { root + "/" + $0 }
      for (script, tree) in zip(rootfs, trees) { try BootLab.script(script, [tree], timeout: 600) }
      clusterOutput = try howl([Fixture.packageRoot.appendingPathComponent(cluster).path] + trees)
      try BootLab.script("netns-up", [namespace, String(BootLab.taps)])
      if let siteDHCP {
        try howl(["-c", "server.dhcp_mode = \"proxy\"\ncommit()"])
        try BootLab.script("site-dhcp", [namespace, root + "/site"] + siteDHCP.map { "\($0.key)=\($0.value)" })
      }
      serve = try ServeProcess(root: root, arguments: ["--interface", "br0"], netns: namespace)
    } catch {
      tearDown()
      throw error
    }
  }

  /// Runs `howl ARGS` on the lab's HOWL_ROOT; throws with its output if it fails.
  @discardableResult
  func howl(_ arguments: [String]) throws -> String {
    let environment = Fixture.environment(root: root)
    let result = try run([Fixture.howl] + arguments, timeout: 300, environment: environment)
    guard result.status == 0 else { throw TestFailure("howl \(arguments.joined(separator: " ")) failed:\n\(result.output)") }
    return result.output
  }

  /// Stops `howl serve` and starts it again `pause` seconds later, as a
  /// sysadmin's restart would; the log of the first run is kept as
  /// `serve-1.log`.
  func restartServe(pause: TimeInterval = 0) throws {
    serve?.stop()
    Thread.sleep(forTimeInterval: pause)
    try? FileManager.default.removeItem(atPath: root + "/serve-1.log")
    try? FileManager.default.moveItem(atPath: root + "/serve.log", toPath: root + "/serve-1.log")
    serve = try ServeProcess(root: root, arguments: ["--interface", "br0"], netns: namespace)
  }

  /// Stops `howl serve` and every VM, removes the namespaces and the scratch root.
  func tearDown() {
    serve?.stop()
    _ = try? BootLab.script("netns-down", [namespace + "-site"])
    _ = try? BootLab.script("netns-down", [namespace])
    try? FileManager.default.removeItem(atPath: root)
  }

  private var remembered: [String: BootReport] = [:]

  /// Like `boot`, but VMs this lab booted before (by name) are not booted
  /// again: their first report is returned. For tests that look at the
  /// same boots from different sides.
  func bootOnce(_ machines: [VirtualMachine]) -> [BootReport] {
    let fresh = machines.filter { remembered[$0.name] == nil }
    for report in boot(fresh) { remembered[report.name] = report }
    return machines.map { remembered[$0.name]! }
  }

  /// Boots the VMs together and returns what each reported, in order.
  func boot(_ machines: [VirtualMachine]) -> [BootReport] {
    guard !machines.isEmpty else { return [] }
    // One slot per VM, each written by the one thread that boots it.
    let reports = UnsafeMutableBufferPointer<BootReport?>.allocate(capacity: machines.count)
    defer { reports.deallocate() }
    reports.initialize(repeating: nil)
    DispatchQueue.concurrentPerform(iterations: machines.count) { index in
      let tap = "tap\(index % BootLab.taps)"
      reports[index] = machines[index].boot(in: self, tap: tap)
    }
    return reports.map { $0! }
  }

  /// Runs scripts/lab/NAME; throws with its output if it fails.
  @discardableResult
  static func script(_ name: String, _ arguments: [String], timeout: TimeInterval = 60,
                     environment: [String: String]? = nil) throws -> String {
    let path = Fixture.packageRoot.appendingPathComponent("scripts/lab/" + name).path
    let result = try run([path] + arguments, timeout: timeout, environment: environment)
    guard result.status == 0 else { throw TestFailure("scripts/lab/\(name) failed (\(result.status)):\n\(result.output)") }
    return result.output
  }
}

/// Brings the boot lab up once around a whole suite, and down after it.
struct BootLabScope: SuiteTrait, TestScoping {
  var rootfs = ["busybox-rootfs"]
  var cluster = "Tests/Fixtures/bootlab/cluster.howl"
  var siteDHCP: [String: String]?
  var isRecursive: Bool { false }

  func provideScope(for test: Test, testCase: Test.Case?,
                    performing function: @Sendable () async throws -> Void) async throws {
    let lab = try BootLab(rootfs: rootfs, cluster: cluster, siteDHCP: siteDHCP)
    defer { lab.tearDown() }
    try await BootLab.$current.withValue(lab) { try await function() }
  }
}

extension Trait where Self == BootLabScope {
  /// The suite runs inside a boot lab (`BootLab.current`).
  static var bootLab: Self { BootLabScope() }

  /// The suite runs inside a boot lab whose busybox nodes are described by `cluster`.
  static func bootLab(cluster: String) -> Self { BootLabScope(cluster: cluster) }

  /// The suite runs inside a boot lab where the site's DHCP server gives
  /// the addresses (these reservations) and Howl answers as proxyDHCP.
  static func bootLab(siteDHCP: [String: String]) -> Self { BootLabScope(siteDHCP: siteDHCP) }

  /// The suite runs inside a boot lab whose busybox image is large
  /// (scripts/lab/busybox-rootfs-large), described by `cluster`.
  static func largeImageBootLab(cluster: String) -> Self { BootLabScope(rootfs: ["busybox-rootfs-large"], cluster: cluster) }

  /// The suite runs inside a boot lab whose nodes boot a Debian image
  /// (scripts/lab/debian-rootfs) described by `cluster`.
  static func debianBootLab(cluster: String) -> Self { BootLabScope(rootfs: ["debian-rootfs"], cluster: cluster) }

  /// The suite runs inside a boot lab whose nodes boot an aarch64 busybox
  /// image (scripts/lab/busybox-rootfs-arm64, the cluster script's
  /// `args[0]`) and an x86_64 one (scripts/lab/busybox-rootfs, `args[1]`),
  /// described by `cluster`.
  static func multiArchBootLab(cluster: String) -> Self {
    BootLabScope(rootfs: ["busybox-rootfs-arm64", "busybox-rootfs"], cluster: cluster)
  }
}
