import OrderedCollections
import Testing
@testable import Runtime

/// Warewulf's merge (§1.6), table-driven like `mergo_test.go`: a nodes.conf,
/// a node, and the values expected after merging.
@Suite struct MergeTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var node = "n1"
    var expected: [(String, ConfValue?)]
    var sources: [(String, String?)] = []
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "right-most profile wins for scalars", yaml: """
      nodeprofiles:
        p1: {image name: a, init: /sbin/init}
        p2: {image name: b}
      nodes:
        n1: {profiles: [p1, p2]}
      """, expected: [("image name", .string("b")), ("init", .string("/sbin/init"))],
      sources: [("image name", "p2"), ("init", "p1")]),
    Case(name: "node beats all profiles", yaml: """
      nodeprofiles:
        p1: {root: initramfs}
      nodes:
        n1: {profiles: [p1], root: tmpfs}
      """, expected: [("root", .string("tmpfs"))], sources: [("root", "SUPERSEDED")]),
    Case(name: "empty values do not override", yaml: """
      nodeprofiles:
        p1: {root: initramfs, init: /sbin/init}
      nodes:
        n1: {profiles: [p1], root: "", init: ~}
      """, expected: [("root", .string("initramfs")), ("init", .string("/sbin/init"))]),
    Case(name: "lists append in profile order, node last", yaml: """
      nodeprofiles:
        p1: {system overlay: [wwinit, wwclient]}
        p2: {system overlay: [fstab]}
      nodes:
        n1: {profiles: [p1, p2], system overlay: [local]}
      """, expected: [("system overlay", .strings(["wwinit", "wwclient", "fstab", "local"]))],
      sources: [("system overlay", "p1,p2,node")]),
    Case(name: "negation anywhere removes all occurrences", yaml: """
      nodes:
        n1: {runtime overlay: [ro1, ro2, ~ro1, ro3, ro1]}
      """, expected: [("runtime overlay", .strings(["ro2", "ro3"]))]),
    Case(name: "a and ~a leave nothing", yaml: """
      nodes:
        n1: {system overlay: [a, ~a]}
      """, expected: [("system overlay", .list([]))]),
    Case(name: "kernel args negated by the node", yaml: """
      nodeprofiles:
        default: {kernel: {args: [quiet, crashkernel=no]}}
      nodes:
        n1: {profiles: [default], kernel: {args: [~crashkernel=no, crashkernel=512M]}}
      """, expected: [("kernel.args", .strings(["quiet", "crashkernel=512M"]))]),
    Case(name: "nested profiles depth-first, parents first", yaml: """
      nodeprofiles:
        base: {image name: base, system overlay: [b]}
        mid: {profiles: [base], image name: mid, system overlay: [m]}
        top: {profiles: [mid], system overlay: [t]}
      nodes:
        n1: {profiles: [top]}
      """, expected: [("image name", .string("mid")), ("system overlay", .strings(["b", "m", "t"]))]),
    Case(name: "a profile negated later is dropped even if included by another", yaml: """
      nodeprofiles:
        p1: {image name: one, tags: {a: "1"}}
        p2: {profiles: [p1], init: /init}
      nodes:
        n1: {profiles: [p2, ~p1]}
      """, expected: [("image name", nil), ("tags", nil), ("init", .string("/init"))]),
    Case(name: "cycles are cut", yaml: """
      nodeprofiles:
        a: {profiles: [b], root: a}
        b: {profiles: [a], root: b}
      nodes:
        n1: {profiles: [a]}
      """, expected: [("root", .string("a"))]),
    Case(name: "duplicate profiles merge once", yaml: """
      nodeprofiles:
        p: {system overlay: [x]}
      nodes:
        n1: {profiles: [p, p]}
      """, expected: [("system overlay", .strings(["x"]))]),
    Case(name: "maps merge per key, netdevs too", yaml: """
      nodeprofiles:
        p1: {network devices: {default: {netmask: 255.255.255.0, gateway: 10.0.0.1}}, tags: {a: "1", b: "1"}}
      nodes:
        n1: {profiles: [p1], network devices: {default: {ipaddr: 10.0.0.5}}, tags: {b: "2"}}
      """, expected: [
        ("network devices.default.netmask", .string("255.255.255.0")),
        ("network devices.default.ipaddr", .string("10.0.0.5")),
        ("tags.a", .string("1")), ("tags.b", .string("2")),
      ], sources: [("network devices.default.netmask", "p1"), ("network devices.default.ipaddr", "node"),
                   ("tags.b", "SUPERSEDED"), ("network devices.default", "p1,node")]),
    Case(name: "resources merge maps recursively and append lists", yaml: """
      nodeprofiles:
        p1: {resources: {fstab: [{spec: a}], site: {rack: "1", row: "a"}}}
      nodes:
        n1: {profiles: [p1], resources: {fstab: [{spec: b}], site: {rack: "2"}}}
      """, expected: [
        ("resources.fstab", .list([.map(["spec": .string("a")]), .map(["spec": .string("b")])])),
        ("resources.site.rack", .string("2")), ("resources.site.row", .string("a")),
      ]),
    Case(name: "comment and profiles are not inherited", yaml: """
      nodeprofiles:
        p1: {comment: from profile, profiles: [p2]}
        p2: {init: /x}
      nodes:
        n1: {profiles: [p1]}
      """, expected: [("comment", nil), ("profiles", .strings(["p1"])), ("init", .string("/x"))]),
    Case(name: "node comment stays", yaml: """
      nodeprofiles:
        p1: {comment: from profile}
      nodes:
        n1: {profiles: [p1], comment: mine}
      """, expected: [("comment", .string("mine"))], sources: [("comment", "node")]),
    Case(name: "missing profiles are skipped", yaml: """
      nodeprofiles:
        p1: {init: /x}
      nodes:
        n1: {profiles: [nope, p1]}
      """, expected: [("init", .string("/x"))]),
    Case(name: "reference example 1.7", yaml: """
      nodeprofiles:
        default:
          image name: rocky-9
          ipxe template: default
          init: /sbin/init
          root: initramfs
          kernel: {args: [quiet, crashkernel=no]}
          system overlay: [wwinit, wwclient, fstab, hostname, ssh.host_keys, NetworkManager]
          runtime overlay: [hosts, ssh.authorized_keys]
          network devices: {default: {netmask: 255.255.255.0, gateway: 10.0.0.1}}
          ipmi: {template: ipmitool.tmpl, interface: lanplus, username: admin}
      nodes:
        n001:
          profiles: [default]
          network devices:
            default: {device: eno1, hwaddr: "aa:bb:cc:dd:ee:01", ipaddr: 10.0.2.1}
          ipmi: {ipaddr: 10.0.3.1}
          kernel: {args: ["~quiet", "console=ttyS0,115200"]}
      """, node: "n001", expected: [
        ("image name", .string("rocky-9")),
        ("kernel.args", .strings(["crashkernel=no", "console=ttyS0,115200"])),
        ("network devices.default.netmask", .string("255.255.255.0")),
        ("network devices.default.ipaddr", .string("10.0.2.1")),
        ("network devices.default.hwaddr", .string("aa:bb:cc:dd:ee:01")),
        ("ipmi.ipaddr", .string("10.0.3.1")), ("ipmi.username", .string("admin")),
        ("system overlay", .strings(["wwinit", "wwclient", "fstab", "hostname", "ssh.host_keys", "NetworkManager"])),
      ], sources: [("kernel.args", "default,node"), ("ipmi.username", "default"), ("ipmi.ipaddr", "node")]),
  ]

  @Test(arguments: cases)
  func merge(_ test: Case) throws {
    let config = try NodesConf.parse(test.yaml, file: "t")
    let merged = try config.merged(test.node)
    for (path, value) in test.expected {
      #expect(merged.value(at: FieldPath(dotted: path)) == value, "\(path)")
    }
    for (path, source) in test.sources {
      #expect(merged.source(of: FieldPath(dotted: path)) == source, "source of \(path)")
    }
  }

  /// A merge of some top-level fields gives them as the whole merge does,
  /// and nothing else (the primary network with the devices it picks from).
  @Test(arguments: cases)
  func mergeOfSomeFields(_ test: Case) throws {
    let config = try NodesConf.parse(test.yaml, file: "t")
    let whole = try config.merged(test.node, sources: false)
    for key in Set(whole.fields.keys).union(["ipmi"]) {
      let keys: Set<String> = [key, "network devices", "primary network"]
      let part = try config.merged(test.node, sources: false, keys: keys)
      for field in keys { #expect(part.fields[field] == whole.fields[field], "\(field)") }
      #expect(part.primaryNetwork == whole.primaryNetwork)
      #expect(Set(part.fields.keys).isSubset(of: keys))
    }
  }

  @Test func primaryNetworkPick() throws {
    let config = try NodesConf.parse("""
      nodes:
        n1: {network devices: {lan: {}, eth: {}, ib: {}}}
        n2: {primary network: ib, network devices: {lan: {}, ib: {}}}
        n3: {primary network: nope, network devices: {lan: {}, ib: {}}}
        n4: {}
      """, file: "t")
    #expect(try config.merged("n1").primaryNetwork == "eth")
    #expect(try config.merged("n2").primaryNetwork == "ib")
    #expect(try config.merged("n3").primaryNetwork == "ib")
    #expect(try config.merged("n4").primaryNetwork == nil)
  }

  @Test func expandedProfileOrder() throws {
    let config = try NodesConf.parse("""
      nodeprofiles:
        a: {profiles: [b, c]}
        b: {profiles: [c]}
        c: {}
        d: {}
      nodes:
        n1: {profiles: [a, d, nope]}
      """, file: "t")
    let merged = try config.merged("n1")
    #expect(merged.profiles == ["c", "b", "a", "d", "nope"])
    #expect(merged.missingProfiles == ["nope"])
  }

  @Test func unknownNodeThrows() {
    #expect(throws: ModelError.self) { try ClusterConfig.fresh.merged("ghost") }
  }

  @Test func explainReportsSetSupersededAppendedNegated() throws {
    let config = try NodesConf.parse("""
      nodeprofiles:
        default: {root: initramfs, kernel: {args: [quiet, crashkernel=no]}}
        disk: {root: /dev/sda1}
      nodes:
        n1: {profiles: [default, disk], root: /dev/nvme0n1p1, kernel: {args: [~quiet, console=ttyS0]}}
      """, file: "t")
    let root = try config.explain(node: "n1", path: FieldPath("root"))
    #expect(root == [
      Contribution(source: "default", value: .string("initramfs"), effect: .superseded),
      Contribution(source: "disk", value: .string("/dev/sda1"), effect: .superseded),
      Contribution(source: "node", value: .string("/dev/nvme0n1p1"), effect: .set),
    ])
    let args = try config.explain(node: "n1", path: FieldPath("kernel", "args"))
    #expect(args == [
      Contribution(source: "default", value: .string("quiet"), effect: .negated),
      Contribution(source: "default", value: .string("crashkernel=no"), effect: .appended),
      Contribution(source: "node", value: .string("~quiet"), effect: .negated),
      Contribution(source: "node", value: .string("console=ttyS0"), effect: .appended),
    ])
    #expect(try config.explain(node: "n1", path: FieldPath("comment")).isEmpty)
  }
}
