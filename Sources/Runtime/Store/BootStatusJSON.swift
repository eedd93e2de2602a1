import Foundation

extension BootStatusFile {
  /// The document as JSON, written by hand: `howl serve` rewrites the
  /// whole file each second while nodes report, and Foundation's encoder
  /// took a quarter of its CPU at 10,000 agents. Keys sorted, one node per
  /// line, strings quoted as Go quotes them (Warewulf's status document is
  /// Go's); `load` (JSONDecoder) reads it back.
  public static func json(_ nodes: [String: Entry]) -> Data {
    var out = "{\n  \"nodes\" : {"
    for (index, name) in nodes.keys.sorted().enumerated() {
      let entry = nodes[name]!
      var fields: [(String, String)] = [
        ("ipaddr", TemplateJSON.quote(entry.ipaddr)), ("last seen", String(entry.lastSeen)), ("node name", TemplateJSON.quote(entry.nodeName)),
        ("sent", TemplateJSON.quote(entry.sent)), ("stage", TemplateJSON.quote(entry.stage)),
      ]
      if let value = entry.runtimeChanged { fields.append(("runtime changed", String(value))) }
      if let value = entry.runtimeDigest { fields.append(("runtime digest", TemplateJSON.quote(value))) }
      if let value = entry.runtimeRefresh { fields.append(("runtime refresh", String(value))) }
      if let value = entry.runtimeAfter { fields.append(("runtime refresh token", String(value))) }
      out += index == 0 ? "\n    " : ",\n    "
      out += TemplateJSON.quote(name) + " : {" + fields.map { "\"\($0.0)\" : \($0.1)" }.joined(separator: ", ") + "}"
    }
    out += nodes.isEmpty ? "}\n}" : "\n  }\n}"
    return Data(out.utf8)
  }
}
