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
    #expect(config.warewulfOnly == ServerConfig.WarewulfOnly(updateInterval: 60, hostOverlay: true, tftpEnabled: true,
                                                            sshKeyTypes: ["ed25519", "rsa"]))
    #expect(config.extra["dhcp"]?.mapValue?["systemd name"] == .string("dhcpd"))
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
    #expect(try ServerConfig.parse("", file: "howl.conf") == ServerConfig(secure: true), "Warewulf's default")
    #expect(!ServerConfig().secure, "a fresh cluster, as Warewulf's packaged warewulf.conf")
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

  @Test func warewulfSettingsForTemplatesRoundTrip() throws {
    let text = """
      ipaddr6: 2001:DB8:0::1/48
      warewulf:
        tls: true
        tls port: 8443
        secure files: false
        update interval: 10
        grubboot: true
      dhcp:
        range6 start: 2001:db8::100
        range6 end: 2001:db8::1FF
      tftp:
        enabled: false
        ipxe:
          "00:07": ipxe.efi
      ssh:
        key types: [rsa]
        extra: kept

      """
    let config = try ServerConfig.parse(text, file: "warewulf.conf")
    #expect(config.ipaddr6 == "2001:db8::1" && config.prefixLen6 == "48", "Go's form once the prefix is known")
    #expect(config.dhcp.rangeStart6 == "2001:db8::100" && config.dhcp.rangeEnd6 == "2001:db8::1FF", "kept as written, as Warewulf")
    #expect(config.warewulfOnly == ServerConfig.WarewulfOnly(tls: true, tlsPort: 8443, secureFiles: false, updateInterval: 10,
                                                            grubBoot: true, tftpEnabled: false, ipxeBinaries: ["00:07": "ipxe.efi"],
                                                            sshKeyTypes: ["rsa"]))
    #expect(config.warewulfOnly.effectiveIpxeBinaries == ["00:07": "ipxe.efi"], "a map given replaces the defaults")
    #expect(config.extra["ssh"]?.mapValue?["extra"] == .string("kept"))
    let back = try ServerConfig.parse(config.serialize(), file: "howl.conf")
    #expect(back == config)
    #expect(try ServerConfig.parse("ipaddr6: fd00::5\nprefixlen6: 64\n", file: "t").ipaddr6 == "fd00::5")
    #expect(!ServerConfig().serialize().contains("tls"), "a fresh howl.conf names none of them")
  }

  @Test(arguments: [
    ("ipaddr6: 10.0.0.1\n", "t:1:10: ipaddr6: expected an IPv6 address or CIDR, found \"10.0.0.1\""),
    ("ipaddr6: fd00::1/129\n", "t:1:10: ipaddr6: expected an IPv6 address or CIDR, found \"fd00::1/129\""),
    ("prefixlen6: 200\n", "t:1:13: prefixlen6: expected a number from 0 to 128, found \"200\""),
    ("dhcp:\n  range6 start: 10.0.0.1\n", "t:2:17: dhcp.range6 start: expected an IPv6 address, found \"10.0.0.1\""),
    ("warewulf:\n  update interval: soon\n", "t:2:20: warewulf.update interval: expected a number from 0 to 2147483647, found \"soon\""),
    ("warewulf:\n  tls port: 99999\n", "t:2:13: warewulf.tls port: expected a port number, found \"99999\""),
    ("tftp:\n  ipxe: [a]\n", "t:2:9: tftp.ipxe: expected a map, found a list"),
    ("ssh:\n  key types: rsa\n", "t:2:14: ssh.key types: expected a list of key types, found a scalar"),
  ])
  func invalidWarewulfSettingsAreConfigErrors(text: String, expected: String) {
    do {
      _ = try ServerConfig.parse(text, file: "t")
      Issue.record("parsed \(text)")
    } catch {
      #expect("\(error)" == expected)
    }
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
