extension Value: CustomStringConvertible {
  /// What `print` and `str` show: strings bare, everything else as written.
  /// For messages: an object that cannot describe itself shows as `<type>`.
  public var description: String {
    if case .string(let s) = self { return s }
    return repr
  }

  /// The value as it would be written in source: strings quoted. For
  /// messages, as `description` is.
  public var repr: String {
    var out = ""
    write(to: &out, depth: 0) { (try? $0.inlineDescription) ?? "<\($0.typeName)>" }
    return out
  }

  /// `description` for output (`print`, `str`, interpolation): an object
  /// that cannot describe itself throws its error.
  public func checkedDescription() throws -> String {
    if case .string(let s) = self { return s }
    return try checkedRepr()
  }

  /// `repr` for output, throwing as `checkedDescription` does.
  public func checkedRepr() throws -> String {
    var out = ""
    try write(to: &out, depth: 0) { try $0.inlineDescription }
    return out
  }

  private func write(to out: inout String, depth: Int, object: (HostObject) throws -> String) rethrows {
    guard depth < 50 else { out += "…"; return }
    switch self {
    case .null: out += "nil"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .float(let f): out += Value.formatFloat(f)
    case .string(let s): out += Value.quote(s)
    case .ip(let ip): out += ip.description
    case .cidr(let c): out += c.description
    case .mac(let m): out += m.description
    case .size(let s): out += Units.formatSize(s)
    case .duration(let d): out += Units.formatDuration(d)
    case .device(let d): out += d
    case .range(let a, let b): out += "\(a)..\(b)"
    case .list(let l):
      out += "["
      for (i, item) in l.items.enumerated() {
        if i > 0 { out += ", " }
        try item.write(to: &out, depth: depth + 1, object: object)
      }
      out += "]"
    case .map(let m):
      out += "{"
      var first = true
      for (k, v) in m.entries.pairs {
        if !first { out += ", " }
        first = false
        if case .string(let s) = k, Value.isPlainKey(s) {
          out += s
        } else {
          try k.write(to: &out, depth: depth + 1, object: object)
        }
        out += ": "
        try v.write(to: &out, depth: depth + 1, object: object)
      }
      out += "}"
    case .function(let f): out += f.kind == .native ? "<builtin \(f.name)>" : "<fn \(f.name)>"
    case .object(let o): out += try object(o)
    }
  }

  /// Shortest text that reads back as the same double, always with a point.
  static func formatFloat(_ f: Double) -> String {
    if f.isNaN { return "nan" }
    if f.isInfinite { return f < 0 ? "-inf" : "inf" }
    return f.description
  }

  static func isPlainKey(_ s: String) -> Bool {
    guard let first = s.utf8.first, Lexer.isIdentStart(first) else { return false }
    return s.utf8.allSatisfy(Lexer.isIdentChar) && TokenKind.keywords[s] == nil
  }

  /// A double-quoted literal with escapes.
  public static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "$": out += "\\$"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          out += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
