import Foundation
import Runtime
import Testing

/// The status document `howl serve` writes by hand reads back through
/// JSONDecoder as it was, odd text included.
@Suite struct BootStatusJSONTests {
  @Test func theHandWrittenDocumentReadsBackWhole() throws {
    var odd = BootStatusFile.Entry(nodeName: "n\"1\\", stage: "runtime", sent: "tab\there\nnew line \u{1} é 🐺", ipaddr: "10.0.0.1", lastSeen: 1_764_000_000)
    odd.runtimeRefresh = 1_764_000_060
    odd.runtimeDigest = String(repeating: "ab", count: 32)
    odd.runtimeChanged = 3
    odd.runtimeAfter = 7
    let plain = BootStatusFile.Entry(nodeName: "n2", stage: "ipxe", sent: "default.ipxe", ipaddr: "", lastSeen: 0)
    let nodes = ["n\"1\\": odd, "n2": plain]
    let data = BootStatusFile.json(nodes)
    let decoded = try JSONDecoder().decode(BootStatusFile.Document.self, from: data)
    #expect(decoded.nodes == nodes)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.range(of: "\"n\\\"1\\\\\"")!.lowerBound < text.range(of: "\"n2\"")!.lowerBound, "nodes in sorted order:\n\(text)")
    #expect(try JSONDecoder().decode(BootStatusFile.Document.self, from: BootStatusFile.json([:])).nodes.isEmpty)
  }
}
