import OrderedCollections

/// Writes `ConfValue`s as block-style YAML, `step` spaces per level (two
/// unless the file being rewritten used another), lists indented under their
/// key, empty maps and lists as `{}` and `[]`. The output is fixed by the
/// value and the step alone, so reading it back and writing again gives the
/// same bytes.
struct YAMLWriter {
  private(set) var output = ""
  let step: Int

  init(capacity: Int = 0, step: Int = 2) {
    self.step = step
    output.reserveCapacity(capacity)
  }

  static func key(_ key: String) -> String { ScalarStyle.render(key, .string) }

  /// `key: value` lines at `indent` for each entry of `map`.
  mutating func entries(_ map: OrderedDictionary<String, ConfValue>, indent: Int) {
    for (key, value) in map { entry(key, value, indent: indent) }
  }

  mutating func entry(_ key: String, _ value: ConfValue, indent: Int) {
    pad(indent)
    output += YAMLWriter.key(key)
    output += ":"
    body(value, indent: indent)
  }

  /// The value of an entry or list item whose `key:` or `-` is already
  /// written: inline for scalars and empty collections, else on the next
  /// lines, one level deeper.
  mutating func body(_ value: ConfValue, indent: Int) {
    switch value {
    case .scalar(let text, let kind):
      let rendered = ScalarStyle.render(text, kind)
      if !rendered.isEmpty { output += " " + rendered }
      output += "\n"
    case .list(let items) where items.isEmpty:
      output += " []\n"
    case .map(let entries) where entries.isEmpty:
      output += " {}\n"
    case .list(let items):
      output += "\n"
      for item in items { listItem(item, indent: indent + step) }
    case .map(let entries):
      output += "\n"
      self.entries(entries, indent: indent + step)
    }
  }

  /// `- item` at `indent`; a non-empty map or list item starts on the dash's line.
  mutating func listItem(_ item: ConfValue, indent: Int) {
    pad(indent)
    output += "-"
    switch item {
    case .map(let entries) where !entries.isEmpty:
      var first = true
      for (key, value) in entries {
        if first { output += " " + YAMLWriter.key(key) + ":"; body(value, indent: indent + 2); first = false }
        else { entry(key, value, indent: indent + 2) }
      }
    case .list(let items) where !items.isEmpty:
      output += "\n"
      for inner in items { listItem(inner, indent: indent + step) }
    default:
      body(item, indent: indent)
    }
  }

  mutating func pad(_ indent: Int) {
    output += String(repeating: " ", count: indent)
  }
}
