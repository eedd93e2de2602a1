import Foundation
import Testing
@testable import Runtime

/// Warewulf-style inputs (`Tests/Fixtures/warewulf`: a warewulf.conf, a
/// minimal one, a nodes.conf, a `host` and a `node` overlay of our own)
/// rendered by Howl, against the output Warewulf 4.7 gives for them
/// (`expected/`, written from Warewulf's source: `TemplateStruct`,
/// `config` defaults, `node` methods, `overlay show`).
struct WarewulfCompatibilityTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../Fixtures/warewulf").standardized.path

  /// A scratch HOWL_ROOT holding `conf` as howl.conf, the fixture nodes.conf and both overlays as site overlays.
  final class Root {
    let path: String
    init(conf: String = "warewulf.conf") throws {
      path = FileManager.default.temporaryDirectory.appendingPathComponent("howl-ww-\(UUID().uuidString)").path
      let fm = FileManager.default
      try fm.createDirectory(atPath: path + "/etc/howl", withIntermediateDirectories: true)
      try fm.createDirectory(atPath: path + "/var/lib/howl", withIntermediateDirectories: true)
      try fm.copyItem(atPath: fixtures + "/" + conf, toPath: path + "/etc/howl/howl.conf")
      try fm.copyItem(atPath: fixtures + "/nodes.conf", toPath: path + "/etc/howl/nodes.conf")
      try fm.copyItem(atPath: fixtures + "/overlays", toPath: path + "/var/lib/howl/overlays")
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func builder(_ state: ClusterState? = nil) throws -> OverlayBuilder {
      try OverlayBuilder(state: state ?? Store(root: path).load(), root: path, buildHost: "head",
                         buildTime: Date(timeIntervalSince1970: 1_767_225_600))
    }
  }

  static func expected(_ name: String) throws -> String {
    try String(contentsOfFile: fixtures + "/expected/" + name, encoding: .utf8)
  }

  /// Every file of `overlay` for `node`, each after `==> path`.
  static func rendered(_ overlay: String, for node: String, in root: Root) throws -> String {
    try root.builder().render(overlay: overlay, node: node).map { file in
      switch file.content {
      case .bytes(let bytes): return "==> \(file.path)\n" + String(decoding: bytes, as: UTF8.self)
      case .symlink(let target): return "==> \(file.path) -> \(target)\n"
      }
    }.joined()
  }

  /// Item 1: the `host` overlay renders for the server (a bare node named
  /// after the build host) with `.AllNodes`, as `wwctl overlay show --render host`.
  @Test(arguments: [("warewulf.conf", "host-full.txt"), ("warewulf-minimal.conf", "host-minimal.txt")])
  func hostOverlayRendersForTheServer(conf: String, expected: String) throws {
    let root = try Root(conf: conf)
    #expect(try Self.rendered("host", for: "host", in: root) == Self.expected(expected))
    #expect(try Self.rendered("host", for: "head", in: root) == Self.expected(expected), "the build host's own name")
    #expect(throws: OverlayError.self) { try root.builder().render(overlay: "host", node: "c99") }
  }

  /// A node named `host` is that node, not the server.
  @Test func aNodeNamedHostIsTheNode() throws {
    let root = try Root()
    var state = try Store(root: root.path).load()
    state.cluster.nodes["host"] = state.cluster.nodes["c02"]
    #expect(try root.builder(state).show(overlay: "node", path: "etc/node", node: "host").hasPrefix("host primary=lan\n"))
  }

  /// Items 2, 3, 7, 8: `.Tftp.IpxeBinaries`, the IPv6 settings, the TLS
  /// settings and Warewulf's defaults, from a full and a minimal warewulf.conf.
  @Test(arguments: [("warewulf.conf", "settings-full.txt"), ("warewulf-minimal.conf", "settings-minimal.txt")])
  func serverSettings(conf: String, expected: String) throws {
    let root = try Root(conf: conf)
    #expect(try root.builder().show(overlay: "node", path: "etc/settings", node: "c01") == Self.expected(expected))
  }

  /// Item 3: with IPv6 and no `range6`, dnsmasq's stateless range comes from `.Network6`.
  @Test func ipv6WithoutRange() throws {
    let root = try Root()
    var state = try Store(root: root.path).load()
    state.server.dhcp.rangeStart6 = ""
    state.server.dhcp.rangeEnd6 = ""
    state.server.ipaddr6 = "fd00:20::7"
    state.server.prefixLen6 = "48"
    #expect(try root.builder(state).show(overlay: "host", path: "etc/dnsmasq.d/listen.conf", node: "host") == """
      listen-address=10.20.0.1
      listen-address=fd00:20::7
      dhcp-range=fd00:20::,ra-stateless,48,6h
      dhcp-boot=tag:aarch64,"/warewulf/snp.efi"

      """)
  }

  /// Items 4, 8 and 10: addresses print as Go prints a `net.IP` (`<nil>` when
  /// unset, false in `if`), `.PrimaryNetDev` is the netname in effect,
  /// `Primary` is set in `.ThisNode` (and `.AllNodes`) and lost in the copy at
  /// the top, `FileSystem.WipeFileSystem` and the other flags are methods.
  @Test(arguments: ["c01", "c02"])
  func nodeData(node: String) throws {
    let root = try Root()
    #expect(try root.builder().show(overlay: "node", path: "etc/node", node: node) == Self.expected("node-\(node).txt"))
  }

  /// Item 5: `startMiB` only where `start_mib` is given (and then, as in
  /// Warewulf, the size); a file system's path is always there.
  @Test func ignitionJSON() throws {
    let root = try Root()
    #expect(try root.builder().show(overlay: "node", path: "etc/ignition.json", node: "c01") == Self.expected("ignition-c01.json"))
    #expect(try root.builder().show(overlay: "node", path: "etc/ignition.json", node: "c02") == "\n")
    var state = try Store(root: root.path).load()
    var c01 = state.cluster.nodes["c01"]!
    c01[FieldPath("disks", "/dev/sda", "partitions", "swap", "size_mib")] = .string("lots")
    state.cluster.nodes["c01"] = c01
    #expect(try root.builder(state).show(overlay: "node", path: "etc/ignition.json", node: "c01") == "\n",
            "a size that is no number: no storage, as Warewulf")
  }

  /// Item 6: `Include "warewulf.conf"` gives Howl's settings in Warewulf's
  /// schema, which Howl (and Warewulf's wwclient) read back to the same
  /// values; `nodes.conf` under Warewulf's directory is Howl's nodes.conf.
  @Test(arguments: ["warewulf.conf", "warewulf-minimal.conf"])
  func includeWarewulfFiles(conf: String) throws {
    let root = try Root(conf: conf)
    let server = try Store(root: root.path).load().server
    let included = try root.builder().show(overlay: "node", path: "etc/warewulf/warewulf.conf", node: "c01")
    let back = try ServerConfig.parse(included, file: "warewulf.conf")
    #expect(back.ipaddr == server.ipaddr && back.netmask == server.netmask && back.ipaddr6 == server.ipaddr6)
    #expect(back.prefixLen6 == server.prefixLen6 && back.ports.http == server.ports.http && back.secure == server.secure)
    #expect(back.warewulfOnly.effectiveTLSPort == server.warewulfOnly.effectiveTLSPort)
    #expect(back.warewulfOnly.tls ?? false == server.warewulfOnly.tls ?? false)
    #expect(back.warewulfOnly.effectiveUpdateInterval == server.warewulfOnly.effectiveUpdateInterval)
    #expect(back.exports.map(\.value.path) == server.exports.map(\.value.path))
    #expect(!included.contains("interface") && !included.contains("mode:") && !included.contains("backend"),
            "none of Howl's own keys")
    let files = try root.builder().render(overlay: "node", node: "c01")
    func text(_ path: String) -> String? {
      guard case .bytes(let bytes)? = files.first(where: { $0.path == path })?.content else { return nil }
      return String(decoding: bytes, as: UTF8.self)
    }
    #expect(text("etc/nodes.conf") == (try String(contentsOfFile: Self.fixtures + "/nodes.conf", encoding: .utf8)))
    #expect(text("etc/warewulf.conf") == included)
  }

  /// Warewulf's sections Howl keeps unread go to the node as they were.
  @Test func includedWarewulfConfKeepsWarewulfSections() throws {
    var server = try ServerConfig.parse("ipaddr: 10.0.0.1\nwwclient:\n  port: 987\ninterface: eth1\n", file: "howl.conf")
    server.dhcp.mode = .proxy
    let text = server.warewulfConfText()
    #expect(text.contains("wwclient:\n  port: 987\n"))
    #expect(text.contains("  template: default\n") && !text.contains("eth1") && !text.contains("proxy"))
  }

  /// The included warewulf.conf of the full fixture, as a node gets it.
  @Test func includedWarewulfConfText() throws {
    let root = try Root()
    #expect(try root.builder().show(overlay: "node", path: "etc/warewulf/warewulf.conf", node: "c01") == """
      ipaddr: 10.20.0.1
      netmask: 255.255.0.0
      network: 10.20.0.0
      ipaddr6: fd00:20::1
      prefixlen6: 64
      warewulf:
        port: 9873
        secure: true
        update interval: 30
        autobuild overlays: true
        host overlay: false
        tls: true
        tls port: 8443
      dhcp:
        enabled: true
        template: static
        range start: 10.20.100.1
        range end: 10.20.100.50
        range6 start: fd00:20::a:1
        range6 end: fd00:20::a:FF
      tftp:
        enabled: false
        ipxe:
          "00:00": undionly.kpxe
          00:0B: arm64/snp.efi
      nfs:
        enabled: true
        export paths:
          - path: /home
            export options: rw,sync
          - path: /apps
            export options: ro,sync
        systemd name: nfs-server
      ssh:
        key types:
          - rsa
          - ed25519

      """)
  }

  /// Item 9: `overlay.show` names each file a multi-file template writes.
  @Test func showNamesEachFile() throws {
    let root = try Root()
    let shown = try root.builder().show(overlay: "node", path: "etc/includes", node: "c01")
    let nodesConf = try String(contentsOfFile: Self.fixtures + "/nodes.conf", encoding: .utf8)
    #expect(shown.hasPrefix("Filename: nodes.conf\n" + nodesConf + "Filename: warewulf.conf\nipaddr: 10.20.0.1\n"))
    #expect(shown.hasSuffix("  key types:\n    - rsa\n    - ed25519\nFilename: ipxe\nSymlink: /usr/share/ipxe\n"))
  }

  /// Item 10: `primary network` reads as the device in effect.
  @Test func primaryNetworkReadsTheEffectiveDevice() throws {
    let cluster = try NodesConf.parse(try String(contentsOfFile: Self.fixtures + "/nodes.conf", encoding: .utf8), file: "nodes.conf")
    #expect(try cluster.merged("c01").value(at: FieldPath("primary network")) == .string("lan"), "names no device")
    #expect(try cluster.merged("c02").value(at: FieldPath("primary network")) == .string("lan"), "unset")
    #expect(cluster.nodes["c01"]?[FieldPath("primary network")] == .string("ib"), "the stored value is kept")
  }
}

/// Addresses in Go's `net.ParseIP` / `IP.String` forms.
struct IPAddressTextTests {
  @Test(arguments: [
    ("fd00:20:0:0::101", "fd00:20::101"), ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"), ("::ffff:10.0.0.1", "10.0.0.1"),
    ("::", "::"), ("::1", "::1"), ("1::", "1::"), ("2001:db8::1:0:0:1", "2001:db8::1:0:0:1"), ("2001:DB8::1FF", "2001:db8::1ff"),
    ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"), ("10.1.2.3", "10.1.2.3"), ("::10.1.2.3", "::a01:203"),
  ])
  func goForm(text: String, printed: String) {
    #expect(IPAddressText.canonical(text) == printed)
  }

  @Test(arguments: ["1:2:3:4:5:6:7:8:9", "12345::", "1::2::3", "010.0.0.1", "fd00::1/64", "", "g::1", "1:2:3:4:5:6:7"])
  func notAddresses(text: String) {
    #expect(IPAddressText.parse(text) == nil)
  }
}
