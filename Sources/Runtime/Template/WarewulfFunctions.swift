/// Warewulf's pure template helpers: `basename`, `inc`, `dec`,
/// `SystemdEscape` and `SystemdEscapePath` (as Warewulf renders them).
enum WarewulfFunctions {
  static let registry: TemplateFunctionRegistry = {
    var r = TemplateFunctionRegistry()
    typealias C = SprigConvert
    r.register("basename", .fixed(1, [.string]) { .string(basename(try C.requireString($0, 0))) })
    r.register("inc", .fixed(1, [.int]) { .int(try C.requireInt($0, 0) &+ 1) })
    r.register("dec", .fixed(1, [.int]) { .int(try C.requireInt($0, 0) &- 1) })
    r.register("SystemdEscape", .fixed(1, [.string]) { .string(systemdEscape(try C.requireString($0, 0), isPath: false)) })
    r.register("SystemdEscapePath", .fixed(1, [.string]) { .string(systemdEscape(try C.requireString($0, 0), isPath: true)) })
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

  /// Warewulf's `SystemdEscape`/`SystemdEscapePath` (go-systemd's `UnitNameEscape` and
  /// `UnitNamePathEscape`, i.e. `systemd-escape [--path]`): `/` becomes `-`, a leading `.`
  /// and bytes outside `[A-Za-z0-9:_.]` become `\x` and their hex digits (unpadded, as
  /// go-systemd writes them); path mode drops leading, trailing and repeated slashes.
  static func systemdEscape(_ input: String, isPath: Bool) -> String {
    var out = ""
    var inSlashes = false
    var start = true
    for b in input.utf8 {
      if isPath {
        if b == UInt8(ascii: "/") {
          inSlashes = true
          continue
        } else if inSlashes {
          inSlashes = false
          if !start { out += "-" }
        }
      }
      switch b {
      case UInt8(ascii: "/"):
        out += "-"
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "."):
        if start && b == UInt8(ascii: ".") {
          out += "\\x2e"
        } else {
          out.unicodeScalars.append(Unicode.Scalar(b))
        }
      default:
        out += "\\x" + String(b, radix: 16)
      }
      start = false
    }
    if isPath && out.isEmpty { out = "-" }
    return out
  }
}
