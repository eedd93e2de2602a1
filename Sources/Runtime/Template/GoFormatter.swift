/// Go's `fmt` as templates use it: `%v` printing of values, `Sprint`,
/// `Sprintln` and `Sprintf` with Go's verbs, flags and error notations.
enum GoFormatter {
  // MARK: %v

  /// Appends the `%v` form of a value (`map[a:1]`, `[1 2]`, `<nil>`, `1e+21`).
  static func appendValue(_ value: TemplateValue, to output: inout [UInt8]) {
    switch value {
    case .null: output.append(contentsOf: "<nil>".utf8)
    case .bool(let b): output.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): appendDecimal(i, to: &output)
    case .float(let f): output.append(contentsOf: GoFloat.formatShortest(f).utf8)
    case .string(let s): output.append(contentsOf: s.utf8)
    case .list(let list):
      output.append(UInt8(ascii: "["))
      for (i, element) in list.enumerated() {
        if i > 0 { output.append(0x20) }
        appendValue(element, to: &output)
      }
      output.append(UInt8(ascii: "]"))
    case .map(let map):
      output.append(contentsOf: "map[".utf8)
      for (i, key) in map.sortedKeys.enumerated() {
        if i > 0 { output.append(0x20) }
        output.append(contentsOf: key.utf8)
        output.append(UInt8(ascii: ":"))
        appendValue(map[key] ?? .null, to: &output)
      }
      output.append(UInt8(ascii: "]"))
    case .object(let object): output.append(contentsOf: object.templateDescription.utf8)
    case .function: output.append(contentsOf: "0x0".utf8)
    }
  }

  /// The `%v` form as a String.
  static func string(_ value: TemplateValue) -> String {
    if case .string(let s) = value { return s }
    var bytes: [UInt8] = []
    appendValue(value, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: Sprint / Sprintln

  /// Go's `fmt.Sprint`: spaces between operands when neither side is a string.
  static func sprint(_ values: [TemplateValue]) -> String {
    var bytes: [UInt8] = []
    var previousWasString = true
    for (i, value) in values.enumerated() {
      let isString: Bool
      if case .string = value { isString = true } else { isString = false }
      if i > 0 && !isString && !previousWasString { bytes.append(0x20) }
      appendValue(value, to: &bytes)
      previousWasString = isString
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Go's `fmt.Sprintln`: operands separated by spaces, then a newline.
  static func sprintln(_ values: [TemplateValue]) -> String {
    var bytes: [UInt8] = []
    for (i, value) in values.enumerated() {
      if i > 0 { bytes.append(0x20) }
      appendValue(value, to: &bytes)
    }
    bytes.append(0x0A)
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: Sprintf

  struct Spec {
    var minus = false, plus = false, sharp = false, zero = false, space = false
    var width: Int?
    var precision: Int?
  }

  /// Go's `fmt.Sprintf`, including `*` widths and `[n]` argument indexes.
  static func sprintf(_ format: String, _ arguments: [TemplateValue]) -> String {
    var out = ""
    var argIndex = 0
    var reordered = false
    let chars = Array(format.unicodeScalars)
    var i = 0

    func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    /// Parses `[n]` at `i` as Go does: the new argument index, whether a well-formed
    /// index was read, and whether it names an argument.
    func argumentNumber(_ current: Int) -> (index: Int, present: Bool, good: Bool) {
      guard i < chars.count, chars[i] == "[" else { return (current, false, true) }
      reordered = true
      guard let close = chars[(i + 1)...].firstIndex(of: "]") else {
        i += 1
        return (current, false, false)
      }
      let digits = chars[(i + 1)..<close]
      i = close + 1
      guard !digits.isEmpty, digits.allSatisfy(isDigit) else { return (current, false, false) }
      let n = digits.reduce(0) { min($0 * 10 + Int($1.value - 0x30), 1_000_000) }
      guard n >= 1, n <= arguments.count else { return (current, true, false) }
      return (n - 1, true, true)
    }

    func intArgument(_ index: inout Int) -> Int? {
      defer { index += 1 }
      guard index < arguments.count, case .int(let n) = arguments[index], n > -1_000_000, n < 1_000_000 else { return nil }
      return n
    }

    while i < chars.count {
      let c = chars[i]
      if c != "%" {
        out.unicodeScalars.append(c)
        i += 1
        continue
      }
      i += 1
      var spec = Spec()
      var good = true
      flags: while i < chars.count {
        switch chars[i] {
        case "-": spec.minus = true; spec.zero = false
        case "+": spec.plus = true
        case "#": spec.sharp = true
        case "0": spec.zero = !spec.minus
        case " ": spec.space = true
        default: break flags
        }
        i += 1
      }
      var (index, afterIndex, ok) = argumentNumber(argIndex)
      argIndex = index
      good = good && ok
      if i < chars.count && chars[i] == "*" {
        i += 1
        if let w = intArgument(&argIndex) {
          spec.width = abs(w)
          if w < 0 { spec.minus = true; spec.zero = false }
        } else {
          out += "%!(BADWIDTH)"
        }
        afterIndex = false
      } else {
        var w = 0
        var present = false
        while i < chars.count, isDigit(chars[i]) {
          w = min(w * 10 + Int(chars[i].value - 0x30), 1_000_000)
          present = true
          i += 1
        }
        if present {
          spec.width = w
          if afterIndex { good = false }
        }
      }
      if i < chars.count && chars[i] == "." {
        i += 1
        if afterIndex { good = false }
        (index, afterIndex, ok) = argumentNumber(argIndex)
        argIndex = index
        good = good && ok
        if i < chars.count && chars[i] == "*" {
          i += 1
          if let p = intArgument(&argIndex), p >= 0 {
            spec.precision = p
          } else {
            out += "%!(BADPREC)"
          }
          afterIndex = false
        } else {
          var p = 0
          while i < chars.count, isDigit(chars[i]) {
            p = min(p * 10 + Int(chars[i].value - 0x30), 1_000_000)
            i += 1
          }
          spec.precision = p
        }
      }
      if !afterIndex {
        (index, afterIndex, ok) = argumentNumber(argIndex)
        argIndex = index
        good = good && ok
      }
      guard i < chars.count else {
        out += "%!(NOVERB)"
        break
      }
      let verb = Character(chars[i])
      i += 1
      if verb == "%" {
        out += "%"
        continue
      }
      guard good else {
        out += "%!\(verb)(BADINDEX)"
        continue
      }
      guard argIndex < arguments.count else {
        out += "%!\(verb)(MISSING)"
        continue
      }
      let argument = arguments[argIndex]
      argIndex += 1
      if verb == "v" && spec.sharp {
        out += pad(goSyntax(argument, topLevel: true), spec)
        continue
      }
      if verb == "v" { spec.plus = false }
      out += formatArgument(argument, verb: verb, spec: spec, topLevel: true)
    }
    if !reordered && argIndex < arguments.count {
      out += "%!(EXTRA "
      out += arguments[argIndex...].map { arg -> String in
        if case .null = arg { return "<nil>" }
        return "\(arg.goTypeName)=\(string(arg))"
      }.joined(separator: ", ")
      out += ")"
    }
    return out
  }

  /// `%#v`: Go-syntax representation.
  static func goSyntax(_ value: TemplateValue, topLevel: Bool) -> String {
    switch value {
    case .null: return topLevel ? "<nil>" : "interface {}(nil)"
    case .string(let s): return goQuote(s)
    case .list(let list): return "[]interface {}{" + list.map { goSyntax($0, topLevel: false) }.joined(separator: ", ") + "}"
    case .map(let map):
      return "map[string]interface {}{" + map.sortedKeys.map { goQuote($0) + ":" + goSyntax(map[$0] ?? .null, topLevel: false) }
        .joined(separator: ", ") + "}"
    default: return string(value)
    }
  }

  /// Go's `%!verb(type=value)`; the value is printed with `%v` under the same flags, width and precision.
  static func badVerb(_ verb: Character, _ value: TemplateValue, _ spec: Spec) -> String {
    if case .null = value { return "%!\(verb)(<nil>)" }
    return "%!\(verb)(\(value.goTypeName)=\(formatArgument(value, verb: "v", spec: spec, topLevel: true)))"
  }

  /// Pads to the width with spaces (or zeros when asked and allowed).
  static func pad(_ s: String, _ spec: Spec, zeroAllowed: Bool = true) -> String {
    guard let width = spec.width else { return s }
    let length = s.unicodeScalars.count
    guard length < width else { return s }
    let padding = width - length
    if spec.minus { return s + String(repeating: " ", count: padding) }
    if spec.zero && zeroAllowed {
      if let first = s.first, first == "-" || first == "+" || first == " " {
        return String(first) + String(repeating: "0", count: padding) + s.dropFirst()
      }
      return String(repeating: "0", count: padding) + s
    }
    return String(repeating: " ", count: padding) + s
  }

  static func formatArgument(_ value: TemplateValue, verb: Character, spec: Spec, topLevel: Bool) -> String {
    if verb == "T" { return pad(value.goTypeName, spec) }
    switch value {
    case .null:
      if !topLevel { return "<nil>" }
      if verb == "v" { return pad("<nil>", spec, zeroAllowed: false) }
      return badVerb(verb, value, spec)
    case .bool(let b):
      guard verb == "t" || verb == "v" else { return badVerb(verb, value, spec) }
      return pad(b ? "true" : "false", spec)
    case .int(let n):
      return formatInteger(n, verb: verb, spec: spec) ?? badVerb(verb, value, spec)
    case .float(let f):
      return formatFloat(f, verb: verb, spec: spec) ?? badVerb(verb, value, spec)
    case .string(let s):
      return formatString(s, verb: verb, spec: spec) ?? badVerb(verb, value, spec)
    case .list(let list):
      return "[" + list.map { formatArgument($0, verb: verb, spec: spec, topLevel: false) }.joined(separator: " ") + "]"
    case .map(let map):
      return "map[" + map.sortedKeys.map { key in
        formatArgument(.string(key), verb: verb, spec: spec, topLevel: false) + ":"
          + formatArgument(map[key] ?? .null, verb: verb, spec: spec, topLevel: false)
      }.joined(separator: " ") + "]"
    case .object(let object):
      guard verb == "v" || verb == "s" else { return badVerb(verb, value, spec) }
      return pad(object.templateDescription, spec)
    case .function:
      return pad("0x0", spec)
    }
  }

  static func formatInteger(_ n: Int, verb: Character, spec: Spec) -> String? {
    let negative = n < 0
    let magnitude = n.magnitude
    var digits: String
    var prefix = ""
    switch verb {
    case "d", "v": digits = String(magnitude)
    case "b": digits = String(magnitude, radix: 2); if spec.sharp { prefix = "0b" }
    case "o": digits = String(magnitude, radix: 8); if spec.sharp && magnitude != 0 { prefix = "0" }
    case "O": digits = String(magnitude, radix: 8); prefix = "0o"
    case "x": digits = String(magnitude, radix: 16); if spec.sharp { prefix = "0x" }
    case "X": digits = String(magnitude, radix: 16, uppercase: true); if spec.sharp { prefix = "0X" }
    case "c":
      let scalar = (n >= 0 && n <= 0x10FFFF ? Unicode.Scalar(UInt32(n)) : nil) ?? "\u{FFFD}"
      return pad(String(Character(scalar)), spec)
    case "q":
      return pad(goQuoteRune(n, asciiOnly: spec.plus), spec)
    case "U":
      var hex = String(UInt64(bitPattern: Int64(n)), radix: 16, uppercase: true)
      hex = String(repeating: "0", count: max(0, max(4, spec.precision ?? 0) - hex.count)) + hex
      var s = "U+" + hex
      if spec.sharp, n >= 0, n <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(n)), goIsPrint(scalar) {
        s += " '" + String(Character(scalar)) + "'"
      }
      return pad(s, spec, zeroAllowed: false)
    default:
      return nil
    }
    if let precision = spec.precision {
      if precision == 0 && n == 0 { digits = "" }
      if digits.count < precision { digits = String(repeating: "0", count: precision - digits.count) + digits }
    } else if spec.zero && !spec.minus, let width = spec.width {
      let signWidth = (negative || spec.plus || spec.space) ? 1 : 0
      let needed = width - signWidth - prefix.count
      if digits.count < needed { digits = String(repeating: "0", count: needed - digits.count) + digits }
    }
    let sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : ""
    return pad(sign + prefix + digits, spec, zeroAllowed: false)
  }

  static func formatFloat(_ f: Double, verb: Character, spec: Spec) -> String? {
    var s: String
    switch verb {
    case "v":
      s = GoFloat.format(f, verb: "g", precision: spec.precision, sharp: false)
      if spec.sharp { s = GoFloat.applySharp(s, verb: "v", precision: spec.precision) }
    case "g", "G", "e", "E", "f", "F", "x", "X", "b":
      s = GoFloat.format(f, verb: verb == "F" ? "f" : verb, precision: spec.precision, sharp: spec.sharp)
    default:
      return nil
    }
    if spec.plus && !s.hasPrefix("-") && !s.hasPrefix("+") { s = "+" + s }
    else if spec.space && !s.hasPrefix("-") && !s.hasPrefix("+") { s = " " + s }
    if s == "+Inf" && !spec.plus { s = spec.space ? " Inf" : "+Inf" }
    let finite = f.isFinite
    return pad(s, spec, zeroAllowed: finite)
  }

  static func formatString(_ s: String, verb: Character, spec: Spec) -> String? {
    var text = s
    if let precision = spec.precision, verb != "x", verb != "X" {
      text = String(String.UnicodeScalarView(s.unicodeScalars.prefix(precision)))
    }
    switch verb {
    case "s", "v":
      return pad(text, spec)
    case "q":
      if spec.sharp, !text.contains("`"), text.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }) {
        return pad("`" + text + "`", spec)
      }
      return pad(goQuote(text, asciiOnly: spec.plus), spec)
    case "x", "X":
      var bytes = Array(s.utf8)
      if let precision = spec.precision { bytes = Array(bytes.prefix(precision)) }
      let parts = bytes.map { b -> String in
        let h = String(b, radix: 16, uppercase: verb == "X")
        return h.count == 1 ? "0" + h : h
      }
      let prefix = spec.sharp ? (verb == "x" ? "0x" : "0X") : ""
      if spec.space {
        return pad(parts.map { prefix + $0 }.joined(separator: " "), spec)
      }
      return pad((bytes.isEmpty ? "" : prefix) + parts.joined(), spec)
    default:
      return nil
    }
  }
}

/// Appends the decimal digits of `value` without building a String.
@inline(__always)
func appendDecimal(_ value: Int, to output: inout [UInt8]) {
  if value >= 0 && value < 10 {
    output.append(UInt8(truncatingIfNeeded: value) &+ 0x30)
    return
  }
  var magnitude = value.magnitude
  var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
  var count = 0
  withUnsafeMutableBytes(of: &digits) { buffer in
    while magnitude > 0 {
      buffer[23 - count] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
      magnitude /= 10
      count += 1
    }
    if value < 0 { output.append(UInt8(ascii: "-")) }
    output.append(contentsOf: buffer[(24 - count)...])
  }
}
