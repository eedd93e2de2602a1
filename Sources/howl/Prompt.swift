import Lang

/// The REPL's prompts: `howl> `, `howl node sc001> ` once `use node sc001`
/// selected something, with `*` before the `>` while changes are staged but
/// not committed; and a continuation prompt of dots, as wide as the prompt.
struct Prompt {
  /// How many characters of the selection's description the prompt shows.
  static let selectionWidth = 24

  /// The prompt as displayed, without colour.
  let text: String
  private let selection: String?
  private let uncommitted: Bool

  init(selection: (register: String, value: Value)?, uncommitted: Bool) {
    self.selection = selection.map { register, value in
      // Objects describe themselves with their kind ("node sc001"); say it once.
      let text = value.description
      return text.hasPrefix(register + " ") ? Self.shortened(text) : "\(register) \(Self.shortened(text))"
    }
    self.uncommitted = uncommitted
    text = "howl" + (self.selection.map { " " + $0 } ?? "") + (uncommitted ? "*" : "") + "> "
  }

  /// The prompt for the lines after the first of a multi-line entry.
  var continuation: String { String(repeating: ".", count: max(3, text.count - 2)) + "> " }

  /// The prompt with colour codes, each wrapped in `delimiter` so the line
  /// editor knows they take no room on the screen.
  func colored(delimiter: Character) -> String {
    func paint(_ s: String, _ code: String) -> String {
      "\(delimiter)\u{1B}[\(code)m\(delimiter)\(s)\(delimiter)\u{1B}[0m\(delimiter)"
    }
    return paint("howl", "1") + (selection.map { " " + paint($0, "36") } ?? "") + (uncommitted ? paint("*", "1;33") : "")
      + "> "
  }

  /// One line, at most `selectionWidth` characters, eliding the middle.
  static func shortened(_ description: String) -> String {
    let line = description.split(whereSeparator: \.isNewline).joined(separator: " ")
    guard line.count > selectionWidth else { return line }
    let half = (selectionWidth - 1) / 2
    return line.prefix(selectionWidth - 1 - half) + "…" + line.suffix(half)
  }
}
