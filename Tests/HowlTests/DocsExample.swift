import Foundation

/// One fenced block of the README or a `docs/` page: its info string (the
/// words after the opening fence, such as `howl run`), its text, and where
/// it is, for messages.
struct DocsExample: Sendable, CustomStringConvertible {
  /// The page, relative to the package root (`docs/nodes.md`).
  let page: String
  /// The line of the opening fence, counted from 1.
  let line: Int
  /// The info string's words: `["howl"]`, `["howl", "run"]`, `["sh"]`, `["text"]`.
  let info: [String]
  /// The block's lines between its fences, each ending in a newline.
  let text: String

  var description: String { "\(page):\(line) ```\(info.joined(separator: " "))" }

  /// The kind of the example: `howl`, `sh` or `text` (empty when unfenced by kind).
  var kind: String { info.first ?? "" }

  /// Whether the block runs as written in an empty `HOWL_ROOT` (```howl run).
  var runs: Bool { kind == "howl" && info.dropFirst().contains("run") }

  /// The README and every `docs/*.md` page of the package, in name order.
  static func pages() throws -> [String] {
    let docs = try FileManager.default.contentsOfDirectory(atPath: HowlProgram.packageRoot.appendingPathComponent("docs").path)
    return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
  }

  /// Every fenced block of every page.
  static func all() throws -> [DocsExample] {
    try pages().flatMap { page in
      let text = try String(contentsOf: HowlProgram.packageRoot.appendingPathComponent(page), encoding: .utf8)
      return blocks(in: text, page: page)
    }
  }

  /// The fenced blocks of a Markdown text: fences of three backticks at the
  /// start of a line or indented inside a list item, whose indentation the
  /// block's lines lose.
  static func blocks(in markdown: String, page: String) -> [DocsExample] {
    var found: [DocsExample] = []
    var open: (line: Int, info: [String], indent: Int)?
    var body: [Substring] = []
    for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let indent = line.prefix { $0 == " " }.count
      let fence = line.dropFirst(indent)
      guard fence.hasPrefix("```") else {
        if let start = open { body.append(line.dropFirst(min(start.indent, indent))) }
        continue
      }
      if let start = open {
        found.append(DocsExample(page: page, line: start.line, info: start.info,
                                 text: body.joined(separator: "\n") + "\n"))
        open = nil
        body = []
      } else {
        open = (index + 1, fence.dropFirst(3).split(separator: " ").map(String.init), indent)
      }
    }
    return found
  }
}
