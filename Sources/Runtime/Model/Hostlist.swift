/// Node-name patterns as Slurm, pdsh, ClusterShell and Warewulf write them:
/// `sc[001-004,010]`, `r[1-2]-n[08-09]`, `a,b,c[1-3]`.
public enum Hostlist {
  /// The most names one pattern may expand to.
  public static let maximumCount = 1_000_000

  /// A pattern that cannot be expanded.
  public struct SyntaxError: Error, Equatable, CustomStringConvertible {
    public var pattern: String
    public var message: String
    public var description: String { "bad hostlist \"\(pattern)\": \(message)" }
  }

  /// The names `pattern` stands for, in the order written (`n[4,1]` gives
  /// n4, n1), bracket groups crossed left to right, zero padding kept from
  /// the range start (`n[08-10]`), `a-b/step` allowed.
  /// - Throws: `SyntaxError` on unbalanced or empty brackets, non-numeric or
  ///   reversed ranges, or more than `maximumCount` names.
  public static func expand(_ pattern: String) throws -> [String] {
    func fail(_ message: String) -> SyntaxError { SyntaxError(pattern: pattern, message: message) }
    var out: [String] = []
    for element in try splitTopLevel(pattern, fail) {
      if element.isEmpty { throw fail("empty name") }
      var parts: [[String]] = []   // alternatives for each literal or bracket part
      var literal = ""
      var index = element.startIndex
      while index < element.endIndex {
        let c = element[index]
        if c == "[" {
          guard let close = element[index...].firstIndex(of: "]") else { throw fail("unclosed [") }
          parts.append([literal])
          literal = ""
          parts.append(try ranges(String(element[element.index(after: index)..<close]), fail))
          index = element.index(after: close)
        } else if c == "]" {
          throw fail("] without [")
        } else {
          literal.append(c)
          index = element.index(after: index)
        }
      }
      parts.append([literal])
      var count = 1
      for alternatives in parts {
        count *= alternatives.count
        if count + out.count > maximumCount { throw fail("more than \(maximumCount) names") }
      }
      var names = [""]
      for alternatives in parts where !(alternatives.count == 1 && alternatives[0].isEmpty) {
        names = names.flatMap { prefix in alternatives.map { prefix + $0 } }
      }
      out += names
    }
    return out
  }

  /// Splits at commas outside brackets.
  static func splitTopLevel(_ text: String, _ fail: (String) -> SyntaxError) throws -> [Substring] {
    var out: [Substring] = []
    var depth = 0
    var start = text.startIndex
    for index in text.indices {
      switch text[index] {
      case "[":
        depth += 1
        if depth > 1 { throw fail("nested [") }
      case "]": depth -= 1
      case "," where depth == 0:
        out.append(text[start..<index])
        start = text.index(after: index)
      default: break
      }
    }
    if depth > 0 { throw fail("unclosed [") }
    out.append(text[start...])
    return out.map { $0.trimmingSpaces }
  }

  /// The index strings of a bracket body: `001-004,010`, `1-9/2`.
  static func ranges(_ body: String, _ fail: (String) -> SyntaxError) throws -> [String] {
    if body.isEmpty { throw fail("empty []") }
    var out: [String] = []
    for item in body.split(separator: ",", omittingEmptySubsequences: false) {
      let item = item.trimmingSpaces
      var range = item
      var step = 1
      if let slash = item.firstIndex(of: "/") {
        range = item[..<slash]
        guard let s = Int(item[item.index(after: slash)...]), s > 0 else { throw fail("bad step in \(item)") }
        step = s
      }
      let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
      guard bounds.count == 1 || bounds.count == 2, bounds.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
            bounds.allSatisfy({ $0.count <= 18 })
      else { throw fail("bad range \"\(item)\"") }
      let start = Int(bounds[0])!, end = Int(bounds[bounds.count - 1])!
      if end < start { throw fail("reversed range \"\(item)\"") }
      if (end - start) / step + out.count >= maximumCount { throw fail("more than \(maximumCount) names") }
      let width = bounds[0].count > 1 && bounds[0].first == "0" ? bounds[0].count : 0
      for value in stride(from: start, through: end, by: step) { out.append(pad(value, width)) }
    }
    return out
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}

extension Substring {
  var trimmingSpaces: Substring {
    var s = self
    while s.first == " " { s.removeFirst() }
    while s.last == " " { s.removeLast() }
    return s
  }
}

extension Character {
  var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}
