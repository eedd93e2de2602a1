import Lang

/// The REPL's prompts: `howl> `, `howl node sc001> ` once `use node sc001`
/// selected something, with `*` before the `>` while changes are staged but
/// not committed; and a continuation prompt of dots, as wide as the prompt.
struct Prompt {
  /// How many characters of the selection's description the prompt shows.
  static let selectionWidth = 24

  /// The prompt as displayed, without colour.
  let text: String
  /// The prompt in runs of one colour (an SGR code, nil for plain); each run
  /// is non-empty and the last one is plain.
  private let runs: [(text: String, color: String?)]

  init(selection: (register: String, value: Value)?, uncommitted: Bool) {
    let selected = selection.map { register, value in
      // Objects describe themselves with their kind ("node sc001"); say it once.
      let text = value.description
      return text.hasPrefix(register + " ") ? Self.shortened(text) : "\(register) \(Self.shortened(text))"
    }
    runs = [("howl", "1")] + (selected.map { [(" ", nil), ($0, "36")] } ?? []) + (uncommitted ? [("*", "1;33")] : [])
      + [("> ", nil)]
    text = runs.map(\.text).joined()
  }

  /// The prompt for the lines after the first of a multi-line entry.
  var continuation: String { String(repeating: ".", count: max(3, text.count - 2)) + "> " }

  /// The prompt with colour codes for libedit's `EL_PROMPT_ESC`: libedit
  /// prints what stands between two `delimiter`s as is and attaches it to
  /// the visible character after it (a sequence with nothing visible after
  /// it is lost, and so is that character). So each change of colour is one
  /// delimited sequence (a reset, then the new colour) directly before the
  /// run it paints.
  func colored(delimiter: Character) -> String {
    var out = ""
    var current: String?
    for run in runs {
      if run.color != current {
        out += "\(delimiter)\u{1B}[0\(run.color.map { ";" + $0 } ?? "")m\(delimiter)"
        current = run.color
      }
      out += run.text
    }
    return out
  }

  /// One line, at most `selectionWidth` characters, eliding the middle;
  /// control characters (which take no column on the screen) become spaces.
  static func shortened(_ description: String) -> String {
    let line = String(description.split(whereSeparator: \.isNewline).joined(separator: " ")
      .map { $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true ? " " : $0 })
    guard line.count > selectionWidth else { return line }
    let half = (selectionWidth - 1) / 2
    return line.prefix(selectionWidth - 1 - half) + "…" + line.suffix(half)
  }
}
