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
      out += paint("note:", "1;34") + " in \(entry.function), called from \(place)\n"
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
