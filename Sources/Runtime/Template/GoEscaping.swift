/// Go's `html`, `js` and `urlquery` escapers.
enum GoEscaping {
  static func html(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "&#34;"
      case "'": out += "&#39;"
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\u{0}": out += "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  static func js(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "'": out += "\\'"
      case "\"": out += "\\\""
      case "<": out += "\\u003C"
      case ">": out += "\\u003E"
      case "&": out += "\\u0026"
      case "=": out += "\\u003D"
      default:
        if scalar.value < 0x20 || (scalar.value >= 0x80 && !goIsPrint(scalar)) {
          let hex = String(scalar.value, radix: 16, uppercase: true)
          out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// Go's `url.QueryEscape`.
  static func queryEscape(_ s: String) -> String {
    var out = ""
    let hex = Array("0123456789ABCDEF".utf8)
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(b))
      case UInt8(ascii: " "):
        out += "+"
      default:
        out += "%"
        out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
        out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 15)]))
      }
    }
    return out
  }

  /// Go's `evalArgs`: a lone string as is, anything else through `fmt.Sprint`,
  /// with nil arguments shown as `<no value>`.
  static func argumentText(_ args: [TemplateValue]) -> String {
    if args.count == 1, case .string(let s) = args[0] { return s }
    return GoFormatter.sprint(args.map { $0.isNull ? .string("<no value>") : $0 })
  }
}
