import OrderedCollections
import Testing
@testable import Runtime

@Suite struct ModelTests {
  @Test func entitySubscriptCreatesAndPrunesMaps() {
    var entity = Entity()
    entity[FieldPath("network devices", "default", "ipaddr")] = .string("10.0.0.1")
    #expect(entity.fields == ["network devices": .map(["default": .map(["ipaddr": .string("10.0.0.1")])])])
    entity[FieldPath("network devices", "default", "netmask")] = .string("255.0.0.0")
    entity[FieldPath("network devices", "default", "ipaddr")] = nil
    #expect(entity[FieldPath("network devices", "default")] == .map(["netmask": .string("255.0.0.0")]))
    entity[FieldPath("network devices", "default", "netmask")] = nil
    #expect(entity.fields.isEmpty)
    entity[FieldPath("missing", "x")] = nil
    #expect(entity.fields.isEmpty)
  }

  @Test func setThroughAScalarReplacesIt() {
    var entity = Entity(fields: ["kernel": .string("old")])
    entity[FieldPath("kernel", "version")] = .string("6.1")
    #expect(entity[FieldPath("kernel")] == .map(["version": .string("6.1")]))
  }

  @Test func fieldPathDescriptions() {
    #expect(FieldPath("kernel", "args").description == "kernel.args")
    #expect(FieldPath(dotted: "network devices.default.ipaddr").keys == ["network devices", "default", "ipaddr"])
  }

  @Test func convenienceAccessors() {
    #expect(ConfValue.string("x").stringValue == "x")
    #expect(ConfValue.scalar("5", .int).stringValue == "5")
    #expect(ConfValue.scalar("~", .null).stringValue == nil)
    #expect(ConfValue.strings(["a", "b"]).listValue == ["a", "b"])
    #expect(ConfValue.map(["a": .string("b")]).mapValue == ["a": .string("b")])
    #expect(ConfValue.list([.map([:])]).listValue == nil)
  }

  @Test func validateNamesTheFirstBadPath() throws {
    try ClusterConfig.fresh.validate()
    var config = ClusterConfig.fresh
    config.nodes["n1"] = Entity(fields: ["network devices": .map(["default": .string("x")])])
    #expect(throws: ModelError("nodes.n1.network devices.default: expected a map, found a scalar")) { try config.validate() }
    config.nodes["n1"] = Entity(fields: ["kernel": .map(["args": .map([:])]), "resources": .map(["x": .list([.map([:])])])])
    #expect(throws: ModelError("nodes.n1.kernel.args: expected a list, found a map")) { try config.validate() }
  }

  @Test func freshClusterHasDefaultProfile() {
    #expect(Array(ClusterConfig.fresh.profiles.keys) == ["default"])
    #expect(ClusterConfig.fresh.nodes.isEmpty)
  }

  @Test(arguments: [
    ("true", ScalarKind.bool), ("yes", .bool), ("Off", .bool), ("~", .null), ("", .null), ("NULL", .null),
    ("42", .int), ("-7", .int), ("0x1f", .int), ("0o17", .int), ("0b11", .int), ("1_000", .int), ("10:00", .int),
    ("3.5", .float), ("1e3", .float), ("-1.5E-3", .float), (".inf", .float), (".NaN", .float), ("1.", .float),
    ("10.0.0.1", .string), ("aa:bb", .string), ("0x", .string), ("e3", .string), ("1e", .string), ("abc", .string),
    ("1-2", .string), ("+", .string), (":", .string),
  ])
  func plainScalarKinds(text: String, kind: ScalarKind) {
    #expect(ScalarStyle.kind(ofPlain: text) == kind)
  }
}
