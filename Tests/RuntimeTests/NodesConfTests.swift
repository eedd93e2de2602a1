import Foundation
import OrderedCollections
import Testing
@testable import Runtime

@Suite struct NodesConfTests {
  @Test(arguments: Fixtures.nodesConfNames)
  func roundTripIsIdentity(name: String) throws {
    let text = try Fixtures.nodesConf(name)
    let first = try NodesConf.parse(text, file: name)
    let written = NodesConf.serialize(first)
    let second = try NodesConf.parse(written, file: name)
    #expect(first == second)
    #expect(NodesConf.serialize(second) == written, "a file Howl wrote is written back byte for byte")
  }

  @Test func keepsKindsAndQuoting() throws {
    let config = try NodesConf.parse(try Fixtures.nodesConf("quoting.conf"), file: "quoting.conf")
    let q1 = try #require(config.nodes["q1"])
    #expect(q1[FieldPath("comment")] == .scalar("true", .string))
    #expect(q1[FieldPath("cluster name")] == .scalar("10:00", .string))
    #expect(q1[FieldPath("image name")] == .scalar("0x1f", .string))
    #expect(q1[FieldPath("ipxe template")] == .scalar("~", .string))
    #expect(q1[FieldPath("init")] == .scalar("1e3", .string))
    #expect(q1[FieldPath("root")] == .scalar("", .string))
    let tags = try #require(q1[FieldPath("tags")]?.mapValue)
    #expect(tags["plain-bool"] == .scalar("yes", .bool))
    #expect(tags["quoted-bool"] == .scalar("yes", .string))
    #expect(tags["int"] == .scalar("42", .int))
    #expect(tags["quoted-int"] == .scalar("42", .string))
    #expect(tags["float"] == .scalar("3.5", .float))
    #expect(tags["nul"] == .scalar("null", .null))
    #expect(tags["tilde"] == .scalar("~", .null))
    #expect(tags["empty"] == .scalar("", .null))
    #expect(tags["newline"] == .string("line1\nline2"))
    #expect(tags["single"] == .string("it's"))
    #expect(tags["literal"] == .string("two\nlines\n"))
    #expect(tags["mac"] == .string("00:11:22:33:44:55"))
    #expect(q1[FieldPath("network devices", "default", "onboot")] == .scalar("true", .bool))
    let written = NodesConf.serialize(config)
    #expect(written.contains("comment: \"true\"\n"))
    #expect(written.contains("cluster name: \"10:00\"\n"))
    #expect(written.contains("plain-bool: yes\n"))
    #expect(written.contains("quoted-bool: \"yes\"\n"))
    #expect(written.contains("onboot: true\n"))
    #expect(written.contains("onboot: \"false\"\n"))
    #expect(written.contains("mac: \"00:11:22:33:44:55\"\n"))
    #expect(written.contains("date: \"2024-01-01\"\n"))
    #expect(written.contains("empty:\n"))
  }

  /// Every string survives a write and a read, whatever YAML would make of it unquoted.
  @Test func trickyStringsReadBackAsStrings() throws {
    let samples = ["true", "True", "yes", "no", "on", "off", "y", "n", "null", "~", "", "10:00", "1:30:00", "0x1f", "0o17",
                   "0b101", "1e3", "-1", "+1", "1_000", ".5", "1.", ".inf", "-.inf", ".nan", "2024-01-01", "a: b", "x #y",
                   "#x", "- x", "-", "---", "...", "*a", "&a", "!a", "|", ">", "%x", "@x", "`x", "[a]", "{a}", "a,b",
                   " x", "x ", "a\nb", "\t", "\"", "'", "\\", "<<", "=", "?", ":", "ü", "\u{2028}", "\u{85}", "\u{7f}",
                   "~quiet", "console=ttyS0,115200", "00:11:22:33:44:55", "aa:bb:cc:dd:ee:ff", "10.0.0.1", "4.7"]
    var entity = Entity()
    for (index, sample) in samples.enumerated() { entity[FieldPath("tags", "t\(index)")] = .string(sample) }
    entity[FieldPath("kernel", "args")] = .strings(samples)
    let config = ClusterConfig(profiles: ["default": Entity()], nodes: ["n1": entity])
    let back = try NodesConf.parse(NodesConf.serialize(config), file: "t")
    #expect(back == config.canonicalized())
  }

  /// Indentation, comments and the document marker are layout: the content
  /// of a yaml.v3-style file equals that of the same file in Howl's layout.
  @Test func layoutDoesNotMatter() throws {
    let v3 = try NodesConf.parse(try Fixtures.nodesConf("ww47-yamlv3.conf"), file: "v3")
    let howl = try NodesConf.parse(NodesConf.serialize(v3), file: "howl")
    #expect(v3 == howl)
    #expect(v3.nodes["n1"]?[FieldPath("disks", "/dev/vda", "partitions", "rootfs", "number")] == .string("1"))
    #expect(try v3.merged("n1").value(at: FieldPath("resources", "fstab"))?.listValue == nil, "fstab items are maps")
    let crlf = try Fixtures.nodesConf("ww46.conf").replacingOccurrences(of: "\n", with: "\r\n")
    #expect(try NodesConf.parse(crlf, file: "crlf") == NodesConf.parse(try Fixtures.nodesConf("ww46.conf"), file: "lf"))
  }

  @Test func keepsLegacyKeysAsWritten() throws {
    let config = try NodesConf.parse(try Fixtures.nodesConf("ww45.conf"), file: "ww45.conf")
    #expect(config.extra["WW_INTERNAL"] == .scalar("45", .int))
    let profile = try #require(config.profiles["default"])
    #expect(profile[FieldPath("container name")] == .string("rocky-8"))
    #expect(profile[FieldPath("kernel", "args")] == .string("quiet crashkernel=no vga=791 net.naming-scheme=v238"))
    #expect(profile[FieldPath("ipmi username")] == .string("admin"))
    #expect(profile[FieldPath("keys", "foo")] == .string("bar"))
    let n2 = try #require(config.nodes["n0002"])
    #expect(n2[FieldPath("network devices", "default", "ip6addr")] == .string("fd00::2"))
    let written = NodesConf.serialize(config)
    #expect(written.contains("    container name: rocky-8\n"))
    #expect(written.contains("      args: quiet crashkernel=no vga=791 net.naming-scheme=v238\n"))
    #expect(written.hasSuffix("WW_INTERNAL: 45\n"))
  }

  @Test func keepsUnknownKeysEverywhere() throws {
    let config = try NodesConf.parse(try Fixtures.nodesConf("ww47.conf"), file: "ww47.conf")
    let sc001 = try #require(config.nodes["sc001"])
    #expect(sc001[FieldPath("x-vendor-field", "owner")] == .string("physics"))
    #expect(sc001[FieldPath("network devices", "default", "x-howl-speed")] == .string("25G"))
    let disked = try #require(config.profiles["disked"])
    #expect(disked[FieldPath("resources", "x-site", "nested", "deep")] == .list([.scalar("1", .int), .scalar("2", .int)]))
    let written = NodesConf.serialize(config)
    #expect(written.contains("        x-howl-speed: 25G\n"))
    #expect(written.contains("    x-vendor-field:\n      owner: physics\n"))
  }

  @Test func writesKnownKeysInWarewulfOrderThenUnknownInTheirOrder() throws {
    let text = """
      nodes:
        n1:
          zeta: 1
          network devices:
            default:
              custom: x
              ipaddr: 10.0.0.1
              device: eth0
          root: tmpfs
          alpha: 2
          profiles: [default]
          comment: hi
      nodeprofiles:
        default: {}

      """
    let config = try NodesConf.parse(text, file: "t")
    #expect(Array(config.nodes["n1"]!.fields.keys) == ["profiles", "comment", "root", "network devices", "zeta", "alpha"])
    #expect(NodesConf.serialize(config) == """
      nodeprofiles:
        default: {}
      nodes:
        n1:
          profiles:
            - default
          comment: hi
          root: tmpfs
          network devices:
            default:
              device: eth0
              ipaddr: 10.0.0.1
              custom: x
          zeta: 1
          alpha: 2

      """)
  }

  @Test func keepsNodeAndProfileOrderAndAppendsNewOnes() throws {
    var config = try NodesConf.parse(try Fixtures.nodesConf("ww46.conf"), file: "ww46.conf")
    #expect(Array(config.nodes.keys) == ["n1", "n2"])
    config.nodes["a0"] = Entity(fields: ["profiles": .strings(["default"])])
    let back = try NodesConf.parse(NodesConf.serialize(config), file: "t")
    #expect(Array(back.nodes.keys) == ["n1", "n2", "a0"])
    #expect(Array(back.profiles.keys) == ["default", "gpu"])
  }

  @Test func inheritedValuesStayInProfiles() throws {
    let text = try Fixtures.nodesConf("ww46.conf")
    let config = try NodesConf.parse(text, file: "ww46.conf")
    #expect(config.nodes["n1"]![FieldPath("image name")] == nil)
    #expect(!NodesConf.serialize(config).contains("alma-9\n    image name: rockylinux-9"))
    #expect(NodesConf.serialize(config).components(separatedBy: "image name: rockylinux-9").count == 2)
  }

  /// Aliases are read as the value they stand for (and written out in full).
  @Test func aliasesAreExpanded() throws {
    let config = try NodesConf.parse("nodes:\n  n1: &n {root: tmpfs}\n  n2: *n\n", file: "t")
    #expect(config.nodes["n2"] == config.nodes["n1"])
    let nested = try NodesConf.parse("""
      nodeprofiles:
        p: &p
          resources: &t {r: {a: &one 1, b: [*one, x]}}
          comment: &c "quoted"
      nodes:
        n1: {resources: *t, comment: *c, profiles: [p]}
        n2: *p
      """, file: "t")
    #expect(nested.nodes["n1"]?.fields["resources"] == .map(["r": .map(["a": .scalar("1", .int), "b": .list([.scalar("1", .int), .scalar("x", .string)])])]))
    #expect(nested.nodes["n1"]?.fields["comment"] == .scalar("quoted", .string))
    #expect(nested.nodes["n2"] == nested.profiles["p"])
    #expect(throws: ConfigError.self) { try NodesConf.parse("nodes:\n  n1: *nowhere\n", file: "t") }
  }

  /// Aliases that double at each level (a "billion laughs") and aliases
  /// that nest deeper than the parser allows are errors, not a hang or a crash.
  @Test func aliasBombsAreErrors() throws {
    var bomb = "a0: &a0 [x, x]\n"
    for level in 1...40 { bomb += "a\(level): &a\(level) [*a\(level - 1), *a\(level - 1)]\n" }
    #expect(throws: ConfigError.self) { try NodesConf.parse(bomb, file: "t") }
    var deep = "d0: &d0 " + String(repeating: "[", count: 900) + String(repeating: "]", count: 900) + "\n"
    for level in 1...40 { deep += "d\(level): &d\(level) " + String(repeating: "[", count: 900) + "*d\(level - 1)" + String(repeating: "]", count: 900) + "\n" }
    #expect(throws: ConfigError.self) { try NodesConf.parse(deep, file: "t") }
  }

  @Test func emptyDocumentsAndNullSections() throws {
    #expect(try NodesConf.parse("", file: "t") == ClusterConfig())
    #expect(try NodesConf.parse("# nothing\n", file: "t") == ClusterConfig())
    let config = try NodesConf.parse("nodeprofiles:\nnodes:\n  n1:\n", file: "t")
    #expect(config.nodes["n1"] == Entity())
    #expect(config.profiles.isEmpty)
  }

  struct BadInput: CustomTestStringConvertible, Sendable {
    var text: String
    var expected: String
    var testDescription: String { expected }
  }

  @Test(arguments: [
    BadInput(text: "nodes: [a, b]\n", expected: "t:1:8: nodes: expected a map, found a list"),
    BadInput(text: "nodes:\n  sc001:\n    network devices: \"x\"\n", expected: "t:3:22: nodes.sc001.network devices: expected a map, found a scalar"),
    BadInput(text: "nodes:\n  sc001:\n    kernel:\n      args: {a: b}\n", expected: "t:4:13: nodes.sc001.kernel.args: expected a list, found a map"),
    BadInput(text: "nodes:\n  sc001:\n    network devices:\n      - a\n", expected: "t:4:7: nodes.sc001.network devices: expected a map, found a list"),
    BadInput(text: "nodeprofiles:\n  p:\n    comment: [x]\n", expected: "t:3:14: nodeprofiles.p.comment: expected a scalar, found a list"),
    BadInput(text: "nodes:\n  n1:\n    profiles: [[a]]\n", expected: "t:3:16: nodes.n1.profiles: expected a list of scalars, found a list in it"),
    BadInput(text: "nodes:\n  n1: {}\n  n1: {}\n", expected: "t:3:3: nodes.n1: duplicate key"),
    BadInput(text: "- a\n", expected: "t:1:1: expected a map, found a list"),
    BadInput(text: "nodes: 5\n", expected: "t:1:8: nodes: expected a map, found a scalar"),
  ])
  func wrongShapesAreConfigErrors(input: BadInput) {
    #expect(throws: ConfigError.self) { try NodesConf.parse(input.text, file: "t") }
    do {
      _ = try NodesConf.parse(input.text, file: "t")
    } catch let error as ConfigError {
      #expect(error.description == input.expected)
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func syntaxErrorsHaveLineColumnAndKeyPath() throws {
    let text = "nodes:\n  sc001:\n    network devices:\n      default:\n        ipaddr: [10.0.0.1\n    root: x\n"
    do {
      _ = try NodesConf.parse(text, file: "nodes.conf")
      Issue.record("parsed")
    } catch let error as ConfigError {
      #expect(error.file == "nodes.conf")
      #expect(error.line > 0 && error.column > 0)
      #expect(error.keyPath.keys.starts(with: ["nodes", "sc001"]))
    }
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    for text in [String(repeating: "[", count: 100_000), "nodes:\n  n1:\n    resources:\n      r: " + String(repeating: "{a: ", count: 50_000)] {
      #expect(throws: ConfigError.self) { try NodesConf.parse(text, file: "deep") }
    }
  }

  /// Arbitrary bytes never crash the reader: they parse or throw `ConfigError`.
  @Test func neverCrashesOnGarbage() {
    var generator = SeededGenerator(seed: 7)
    let alphabet = Array("nodes:profiles\n  -[]{},\"'#&*!|>%@`~: \tx1\\")
    let base = (try? Fixtures.nodesConf("ww47.conf")) ?? ""
    for round in 0..<300 {
      var text: String
      if round % 2 == 0 {
        text = String((0..<Int.random(in: 1...200, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
      } else {
        var chars = Array(base)
        for _ in 0..<3 { chars[Int.random(in: 0..<chars.count, using: &generator)] = alphabet.randomElement(using: &generator)! }
        text = String(chars)
      }
      do {
        let config = try NodesConf.parse(text, file: "g")
        #expect(try NodesConf.parse(NodesConf.serialize(config), file: "g") == config)
      } catch is ConfigError {
      } catch {
        Issue.record("not a ConfigError: \(error)")
      }
    }
  }
}


@Suite struct NodesConfUpgradeTests {
  @Test func upgradesLegacyKeysOnlyWhenAsked() throws {
    let config = try NodesConf.parse(try Fixtures.nodesConf("ww45.conf"), file: "ww45.conf")
    let upgraded = config.upgraded()
    let profile = try #require(upgraded.profiles["default"])
    #expect(profile[FieldPath("image name")] == .string("rocky-8"))
    #expect(profile[FieldPath("container name")] == nil)
    #expect(profile[FieldPath("kernel", "args")] == .strings(["quiet", "crashkernel=no", "vga=791", "net.naming-scheme=v238"]))
    #expect(profile[FieldPath("kernel", "override")] == nil)
    #expect(profile[FieldPath("ipmi", "username")] == .string("admin"))
    #expect(profile[FieldPath("tags", "foo")] == .string("bar"))
    let n1 = try #require(upgraded.nodes["n0001"])
    #expect(n1[FieldPath("ipmi", "ipaddr")] == .string("10.0.3.1"))
    #expect(n1[FieldPath("primary network")] == .string("default"))
    let n2 = try #require(upgraded.nodes["n0002"])
    #expect(n2[FieldPath("network devices", "default", "ipaddr6")] == .string("fd00::2"))
    #expect(n2[FieldPath("network devices", "default", "prefixlen6")] == .string("64"))
    #expect(upgraded.extra.isEmpty)
    #expect(try NodesConf.parse(NodesConf.serialize(upgraded), file: "t") == upgraded)
    #expect(config.profiles["default"]![FieldPath("container name")] != nil, "the original is untouched")
  }
}
