import Foundation
import Runtime
import Testing

/// Times the `/etc/hosts`-style template over generated nodes, the same template and
/// data as `go run scripts/template-conformance/main.go -bench N`. Prints the time;
/// asserts only the output. Run alone, in release mode:
///
///     HOWL_TEMPLATE_BENCH_NODES=50000 swift test -c release --filter TemplateBenchmark
///
/// `HOWL_TEMPLATE_BENCH_OUT=FILE` writes the output, to compare with Go's `-out FILE`.
struct TemplateBenchmarkTests {
  static let hostsTemplate = """
    # Generated for {{.ClusterName}}
    127.0.0.1 localhost
    {{range $i, $n := .AllNodes}}{{if $n.Ipaddr}}{{$n.Ipaddr}} {{$n.Id}}{{if $n.Domain}} {{$n.Id}}.{{$n.Domain}}{{end}}{{range $n.NetDevs}} {{$n.Id}}-{{.Name}}{{end}}
    {{else}}# {{$n.Id}} has no address
    {{end}}{{if eq (printf "%d" $i) "0"}}# first node{{"\\n"}}{{end}}{{end}}{{printf "# %d nodes\\n" (len .AllNodes)}}
    """

  /// The generator of the Go program, node for node.
  static func nodes(_ count: Int) -> TemplateValue {
    var nodes: [TemplateValue] = []
    nodes.reserveCapacity(count)
    let devices: TemplateValue = .list([.map(TemplateMap(["Name": "eth0"])), .map(TemplateMap(["Name": "ib0"]))])
    for i in 0..<count {
      let id = String(i)
      var node: [String: TemplateValue] = [
        "Id": .string("n" + String(repeating: "0", count: max(0, 5 - id.count)) + id),
        "Ipaddr": .string(i % 10 == 0 ? "" : "10.\(i / 65536).\((i / 256) % 256).\(i % 256)"),
        "NetDevs": devices,
      ]
      if i % 3 == 0 { node["Domain"] = "cluster.local" }
      nodes.append(.map(TemplateMap(node)))
    }
    return .map(TemplateMap(["ClusterName": "bench", "AllNodes": .list(nodes)]))
  }

  /// A node as a host object, the way Howl's binding exposes merged nodes (fields looked up on demand).
  final class TemplateNode: TemplateObject {
    let id: String, ipaddr: String, domain: String
    let netDevs: TemplateValue
    init(id: String, ipaddr: String, domain: String, netDevs: TemplateValue) {
      self.id = id
      self.ipaddr = ipaddr
      self.domain = domain
      self.netDevs = netDevs
    }
    var templateTypeName: String { "node.TemplateNode" }
    func templateField(_ name: String) -> TemplateValue? {
      switch name {
      case "Id": return .string(id)
      case "Ipaddr": return .string(ipaddr)
      case "Domain": return .string(domain)
      case "NetDevs": return netDevs
      default: return nil
      }
    }
  }

  /// The same nodes as host objects.
  static func objectNodes(_ count: Int) -> TemplateValue {
    guard case .map(let root) = nodes(count), case .list(let maps)? = root["AllNodes"] else { return .null }
    let objects: [TemplateValue] = maps.map { value in
      guard case .map(let m) = value else { return .null }
      func text(_ key: String) -> String {
        if case .string(let s)? = m[key] { return s }
        return ""
      }
      return .object(TemplateNode(id: text("Id"), ipaddr: text("Ipaddr"), domain: text("Domain"), netDevs: m["NetDevs"] ?? .null))
    }
    return .map(TemplateMap(["ClusterName": "bench", "AllNodes": .list(objects)]))
  }

  @Test(arguments: ["maps", "objects"])
  func hostsTemplateTiming(shape: String) throws {
    let count = Int(ProcessInfo.processInfo.environment["HOWL_TEMPLATE_BENCH_NODES"] ?? "") ?? 2_000
    let data = shape == "maps" ? Self.nodes(count) : Self.objectNodes(count)
    let template = try Template(name: "hosts").parse(Self.hostsTemplate)
    var output: [UInt8] = []
    try template.execute(data: data, into: &output)
    var best = Duration.seconds(1_000)
    let clock = ContinuousClock()
    for _ in 0..<5 {
      output.removeAll(keepingCapacity: true)
      let elapsed = try clock.measure { try template.execute(data: data, into: &output) }
      best = min(best, elapsed)
    }
    let ms = Double(best.components.seconds) * 1000 + Double(best.components.attoseconds) / 1e15
    print("howl template (\(shape)): \(count) nodes, \(output.count) bytes, best of 5: \(String(format: "%.2f", ms)) ms")
    if shape == "maps", let path = ProcessInfo.processInfo.environment["HOWL_TEMPLATE_BENCH_OUT"] {
      _ = FileManager.default.createFile(atPath: path, contents: Data(output))
    }
    let text = String(decoding: output, as: UTF8.self)
    #expect(text.hasPrefix("# Generated for bench\n127.0.0.1 localhost\n# n00000 has no address\n# first node\n"))
    #expect(text.hasSuffix("# \(count) nodes\n"))
  }
}
