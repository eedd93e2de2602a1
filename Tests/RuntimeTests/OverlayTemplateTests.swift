import Foundation
import Runtime
import Testing

/// Warewulf's template data and context-dependent functions, rendered for the fixture cluster.
struct OverlayTemplateTests {
  /// Renders `text` as `etc/t.ww` in a scratch site overlay for `node`: path → text (symlinks as `-> target`).
  static func render(_ text: String, node: String = "n1", in fixture: OverlayFixture? = nil) throws -> [String: String] {
    let fixture = try fixture ?? OverlayFixture()
    if fixture.overlays.overlay("t") == nil { try fixture.overlays.create("t") }
    try fixture.overlays.write("t", path: "etc/t.ww", contents: Array(text.utf8))
    var out: [String: String] = [:]
    for file in try fixture.builder().render(overlay: "t", node: node) {
      switch file.content {
      case .bytes(let bytes): out[file.path] = String(decoding: bytes, as: UTF8.self)
      case .symlink(let target): out[file.path] = "-> " + target
      }
    }
    return out
  }

  static func text(_ template: String, node: String = "n1") throws -> String {
    try render(template, node: node)["etc/t"] ?? "<no file>"
  }

  @Test func nodeFields() throws {
    #expect(try Self.text("{{.Id}} {{.Hostname}} {{.ImageName}} {{.Container}} {{.Kernel.Args}} {{.Profiles}}") == "n1 n1 rocky rocky [quiet crashkernel=no] [default]")
    #expect(try Self.text("{{.SystemOverlay | join \",\"}}|{{.RuntimeOverlay}}") ==
      "wwinit,hostname,hosts,fstab,NetworkManager,systemd.networkd,ssh.host_keys|[hosts ssh.authorized_keys syncuser]")
    #expect(try Self.text("{{.NetDevs.default.IpCIDR}} {{.PrimaryNetDev}} {{.NetDevs.ib.Primary}} {{.NetDevs.default.Tags.DNS1}}") ==
      "10.0.1.1/22 default false 10.0.0.1")
    #expect(try Self.text("{{.ThisNode.NetDevs.default.Primary}} {{.NetDevs.default.Primary}} {{.ThisNode.NetDevs.ib.Primary}}") ==
      "true false false", "as in Warewulf, the copy of the node at the top has lost the flag")
    #expect(try Self.text("{{.NetDevs.default.OnBoot.BoolDefaultTrue}} {{.NetDevs.default.OnBoot.Bool}}") == "true false")
    #expect(try Self.text("[{{index .Tags \"nope\"}}] [{{.Tags.nope}}] [{{index .Tftp.IpxeBinaries \"00:99\"}}] [{{index .Resources \"nope\"}}]") ==
      "[] [<no value>] [] [<no value>]", "Go's map[string]string gives \"\" to index, a field lookup <no value>")
    #expect(try Self.text("{{.Ipmi.UserName}} {{.Ipmi.Write.Bool}} {{.Ipmi.Write}}") == "admin true true")
    #expect(try Self.text("{{.ClusterName}}|{{.Comment}}|{{.Root}}|{{.RootStrategy}}|{{.RootDevice}}") == "|||initramfs|")
    #expect(try Self.text("{{.RootStrategy}} {{.RootDevice}} {{range .DiskList}}{{.Id}}{{range .PartitionList}} {{.Id}}#{{.Number}}{{end}}{{end}}", node: "n2")
      == "xfs /dev/nvme0n1 /dev/nvme0n1 rootfs#1")
    #expect(try Self.text("{{range .FileSystemList}}{{.Id}} {{.Format}} {{.Path}}{{end}}", node: "n2") == "/dev/disk/by-partlabel/rootfs xfs /")
    #expect(try Self.text("{{.RootStrategy}}", node: "n3") == "tmpfs")
    #expect(try Self.text("{{range .Resources.localusers}}{{.name}} {{.uid}}{{end}} {{.Tags.PasswordlessRoot}}", node: "n2") == "alice 2001 true")
    #expect(try Self.text("{{range .Mounts}}{{.Source}} {{.At}} {{.Options}};{{end}}", node: "n2") ==
      "10.0.0.1:/home /home defaults;nfs.example.org:/data /data ro;")
    #expect(try Self.text("{{.ThisNode.Id}} {{with .ThisNode}}{{.NetDevs.ib.Device}}{{end}}") == "n1 ib0")
  }

  @Test func serverAndBuildFields() throws {
    #expect(try Self.text("{{.Ipaddr}} {{.Netmask}} {{.Network}} {{.NetworkCIDR}} {{.IpCIDR}}") == "10.0.0.1 255.255.252.0 10.0.0.0 10.0.0.0/22 10.0.0.1/22")
    #expect(try Self.text("{{.BuildHost}} {{.BuildTimeUnix}} {{.BuildTime}} {{.Overlay}}") == "head 1767225600 01-01-2026 00:00:00 UTC t")
    #expect(try Self.text("{{.BuildSource}}").hasSuffix("/overlays/t/rootfs/etc/t.ww"))
    #expect(try Self.text("{{.Warewulf.Port}} {{.Dhcp.Enabled}} {{range .Nfs.ExportsExtended}}{{.Path}} {{.ExportOptions}}{{end}}") == "9873 true /home rw,sync")
    #expect(try Self.text("{{range .AllNodes}}{{.Id}} {{end}}") == "n1 n2 n3 ", "sorted by cluster name (n3's is 'other'), then id")
  }

  @Test func fileSoftlinkAbortNobackup() throws {
    let out = try Self.render("dropped{{file \"a.conf\"}}A {{.Id}}\n{{file \"/etc/b/b.conf\"}}B\n{{file \"c\"}}{{softlink \"/target\"}}")
    #expect(out == ["etc/a.conf": "A n1\n", "etc/b/b.conf": "B\n", "etc/c": "-> /target"])
    #expect(try Self.render("{{softlink \"../x\"}}") == ["etc/t": "-> ../x"])
    let fixture = try OverlayFixture()
    try fixture.overlays.create("top")
    try fixture.overlays.write("top", path: "t.ww", contents: Array("{{.Id}}\n".utf8))
    #expect(try fixture.builder().render(overlay: "top", node: "n1").map(\.path) == ["t"], "a template at the overlay's top")
    #expect(try Self.render("a{{if eq .Id \"n1\"}}{{abort}}{{end}}b") == [:])
    #expect(try Self.render("a{{if eq .Id \"n1\"}}{{abort}}{{end}}b", node: "n2") == ["etc/t": "ab"])
    #expect(try Self.render("{{nobackup}}x") == ["etc/t": "x"])
    #expect(throws: (any Error).self) { try Self.render("{{file \"../../etc/shadow\"}}x") }
  }

  @Test func includeFunctions() throws {
    let fixture = try OverlayFixture()
    try "one\ntwo\n# MARK here\nthree\n".write(toFile: fixture.root + "/etc/howl/block.txt", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: fixture.root + "/etc/howl/link", withDestinationPath: "/usr/share/zoneinfo/UTC")
    let text = try Self.render("""
      [{{Include "keys/authorized_keys"}}][{{Include "nope"}}][{{Include "\(fixture.root)/etc/group" | trunc 9}}]
      [{{IncludeBlock "block.txt" "# MARK"}}]
      [{{IncludeFrom "rocky" "/etc/group"}}][{{IncludeFrom "rocky" "/nope"}}]
      [{{UniqueField ":" 0 "a:1\\nb:2\\na:3\\nshort"}}]
      [{{IncludeBlock "nope" "# MARK"}}][{{UniqueField ":" 0 ":1\\n:2\\n\\n\\nb"}}]
      """, in: fixture)
    #expect(text["etc/t"] == """
      [ssh-ed25519 AAAAfixtureadmin admin@head][][root:x:0:]
      [one
      two
      # MARK]
      [root:x:0:
      sshd:x:74:][]
      [a:1
      b:2
      short]
      [# MARK][:1
      :2


      b]
      """)
    #expect(try Self.render("{{ImportLink \"\(fixture.root)/etc/howl/link\"}}", in: fixture) == ["etc/t": "-> /usr/share/zoneinfo/UTC"])
    #expect(try Self.render("{{readlink \"\(fixture.root)/etc/howl/keys/../keys\"}}", in: fixture)["etc/t"]?.hasSuffix("/etc/howl/keys") == true)
  }

  @Test func ignitionJson() throws {
    #expect(try Self.text("{{IgnitionJson}}") == "")
    #expect(try Self.text("{{IgnitionJson}}", node: "n2") == #"{"ignition":{"version":"3.1.0"},"storage":{"disks":[{"device":"/dev/nvme0n1","partitions":[{"label":"rootfs","number":1,"shouldExist":true}],"wipeTable":true}],"filesystems":[{"device":"/dev/disk/by-partlabel/rootfs","format":"xfs","path":"/","wipeFilesystem":true}]}}"#)
  }

  @Test func errorsNameTemplateLineColumnAndNode() throws {
    do {
      _ = try Self.render("ok\n  {{.Nope}}", node: "n2")
      Issue.record("expected an error")
    } catch let error as TemplateError {
      #expect(error.description.hasPrefix("overlay t, node n2: template: t:etc/t.ww:2:4:"))
      #expect(error.line == 2 && error.column == 4)
    }
    do {
      _ = try Self.render("{{if}}")
      Issue.record("expected an error")
    } catch let error as TemplateError {
      #expect(error.description == "overlay t: template: t:etc/t.ww:1: missing value for if")
    }
  }

  @Test func nodeIndependentRendersAreShared() throws {
    let fixture = try OverlayFixture()
    let builder = try fixture.builder()
    for node in ["n1", "n2"] {
      _ = try builder.render(overlay: "hosts", node: node)
    }
    #expect(try Self.render("{{range .AllNodes}}{{.Id}}{{end}}", node: "n3", in: fixture) == ["etc/t": "n1n2n3"])
  }
}
