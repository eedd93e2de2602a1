import Runtime
import Testing

/// A host object standing in for Howl's merged node.
private final class FakeNode: TemplateObject {
  let id: String
  let tags: [String: String]
  init(id: String, tags: [String: String] = [:]) {
    self.id = id
    self.tags = tags
  }

  var templateTypeName: String { "node.TemplateNode" }
  func templateField(_ name: String) -> TemplateValue? {
    switch name {
    case "Id": return .string(id)
    case "Tags": return .map(TemplateMap(tags.mapValues { .string($0) }))
    case "Kernel": return .object(FakeKernel())
    default: return nil
    }
  }

  func templateMethod(_ name: String) -> TemplateFunction? {
    switch name {
    case "Tag":
      return .fixed(1) { [tags] args in
        guard case .string(let key) = args[0] else { throw TemplateFunctionError("key must be a string") }
        return .string(tags[key] ?? "")
      }
    default: return nil
    }
  }
}

private final class FakeKernel: TemplateObject {
  var templateTypeName: String { "node.KernelConf" }
  func templateField(_ name: String) -> TemplateValue? { name == "Version" ? "6.1" : nil }
}

private func render(_ text: String, _ data: TemplateValue = .null, functions: TemplateFunctionRegistry = .standard) throws -> String {
  try Template(name: "t", functions: functions).parse(text).render(data)
}

struct TemplateAPITests {
  @Test func hostObjectFieldsAndMethods() throws {
    let node = TemplateValue.object(FakeNode(id: "n1", tags: ["role": "gpu"]))
    #expect(try render("{{.Id}} {{.Tag \"role\"}} {{.Tags.role}} {{.Kernel.Version}}", node) == "n1 gpu gpu 6.1")
    #expect(try render("{{with .Kernel}}{{.Version}}{{end}}", node) == "6.1")
  }

  @Test func hostObjectErrorsNameTheType() throws {
    let node = TemplateValue.object(FakeNode(id: "n1"))
    #expect(throws: TemplateError.self) { try render("{{.Nope}}", node) }
    do {
      _ = try render("{{.Nope}}", node)
    } catch let error as TemplateError {
      #expect(error.description == #"template: t:1:2: executing "t" at <.Nope>: can't evaluate field Nope in type node.TemplateNode"#)
      #expect(error.line == 1 && error.column == 2 && error.phase == .execute)
    }
    do {
      _ = try render("{{.Id 1}}", node)
    } catch let error as TemplateError {
      #expect(error.description.hasSuffix("Id has arguments but cannot be invoked as function"))
    }
  }

  @Test func contextualFunctionsRecordSideEffects() throws {
    let template = Template(name: "t")
    template.addFunction("file", TemplateFunction(arity: .exactly(1)) { args, context in
      guard case .string(let path) = args[0] else { throw TemplateFunctionError("path must be a string") }
      context.record(.beginFile(path: path, outputOffset: context.outputOffset))
      return .string("")
    })
    template.addFunction("nodeId", TemplateFunction(arity: .exactly(0)) { _, context in
      .string((context.host as? FakeNode)?.id ?? "?")
    })
    try template.parse("head\n{{file \"a\"}}A {{nodeId}}\n{{file \"b\"}}B\n")
    let context = TemplateExecutionContext(host: FakeNode(id: "n7"))
    var output: [UInt8] = []
    try template.execute(data: .null, context: context, into: &output)
    #expect(String(decoding: output, as: UTF8.self) == "head\nA n7\nB\n")
    #expect(context.sideEffects == [.beginFile(path: "a", outputOffset: 5), .beginFile(path: "b", outputOffset: 10)])
  }

  @Test func haltStopsRenderingAndKeepsOutput() throws {
    let template = Template(name: "t")
    template.addFunction("abort", TemplateFunction(arity: .exactly(0)) { _, context in
      context.record(.abort)
      throw TemplateHalt()
    })
    try template.parse("before {{range .}}{{.}}{{if eq . 2}}{{abort}}{{end}}{{end}} after")
    let context = TemplateExecutionContext()
    var output: [UInt8] = []
    try template.execute(data: [1, 2, 3], context: context, into: &output)
    #expect(String(decoding: output, as: UTF8.self) == "before 12")
    #expect(context.halted)
    #expect(context.sideEffects == [.abort])
  }

  @Test func errorPrefixHook() throws {
    let template = try Template(name: "t").parse("{{index .l 5}}")
    let context = TemplateExecutionContext(errorPrefix: "node n1: ")
    do {
      _ = try template.render(["l": [1]], context: context)
      Issue.record("expected an error")
    } catch let error as TemplateError {
      #expect(error.description == #"node n1: template: t:1:2: executing "t" at <index .l 5>: error calling index: index out of range: 5"#)
      #expect(error.goMessage.hasPrefix("template: t:"))
    }
  }

  @Test func parseErrorsCarryTheLine() throws {
    do {
      _ = try Template(name: "x.ww").parse("a\nb\n{{if}}")
      Issue.record("expected an error")
    } catch let error as TemplateError {
      #expect(error.phase == .parse)
      #expect(error.line == 3)
      #expect(error.description == "template: x.ww:3: missing value for if")
    }
  }

  @Test func customFunctionsAndArity() throws {
    var functions = TemplateFunctionRegistry.goBuiltins
    functions.register("sum", .variadic(1) { args in
      .int(args.reduce(0) { total, v in if case .int(let i) = v { return total + i } else { return total } })
    })
    #expect(try render("{{sum 1 2 3}} {{3 | sum 4}}", functions: functions) == "6 7")
    #expect(throws: TemplateError.self) { try render("{{sum}}", functions: functions) }
    #expect(throws: TemplateError.self) { try render("{{upper \"x\"}}", functions: functions) }
  }

  @Test func blockOverriddenByLaterParse() throws {
    let template = Template(name: "page")
    try template.parse("[{{block \"body\" .}}default{{end}}]")
    #expect(try template.render(.null) == "[default]")
    try template.parse(Array("{{define \"body\"}}custom {{.}}{{end}}".utf8), as: "override")
    #expect(try template.render("x") == "[custom x]")
    var output: [UInt8] = []
    try template.execute(templateNamed: "body", data: "y", into: &output)
    #expect(String(decoding: output, as: UTF8.self) == "custom y")
    #expect(throws: TemplateError.self) { try template.execute(templateNamed: "nope", data: .null, into: &output) }
  }

  @Test func missingKeyOption() throws {
    let template = try Template(name: "t").parse("{{.a}}")
    #expect(try template.render(["b": 1]) == "<no value>")
    template.missingKey = .error
    #expect(throws: TemplateError.self) { try template.render(["b": 1]) }
  }

  @Test func mapsAreSharedLikeGoMaps() throws {
    let data: TemplateValue = ["d": ["a": 1]]
    #expect(try render("{{$_ := set .d \"b\" 2}}{{.d}}", data) == "map[a:1 b:2]")
  }

  @Test func hostileInputFailsCleanly() throws {
    let deepParens = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
    #expect(throws: TemplateError.self) { try render("{{" + deepParens + "}}") }
    let deepIfs = String(repeating: "{{if true}}", count: 5000) + String(repeating: "{{end}}", count: 5000)
    #expect(throws: TemplateError.self) { try render(deepIfs) }
    #expect(throws: TemplateError.self) { try render("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\"}}") }
    let nestedRecursion = "{{define \"r\"}}" + String(repeating: "{{with 1}}", count: 250) + "{{template \"r\" .}}"
      + String(repeating: "{{end}}", count: 250) + "{{end}}{{template \"r\"}}"
    #expect(throws: TemplateError.self) { try render(nestedRecursion) }
    #expect(try render("{{printf \"%d\" 9223372036854775807}} {{-9223372036854775808}}") == "9223372036854775807 -9223372036854775808")
    #expect(throws: TemplateError.self) { try render("{{9223372036854775808}}") }
    #expect(try render("{{repeat 0 \"x\"}}{{add 9223372036854775807 1}}") == "-9223372036854775808")
    #expect(throws: TemplateError.self) { try render("{{repeat 9223372036854775807 \"xy\"}}") }
  }

  @Test func jsonRoundTrip() throws {
    let value = try TemplateJSON.parse(#"{"b":[1,2.5,"x"],"a":null,"c":{"d":true}}"#)
    #expect(TemplateJSON.encode(value) == #"{"a":null,"b":[1,2.5,"x"],"c":{"d":true}}"#)
    #expect(throws: TemplateJSON.SyntaxError.self) { try TemplateJSON.parse("{") }
  }
}
