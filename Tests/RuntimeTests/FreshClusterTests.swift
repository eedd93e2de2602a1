import Foundation
import Runtime
import Testing

/// A new cluster (empty HOWL_ROOT) gets Warewulf's fresh `default` profile
/// with Howl's stock overlays, so a node added with it gets an /init, its
/// host name, fstab, SSH host keys and network configuration; a nodes.conf
/// that already exists is never changed by this.
struct FreshClusterTests {
  /// A scratch cluster with image `base` and node n1 of the default profile, committed.
  static func clusterWithOneNode() throws -> ScratchCluster {
    let cluster = try ScratchCluster("fresh")
    let tree = try cluster.tree("base")
    try cluster.script("""
      images.import("dir:\(tree)", name: "base")
      profiles["default"].image = "base"
      nodes.add("n1", profile: "default", ipaddr: 10.0.0.11, netmask: 255.255.255.0, hwaddr: 52:54:00:00:00:11)
      """)
    return cluster
  }

  static func builder(_ cluster: ScratchCluster) throws -> OverlayBuilder {
    try OverlayBuilder(state: cluster.committed(), root: cluster.root,
                       overlays: OverlayStore(stateDirectory: cluster.stateDirectory, stockDirectory: OverlayFixture.stock))
  }

  @Test func theDefaultProfileOfANewClusterHasWarewulfsDefaultsAndTheStockOverlays() throws {
    let cluster = try Self.clusterWithOneNode()
    let printed = try cluster.script("""
      let n = nodes["n1"]
      print(n.overlays)
      print(n.runtime_overlays)
      print(n.kernel.args)
      print(n.init)
      """)
    #expect(printed == """
      ["wwinit", "howl-agent", "hostname", "fstab", "ssh.host_keys", "NetworkManager", "systemd.networkd"]
      ["hosts", "ssh.authorized_keys", "syncuser"]
      ["quiet", "crashkernel=no"]
      /sbin/init

      """)
    let conf = try String(contentsOfFile: cluster.store.nodesConfPath, encoding: .utf8)
    #expect(conf.contains("    system overlay:\n      - wwinit\n"), "the profile is written to nodes.conf:\n\(conf)")
  }

  @Test func aNodeOfTheDefaultProfileGetsInitHostnameFstabHostKeysAndNetworkFiles() throws {
    let cluster = try Self.clusterWithOneNode()
    let builder = try Self.builder(cluster)
    #expect(builder.build(["n1"]).map(\.status) == [.built])
    let system = try OverlayBuildTests.unpack(builder.image(node: "n1", kind: .system))
    defer { try? FileManager.default.removeItem(atPath: system) }
    #expect(OverlayBuildTests.mode(system + "/init") == 0o755)
    #expect(OverlayBuildTests.text(system + "/etc/hostname") == "n1\n")
    #expect(OverlayBuildTests.text(system + "/etc/fstab")?.contains("proc /proc proc") == true)
    #expect(OverlayBuildTests.text(system + "/etc/NetworkManager/system-connections/howl-default.nmconnection")?
      .contains("address1=10.0.0.11/24") == true)
    #expect(OverlayBuildTests.text(system + "/etc/systemd/network/50-howl-default.network")?.contains("Address=10.0.0.11/24") == true)
    let keys = cluster.root + "/etc/howl/keys"
    for type in ["ed25519", "ecdsa", "rsa"] {
      let made = try #require(OverlayBuildTests.text(keys + "/ssh_host_\(type)_key"), "the head node's \(type) key was made")
      #expect(made.contains("PRIVATE KEY"))
      #expect(OverlayBuildTests.text(system + "/etc/ssh/ssh_host_\(type)_key") == made)
      #expect(OverlayBuildTests.mode(system + "/etc/ssh/ssh_host_\(type)_key") == 0o600)
      #expect(OverlayBuildTests.text(system + "/etc/ssh/ssh_host_\(type)_key.pub")?.hasPrefix("ssh-") == true
              || OverlayBuildTests.text(system + "/etc/ssh/ssh_host_\(type)_key.pub")?.hasPrefix("ecdsa-") == true)
    }
    let runtime = try OverlayBuildTests.unpack(builder.image(node: "n1", kind: .runtime))
    defer { try? FileManager.default.removeItem(atPath: runtime) }
    #expect(OverlayBuildTests.text(runtime + "/etc/hosts")?.contains("10.0.0.11 n1") == true)
    #expect(FileManager.default.fileExists(atPath: runtime + "/etc/passwd"))
  }

  @Test func hostKeysAreMadeOnceAndKept() throws {
    let cluster = try Self.clusterWithOneNode()
    _ = try Self.builder(cluster).build(["n1"])
    let key = cluster.root + "/etc/howl/keys/ssh_host_ed25519_key"
    let first = try String(contentsOfFile: key, encoding: .utf8)
    _ = try Self.builder(cluster).build(["n1"], force: true)
    #expect(try String(contentsOfFile: key, encoding: .utf8) == first)
    #expect(try HostKeys.ensure(in: cluster.root + "/etc/howl").isEmpty)
  }

  @Test func profilesAddedLaterStayEmpty() throws {
    let cluster = try ScratchCluster("fresh-profile")
    try cluster.script(#"profiles.add("gpu")"#)
    let state = try cluster.committed()
    #expect(state.cluster.profiles["gpu"] == Entity())
    #expect(state.cluster.profiles["default"]?[FieldPath(["system overlay"])] != nil)
  }

  /// A Warewulf nodes.conf whose default profile lists no overlays, as sites have them.
  static let warewulfConf = """
    nodeprofiles:
      default:
        comment: site default
        kernel:
          args:
            - console=ttyS0
    nodes:
      n1:
        profiles:
          - default
        network devices:
          default:
            hwaddr: 52:54:00:00:00:21
            ipaddr: 10.0.0.21

    """

  @Test(arguments: ["site.conf"] + Fixtures.nodesConfNames)
  func anExistingNodesConfIsByteIdenticalAfterLoadPrintAndAnUnrelatedCommit(_ name: String) throws {
    let cluster = try ScratchCluster("fresh-existing")
    let text = name == "site.conf" ? Self.warewulfConf : try Fixtures.nodesConf(name)
    try FileManager.default.createDirectory(atPath: cluster.root + "/etc/howl", withIntermediateDirectories: true)
    try text.write(toFile: cluster.store.nodesConfPath, atomically: true, encoding: .utf8)
    try cluster.script("print(nodes); print(profiles); print(profiles[\"default\"])")
    #expect(try String(contentsOfFile: cluster.store.nodesConfPath, encoding: .utf8) == text)
    try cluster.script("server.ipaddr = 10.0.0.1/24; commit()")
    #expect(try String(contentsOfFile: cluster.store.nodesConfPath, encoding: .utf8) == text)
    #expect(try cluster.committed().server.ipaddr == "10.0.0.1")
  }
}
