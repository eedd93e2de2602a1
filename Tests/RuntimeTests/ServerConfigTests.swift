import OrderedCollections
import Testing
@testable import Runtime

@Suite struct ServerConfigTests {
  static let warewulfConf = """
    WW_INTERNAL: 45
    ipaddr: 10.0.0.1/22
    fqdn: head.cluster
    warewulf:
      port: 9873
      secure: false
      update interval: 60
      autobuild overlays: true
      host overlay: true
    dhcp:
      enabled: true
      template: static
      range start: 10.0.1.1
      range end: 10.0.1.255
      systemd name: dhcpd
    tftp:
      enabled: true
      tftproot: /srv/tftpboot
      systemd name: tftp
    nfs:
      enabled: true
      export paths:
        - path: /home
          export options: rw,sync
        - path: /opt
          export options: ro,sync,no_root_squash
      systemd name: nfs-server
    ssh:
      key types: [ed25519, rsa]

    """

  @Test func readsWarewulfConf() throws {
    let config = try ServerConfig.parse(Self.warewulfConf, file: "warewulf.conf")
    #expect(config.ipaddr == "10.0.0.1")
    #expect(config.netmask == "255.255.252.0")
    #expect(config.network == "10.0.0.0")
    #expect(config.ports == ServerConfig.Ports(http: 9873, tftp: 69, dhcp: 67))
    #expect(config.secure == false)
    #expect(config.autobuildOverlays)
    #expect(config.dhcp == ServerConfig.DHCP(enabled: true, mode: .static, rangeStart: "10.0.1.1", rangeEnd: "10.0.1.255"))
    #expect(Array(config.exports.keys) == ["/home", "/opt"])
    #expect(config.exports["/opt"]?.options == "ro,sync,no_root_squash")
    #expect(config.extra["fqdn"] == .string("head.cluster"))
    #expect(config.extra["warewulf"]?.mapValue?["update interval"] == .scalar("60", .int))
    #expect(config.extra["tftp"]?.mapValue?["tftproot"] == .string("/srv/tftpboot"))
  }

  @Test func roundTripKeepsEverything() throws {
    let config = try ServerConfig.parse(Self.warewulfConf, file: "warewulf.conf")
    let written = config.serialize()
    let back = try ServerConfig.parse(written, file: "howl.conf")
    #expect(back == config)
    #expect(back.serialize() == written)
    #expect(written.contains("  tftproot: /srv/tftpboot\n"))
  }

  @Test func defaultsAndHowlKeys() throws {
    var config = ServerConfig()
    #expect(config.ports.http == 9873 && config.ports.tftp == 69 && config.ports.dhcp == 67)
    #expect(config.dhcp.enabled && config.dhcp.mode == .dynamic)
    config.interface = "eth1"
    config.dhcp.mode = .proxy
    config.ports.http = 8080
    config.exports["home"] = ServerConfig.ExportEntry(path: "/home")
    config.exports["rocky"] = ServerConfig.ExportEntry(path: "/var/lib/howl/images/rocky-9/rootfs", options: "ro", image: "rocky-9")
    config.images["rocky-9"] = ServerConfig.ImageEntry(source: "docker://ghcr.io/warewulf/rockylinux:9", excludes: ["/boot/", "/tmp"])
    config.images["alma-9"] = ServerConfig.ImageEntry(source: "docker://ghcr.io/warewulf/almalinux:9", compression: .zstd)
    let text = config.serialize()
    let back = try ServerConfig.parse(text, file: "howl.conf")
    #expect(back == config)
    #expect(text.contains("  alma-9:\n    source: docker://ghcr.io/warewulf/almalinux:9\n    excludes: []\n    compression: zstd\n"))
    #expect(try ServerConfig.parse("images:\n  old:\n    source: x\n", file: "howl.conf").images["old"]?.compression == .gzip)
    #expect(back.exports["home"]?.options == "rw,sync,no_subtree_check")
    #expect(try ServerConfig.parse("", file: "howl.conf") == ServerConfig())
  }

  @Test func nfsSettingsRoundTrip() throws {
    let read = try ServerConfig.parse(Self.warewulfConf, file: "warewulf.conf")
    #expect(read.nfs == ServerConfig.NFS(enabled: true, backend: .auto))
    #expect(read.extra["nfs"]?.mapValue?["systemd name"] == .string("nfs-server"))
    var config = ServerConfig()
    config.nfs = ServerConfig.NFS(enabled: false, backend: .ganesha, ganeshaConfig: "/etc/ganesha/ganesha.conf",
                                  ganeshaPidFile: "/run/ganesha/ganesha.pid")
    let text = config.serialize()
    #expect(text.contains("nfs:\n  enabled: false\n  backend: ganesha\n  ganesha config: /etc/ganesha/ganesha.conf\n"))
    #expect(try ServerConfig.parse(text, file: "howl.conf") == config)
  }

  @Test(arguments: [
    ("ipaddr: 10.0.0.300\n", "t:1:9: ipaddr: expected an IPv4 address, found \"10.0.0.300\""),
    ("netmask: banana\n", "t:1:10: netmask: expected an IPv4 address, found \"banana\""),
    ("dhcp:\n  range start: 1.2.3\n", "t:2:16: dhcp.range start: expected an IPv4 address, found \"1.2.3\""),
    ("dhcp:\n  mode: sometimes\n", "t:2:9: dhcp.mode: expected static, dynamic or proxy, found \"sometimes\""),
    ("warewulf:\n  port: 70000\n", "t:2:9: warewulf.port: expected a port number, found \"70000\""),
    ("warewulf:\n  secure: maybe\n", "t:2:11: warewulf.secure: expected true or false, found \"maybe\""),
    ("dhcp: [a]\n", "t:1:7: dhcp: expected a map, found a list"),
    ("images:\n  r:\n    compression: lz4\n", "t:3:18: images.r.compression: expected gzip or zstd, found \"lz4\""),
    ("nfs:\n  export paths:\n    - export options: rw\n", "t:3:7: nfs.export paths.0: an export needs a path"),
    ("nfs:\n  backend: nfsd\n", "t:2:12: nfs.backend: expected auto, ganesha, kernel, none, found \"nfsd\""),
    ("ipaddr: [\n", "t:2:1: ipaddr: did not find expected node content (while parsing a flow node at 2:1)"),
  ])
  func invalidSettingsAreConfigErrors(text: String, expected: String) {
    do {
      _ = try ServerConfig.parse(text, file: "t")
      Issue.record("parsed \(text)")
    } catch {
      #expect("\(error)" == expected)
    }
  }
}
