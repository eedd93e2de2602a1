import Foundation
import Testing

import Runtime

/// Runs every case of `Tests/Fixtures/templates/cases.json` through the engine and
/// compares with the expectations (written by Go's text/template via
/// `scripts/template-conformance`, or by hand for Sprig, Warewulf's helpers and
/// post-1.19 features; the hand-written Sprig and Warewulf expectations were
/// checked once against Sprig v3.3.0, go-systemd and `path.Base` built offline).
struct TemplateConformanceTests {
  struct Case {
    let name: String
    let template: String
    let data: TemplateValue
    let output: String?
    let error: String?
    let sprig: Bool
    let option: String?
    /// Why a case's expectation is written by hand instead of by Go (a documented difference).
    let manual: String?
    let delimiters: TemplateDelimiters?
  }

  /// The fixture, or the file named by `HOWL_TEMPLATE_CASES` (e.g. generated cases for differential fuzzing).
  static func loadCases() throws -> [Case] {
    let fixture = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/templates/cases.json")
    let url = ProcessInfo.processInfo.environment["HOWL_TEMPLATE_CASES"].map(URL.init(fileURLWithPath:)) ?? fixture
    let text = try String(contentsOf: url, encoding: .utf8)
    guard case .list(let entries) = try TemplateJSON.parse(text) else { return [] }
    return entries.compactMap { entry in
      guard case .map(let m) = entry, case .string(let name)? = m["name"], case .string(let template)? = m["template"]
      else { return nil }
      func string(_ key: String) -> String? {
        if case .string(let s)? = m[key] { return s }
        return nil
      }
      var sprig = false
      if case .bool(true)? = m["sprig"] { sprig = true }
      return Case(name: name, template: template, data: m["data"] ?? .null, output: string("output"),
                  error: string("error"), sprig: sprig, option: string("option"), manual: string("manual"),
                  delimiters: delimiters(m["delims"]))
    }
  }

  static func delimiters(_ value: TemplateValue?) -> TemplateDelimiters? {
    guard case .list(let pair)? = value, pair.count == 2, case .string(let left) = pair[0], case .string(let right) = pair[1]
    else { return nil }
    return TemplateDelimiters(left: left, right: right)
  }

  static func run(_ c: Case) -> (output: String?, error: String?) {
    let template = Template(name: "t", functions: c.sprig ? .standard : .goBuiltins)
    if let delimiters = c.delimiters { template.delimiters = delimiters }
    if c.option == "missingkey=error" { template.missingKey = .error }
    do {
      try template.parse(c.template)
      return (try template.render(c.data), nil)
    } catch {
      return (nil, "\(error)")
    }
  }

  @Test func everyCaseMatchesGo() throws {
    let cases = try Self.loadCases()
    #expect(!cases.isEmpty)
    var failures: [String] = []
    for c in cases {
      let (output, error) = Self.run(c)
      let matches: Bool
      if let expectedError = c.error {
        matches = error.map { c.sprig ? $0.contains(expectedError) : $0 == expectedError } ?? false
      } else {
        matches = output == c.output
      }
      if !matches {
        failures.append("\(c.name): expected \(c.output.map { "output \($0.debugDescription)" } ?? "error \(c.error ?? "")"), got \(output.map { "output \($0.debugDescription)" } ?? "error \(error ?? "")")")
      }
    }
    let goChecked = cases.filter { !$0.sprig && $0.manual == nil }.count
    let handChecked = cases.filter(\.sprig).count
    let differences = cases.filter { $0.manual != nil }
    print("template conformance: \(cases.count - failures.count) of \(cases.count) cases match "
      + "(\(goChecked) rendered by Go, \(handChecked) Sprig/Warewulf by hand, \(differences.count) documented differences)")
    for c in differences { print("  DIFFERENCE \(c.name): \(c.manual ?? "")") }
    for failure in failures { print("  MISMATCH \(failure)") }
    #expect(failures.isEmpty)
  }
}
