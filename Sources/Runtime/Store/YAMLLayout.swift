/// How an existing YAML file is laid out — its indent step and the comments
/// and `---` before its first key — so that rewriting it changes only the
/// lines whose values changed (Warewulf's yaml.v3 writes four spaces; Howl
/// writes two in a new file).
public struct YAMLLayout: Equatable, Sendable {
  public var indent: Int
  /// Lines before the first key, each ending in a newline.
  public var header: String

  public init(indent: Int = 2, header: String = "") {
    self.indent = indent
    self.header = header
  }

  /// The layout of `text`; the default for a file with no nested lines.
  public static func detect(in text: String) -> YAMLLayout {
    var layout = YAMLLayout()
    var inHeader = true
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " }
      if inHeader {
        if trimmed.isEmpty || trimmed.hasPrefix("#") || line == "---" {
          layout.header += line + "\n"
          continue
        }
        inHeader = false
        continue
      }
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let spaces = line.count - trimmed.count
      if spaces > 0 {
        if (1...8).contains(spaces) { layout.indent = spaces }
        break
      }
    }
    if inHeader { layout.header = "" }
    return layout
  }
}
