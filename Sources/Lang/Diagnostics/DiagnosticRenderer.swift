/// Renders diagnostics the way compilers do:
///
///     script.howl:3:7: error: undefined name 'nodez'
///       3 | print(nodez)
///         |       ^~~~~
///     help: did you mean 'nodes'?
public struct DiagnosticRenderer: Sendable {
  public var color: Bool

  public init(color: Bool) { self.color = color }

  private func paint(_ text: String, _ code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  public func render(_ error: LangError) -> String {
    error.diagnostics.map(render).joined()
  }

  public func render(_ d: Diagnostic) -> String {
    var out = ""
    let location = d.location
    if !location.isEmpty { out += paint(location + ":", "1") + " " }
    out += paint("error:", "1;31") + " " + paint(d.message, "1") + "\n"
    if let file = d.file, let span = d.span {
      out += excerpt(file: file, span: span)
    }
    if let suggestion = d.suggestion { out += paint("help:", "1;36") + " " + suggestion + "\n" }
    for note in d.notes { out += paint("note:", "1;34") + " " + note + "\n" }
    for entry in d.trace {
      var place = entry.file?.name ?? "?"
      if let file = entry.file {
        let (line, column) = file.lineAndColumn(of: entry.span.start)
        place += ":\(line):\(column)"
      }
      out += paint("note:", "1;34") + " in fn '\(entry.function)', called from \(place)\n"
      if entry.repeats > 0 {
        out += paint("note:", "1;34") + " … \(counted(entry.repeats)) more call\(entry.repeats == 1 ? "" : "s") of '\(entry.function)' from \(place)\n"
      }
    }
    if d.omittedCalls > 0 {
      out += paint("note:", "1;34") + " … \(counted(d.omittedCalls)) more call\(d.omittedCalls == 1 ? "" : "s")\n"
    }
    return out
  }

  /// 99990 as "99,990".
  private func counted(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return out
  }

  private func excerpt(file: SourceFile, span: Span) -> String {
    let (line, column) = file.lineAndColumn(of: span.start)
    let text = file.line(line)
    let (endLine, endColumn) = file.lineAndColumn(of: max(span.start, span.end))
    let width = endLine == line ? max(1, endColumn - column) : max(1, text.count - column + 1)
    let gutter = String(line)
    let pad = String(repeating: " ", count: gutter.count)
    let lead = String(text.prefix(column - 1).map { $0 == "\t" ? "\t" : " " })
    let marker = "^" + String(repeating: "~", count: max(0, min(width, 200) - 1))
    return " \(gutter) | \(text)\n \(pad) | \(lead)\(paint(marker, "1;32"))\n"
  }
}
