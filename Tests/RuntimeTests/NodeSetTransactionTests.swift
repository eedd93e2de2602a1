import Foundation
import Testing
@testable import Runtime

/// Broadcasts to a node set are part of the script's one transaction: a
/// failing line later in the script leaves nodes.conf as it was.
struct NodeSetTransactionTests {
  static let broadcasts = """
    let sc = nodes["sc[001-004]"]
    sc.tags.cpuArch = "aarch64"
    sc.netdevs.ib0.netmask = 255.255.0.0
    sc.kernel.args += ["console=ttyS0"]
    """

  @Test func failingLineLeavesNodesConfUnchanged() throws {
    let cluster = try ScratchCluster("nodeset-transaction")
    try cluster.script(#"nodes.add("sc[001-004]", ipaddr: 10.0.0.1)"#)
    let before = try String(contentsOfFile: cluster.store.nodesConfPath, encoding: .utf8)

    let failure = cluster.failure(Self.broadcasts + "\nsc.ipmi.ipaddr = 10.2.0.1\n")
    #expect(failure?.contains("4 nodes cannot share one ipmi.ipaddr") == true, "\(failure ?? "no failure")")
    #expect(try String(contentsOfFile: cluster.store.nodesConfPath, encoding: .utf8) == before)

    try cluster.script(Self.broadcasts)
    let state = try cluster.committed()
    for id in ["sc001", "sc004"] {
      let node = try #require(state.cluster.nodes[id])
      #expect(node[FieldPath(["tags", "cpuArch"])]?.stringValue == "aarch64")
      #expect(node[FieldPath(["network devices", "ib0", "netmask"])]?.stringValue == "255.255.0.0")
      #expect(node[FieldPath(["kernel", "args"])]?.listValue == ["console=ttyS0"])
    }
  }
}
