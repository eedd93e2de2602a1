/// Formatting and parsing of sizes (binary units) and durations.
public enum Units {
  static let sizeSuffixes: [(String, Int)] = [("P", 1 << 50), ("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]

  /// `1610612736` → `1.5G`: the largest unit that fits, up to two decimals.
  public static func formatSize(_ bytes: Int) -> String {
    let magnitude = bytes.magnitude
    for (suffix, scale) in sizeSuffixes where magnitude >= UInt(scale) {
      return trimmed(Double(bytes) / Double(scale)) + suffix
    }
    return "\(bytes)B"
  }

  /// Parses `512M`, `1.5G`, `10GiB`, `4096`, `100B`.
  public static func parseSize(_ text: String) -> Int? {
    let s = text.trimmingSpaces
    let digits = s.prefix { $0.isNumber || $0 == "." }
    var unit = s.dropFirst(digits.count)
    guard let amount = Double(digits) else { return nil }
    if unit.hasSuffix("iB") { unit = unit.dropLast(2) } else if unit.count > 1 && unit.hasSuffix("B") { unit = unit.dropLast() }
    let scale: Int
    switch unit {
    case "", "B": scale = 1
    case "K", "k": scale = 1 << 10
    case "M": scale = 1 << 20
    case "G": scale = 1 << 30
    case "T": scale = 1 << 40
    case "P": scale = 1 << 50
    default: return nil
    }
    let value = amount * Double(scale)
    guard value < 9.2e18 else { return nil }
    return Int(value.rounded())
  }

  static let durationParts: [(String, Int)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]

  /// Milliseconds → `1h30m`, `30s`, `250ms`, `1.5s`.
  public static func formatDuration(_ ms: Int) -> String {
    if ms == 0 { return "0s" }
    if ms < 0 { return "-" + formatDuration(ms == Int.min ? Int.max : -ms) }
    if ms < 1000 { return "\(ms)ms" }
    if ms % 1000 != 0 && ms < 60_000 { return trimmed(Double(ms) / 1000) + "s" }
    var rest = ms / 1000 * 1000
    var out = ""
    for (suffix, scale) in durationParts where rest >= scale {
      out += "\(rest / scale)\(suffix)"
      rest %= scale
    }
    if ms % 1000 != 0 { out += "\(ms % 1000)ms" }
    return out
  }

  /// Parses `30s`, `5m`, `1h30m`, `250ms`, `2d`.
  public static func parseDuration(_ text: String) -> Int? {
    let units: [String: Int] = ["ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000]
    var s = Substring(text.trimmingSpaces)
    guard !s.isEmpty else { return nil }
    var total = 0.0
    while !s.isEmpty {
      let digits = s.prefix { $0.isNumber || $0 == "." }
      s = s.dropFirst(digits.count)
      let unit = s.prefix { $0.isLetter }
      s = s.dropFirst(unit.count)
      guard let amount = Double(digits), let scale = units[String(unit)] else { return nil }
      total += amount * Double(scale)
    }
    guard total < 9.2e18 else { return nil }
    return Int(total.rounded())
  }

  /// Up to two decimals, trailing zeros dropped: 1.5, 2, 1.33.
  static func trimmed(_ x: Double) -> String {
    let hundredths = (x * 100).rounded()
    if hundredths.magnitude >= 9e15 { return String(Int(x)) }
    let h = Int(hundredths)
    let whole = h / 100
    let frac = abs(h % 100)
    let sign = h < 0 && whole == 0 ? "-" : ""
    if frac == 0 { return "\(sign)\(whole)" }
    if frac % 10 == 0 { return "\(sign)\(whole).\(frac / 10)" }
    return "\(sign)\(whole).\(frac < 10 ? "0" : "")\(frac)"
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and newlines.
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
    return String(self[first...last])
  }
}

/// Block devices: a bare name such as `nvme0n1` stands for `/dev/nvme0n1`.
public enum Devices {
  /// Whether `name` looks like a Linux block device name.
  public static func isDeviceName(_ name: String) -> Bool {
    let b = Array(name.utf8)
    func digits(_ i: inout Int) -> Bool {
      let s = i
      while i < b.count && Lexer.isDigit(b[i]) { i += 1 }
      return i > s
    }
    func letters(_ i: inout Int) -> Bool {
      let s = i
      while i < b.count && b[i] >= UInt8(ascii: "a") && b[i] <= UInt8(ascii: "z") { i += 1 }
      return i > s
    }
    func hasPrefix(_ p: String, _ i: inout Int) -> Bool {
      guard name.hasPrefix(p) else { return false }
      i = p.utf8.count
      return true
    }
    var i = 0
    if hasPrefix("nvme", &i) {
      guard digits(&i), i < b.count, b[i] == UInt8(ascii: "n") else { return false }
      i += 1
      guard digits(&i) else { return false }
      if i < b.count && b[i] == UInt8(ascii: "p") { i += 1; guard digits(&i) else { return false } }
      return i == b.count
    }
    if hasPrefix("mmcblk", &i) {
      guard digits(&i) else { return false }
      if i < b.count && b[i] == UInt8(ascii: "p") { i += 1; guard digits(&i) else { return false } }
      return i == b.count
    }
    for prefix in ["md", "loop", "nbd"] where hasPrefix(prefix, &i) {
      return digits(&i) && i == b.count
    }
    for prefix in ["xvd", "sd", "vd", "hd"] where hasPrefix(prefix, &i) {
      guard letters(&i), i - prefix.count <= 3 else { return false }
      _ = digits(&i)
      return i == b.count
    }
    return false
  }
}
