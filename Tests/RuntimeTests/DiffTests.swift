import OrderedCollections
import Testing
@testable import Runtime

@Suite struct DiffTests {
  static func cluster(_ count: Int) -> ClusterState {
    var state = ClusterState()
    for index in 1...count {
      var node = Entity(fields: ["profiles": .strings(["default"]), "root": .string("initramfs")])
      node[FieldPath("network devices", "default", "ipaddr")] = .string("10.0.\(index / 200).\(index % 200 + 1)")
      state.cluster.nodes["sc" + Hostlist.pad(index, 3)] = node
    }
    return state
  }

  @Test func identicalChangesFoldIntoOneLine() {
    let old = Self.cluster(300)
    var new = old
    for index in 1...270 { new.cluster.nodes["sc" + Hostlist.pad(index, 3)]![FieldPath("root")] = .string("/dev/disk/by-partlabel/rootfs") }
    #expect(StateDiff.lines(from: old, to: new) == ["sc[001-270]: root initramfs → /dev/disk/by-partlabel/rootfs"])
  }

  @Test func addedAndRemovedNodesAndProfiles() {
    let old = Self.cluster(4)
    var new = old
    new.cluster.nodes["sc005"] = Entity()
    new.cluster.nodes["sc006"] = Entity()
    new.cluster.nodes.removeValue(forKey: "sc001")
    new.cluster.profiles["gpu"] = Entity(fields: ["tags": .map(["gpu": .string("a100")])])
    var withOld = old
    withOld.cluster.profiles["old"] = Entity()
    #expect(StateDiff.lines(from: withOld, to: new) == [
      "- profile old", "+ profile gpu", "- node sc001", "+ node sc[005-006]",
    ])
  }

  @Test func fieldLevelChangesShowUnsetSides() {
    let old = Self.cluster(2)
    var new = old
    new.cluster.nodes["sc001"]![FieldPath("network devices", "default", "ipaddr")] = .string("10.0.0.99")
    new.cluster.nodes["sc002"]![FieldPath("root")] = nil
    new.cluster.nodes["sc002"]![FieldPath("kernel", "args")] = .strings(["quiet"])
    new.cluster.profiles["default"]![FieldPath("init")] = nil
    #expect(StateDiff.lines(from: old, to: new) == [
      "profile default: init /sbin/init → (unset)",
      "sc001: network devices.default.ipaddr 10.0.0.2 → 10.0.0.99",
      "sc002: kernel.args (unset) → [quiet]",
      "sc002: root initramfs → (unset)",
    ])
  }

  @Test func serverChanges() {
    let old = ClusterState()
    var new = old
    new.server.dhcp.rangeStart = "10.0.0.100"
    new.server.ports.http = 8080
    #expect(StateDiff.lines(from: old, to: new) == [
      "server: warewulf.port 9873 → 8080",
      "server: dhcp.range start \"\" → 10.0.0.100",
    ])
    #expect(StateDiff.lines(from: new, to: new).isEmpty)
  }
}
