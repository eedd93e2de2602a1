import Runtime
import Testing

/// Random templates stitched from fragments (valid and broken) must parse and
/// execute to a result or a `TemplateError`, never crash.
struct TemplateRobustnessTests {

  static let fragments = [
    "{{", "}}", "{{-", "-}}", " ", "\n", "text", "{{/*", "*/}}", ".", ".a", ".b.c", "$", "$x", "$x :=", "$x =", ":=",
    "(", ")", "|", "\"s\"", "`r`", "'c'", "1", "-1", "0x", "1e", "9999999999999999999999", "nil", "true", "if", "else",
    "end", "range", "with", "define", "template", "block", "break", "continue", "\"t\"", "and", "or", "not", "len",
    "index", "slice", "printf", "\"%d %s %v %q %5.2f %-3x %*d %\"", "print", "eq", "lt", "html", "js", "urlquery",
    "call", "default", "list", "dict", "set", "join", "substr", "trunc", "repeat", "regexReplaceAll", "\"(\"",
    "toJson", "fromJson", "\"{\\\"a\\\":[1,\"", "add", "div", "0", ",", "=", "{{range $i, $v := .l}}", "{{end}}",
    "{{if .a}}", "{{else}}", "{{else if .b}}", "{{with .m}}", "{{template \"t\" .}}", "{{define \"t\"}}",
    "{{block \"b\" .}}", "{{break}}", "{{continue}}", "é", "\u{0}", "{{.l}}", "{{index .l 5}}",
  ]

  static let data: TemplateValue = [
    "a": 1, "b": "two", "l": [1, "x", 2.5, ["n": 1]], "m": ["k": "v", "n": [1, 2]], "e": "", "z": 0,
  ]

  @Test func randomTemplatesNeverCrash() {
    var generator = SeededGenerator(seed: 0x5EED)
    var rendered = 0
    for _ in 0..<4_000 {
      var text = ""
      for _ in 0..<(1 + Int(generator.next() % 24)) { text += generator.pick(Self.fragments) }
      let template = Template(name: "t")
      do {
        try template.parse(text)
        _ = try template.render(Self.data)
        rendered += 1
      } catch is TemplateError {
        continue
      } catch {
        Issue.record("unexpected error type for \(text.debugDescription): \(error)")
      }
    }
    #expect(rendered > 0)
  }
}
