import Foundation

extension BootStatusFile {
  /// The document as JSON, written by hand: `howl serve` rewrites the
  /// whole file each second while nodes report, and Foundation's encoder
  /// took a quarter of its CPU at 10,000 agents. Keys sorted, one node per
  /// line; `load` (JSONDecoder) reads it back.
  public static func json(_ nodes: [String: Entry]) -> Data {
    var out = "{\n  \"nodes\" : {"
    for (index, name) in nodes.keys.sorted().enumerated() {
      let entry = nodes[name]!
      var fields: [(String, String)] = [
        ("ipaddr", quoted(entry.ipaddr)), ("last seen", String(entry.lastSeen)), ("node name", quoted(entry.nodeName)),
        ("sent", quoted(entry.sent)), ("stage", quoted(entry.stage)),
      ]
      if let value = entry.runtimeChanged { fields.append(("runtime changed", String(value))) }
      if let value = entry.runtimeDigest { fields.append(("runtime digest", quoted(value))) }
      if let value = entry.runtimeRefresh { fields.append(("runtime refresh", String(value))) }
      if let value = entry.runtimeAfter { fields.append(("runtime refresh token", String(value))) }
      out += index == 0 ? "\n    " : ",\n    "
      out += quoted(name) + " : {" + fields.map { "\"\($0.0)\" : \($0.1)" }.joined(separator: ", ") + "}"
    }
    out += nodes.isEmpty ? "}\n}" : "\n  }\n}"
    return Data(out.utf8)
  }

  /// A JSON string: quotes, backslashes and control characters escaped.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
