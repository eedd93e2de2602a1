/// Warewulf's pure template helpers: `basename`, `inc`, `dec`,
/// `SystemdEscape` and `SystemdEscapePath` (matching `systemd-escape`).
enum WarewulfFunctions {
  static let registry: TemplateFunctionRegistry = {
    var r = TemplateFunctionRegistry()
    r.register("basename", .fixed(1) { .string(basename(SprigConvert.string($0[0]))) })
    r.register("inc", .fixed(1) { .int(SprigConvert.int($0[0]) &+ 1) })
    r.register("dec", .fixed(1) { .int(SprigConvert.int($0[0]) &- 1) })
    r.register("SystemdEscape", .fixed(1) { .string(systemdEscape(SprigConvert.string($0[0]), isPath: false)) })
    r.register("SystemdEscapePath", .fixed(1) { .string(systemdEscape(SprigConvert.string($0[0]), isPath: true)) })
    return r
  }()

  /// Go's `path.Base`.
  static func basename(_ path: String) -> String {
    if path.isEmpty { return "." }
    var p = Substring(path)
    while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
    if p == "/" { return "/" }
    if let slash = p.lastIndex(of: "/") { return String(p[p.index(after: slash)...]) }
    return String(p)
  }

  /// `systemd-escape [--path]`: `/` becomes `-`, bytes outside `[A-Za-z0-9:_.]`
  /// (and a leading `.`) become `\xNN`; `--path` first normalises the path.
  static func systemdEscape(_ input: String, isPath: Bool) -> String {
    var text = input
    if isPath {
      let parts = input.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
      if parts.isEmpty { return "-" }
      text = parts.joined(separator: "/")
    }
    var out = ""
    for (i, b) in text.utf8.enumerated() {
      switch b {
      case UInt8(ascii: "/"):
        out += "-"
      case UInt8(ascii: "."):
        if i == 0 { out += "\\x2e" } else { out += "." }
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "_"):
        out.unicodeScalars.append(Unicode.Scalar(b))
      default:
        let h = String(b, radix: 16)
        out += "\\x" + (h.count == 1 ? "0" + h : h)
      }
    }
    return out
  }
}
