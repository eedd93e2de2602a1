/// A named template and the templates associated with it (Go's `*template.Template`):
/// parse text once, then execute it any number of times against data.
///
///     let t = try Template(name: "hosts").parse("{{range .AllNodes}}{{.Id}}\n{{end}}")
///     let text = try t.render(data)
///
/// Functions are resolved when text is parsed, so register them first. A function
/// that needs the render's state reaches it through the execution context:
///
///     t.addFunction("file", TemplateFunction(arity: .exactly(1), parameterTypes: [.string]) { args, context in
///       guard case .string(let path) = args[0] else { return .string("") }  // checked by the executor
///       context.record(.beginFile(path: path, outputOffset: context.outputOffset))
///       return .string("")
///     })
///     let context = TemplateExecutionContext(host: renderState, errorPrefix: "node n1: ")
///     try t.execute(data: data, context: context, into: &bytes)   // then read context.sideEffects
///
/// Executing is read-only on the template: one parsed template can serve many renders.
public final class Template {
  /// What a field lookup does when a map has no such key (Go's `missingkey` option).
  public enum MissingKey {
    /// Yield "no value", printed as `<no value>` (Go's default; Warewulf uses it).
    case `default`
    /// Fail with `map has no entry for key`.
    case error
  }

  public let name: String
  /// Functions available to templates parsed from now on.
  public var functions: TemplateFunctionRegistry
  public var missingKey: MissingKey = .default
  /// Action delimiters for text parsed from now on (Go's `Delims`).
  public var delimiters = TemplateDelimiters()
  private var trees: [String: ParseTree] = [:]

  /// A template with Go's built-ins, the Sprig subset and Warewulf's pure helpers by default.
  public init(name: String, functions: TemplateFunctionRegistry = .standard) {
    self.name = name
    self.functions = functions
  }

  /// Adds or replaces a function (Go's `Funcs`); call before parsing.
  @discardableResult
  public func addFunction(_ name: String, _ function: TemplateFunction) -> Template {
    functions.register(name, function)
    return self
  }

  /// Parses `text` as this template's body; `define`/`block` add or replace associated templates.
  @discardableResult
  public func parse(_ text: String) throws -> Template {
    try parse(Array(text.utf8), as: name)
    return self
  }

  /// Parses `text` as the body of the associated template `templateName`.
  public func parse(_ text: [UInt8], as templateName: String) throws {
    let (main, definitions) = try TemplateParser.parse(name: templateName, source: text, functions: functions,
                                               delimiters: delimiters)
    for tree in definitions + [main] {
      if let existing = trees[tree.name], tree.isEmpty, !existing.isEmpty { continue }
      trees[tree.name] = tree
    }
  }

  /// Names of all parsed templates, sorted.
  public var templateNames: [String] { trees.keys.sorted() }

  /// Executes this template, appending to `output`.
  public func execute(data: TemplateValue, context: TemplateExecutionContext = TemplateExecutionContext(),
                      into output: inout [UInt8]) throws {
    try execute(templateNamed: name, data: data, context: context, into: &output)
  }

  /// Executes the associated template `templateName`, appending to `output`.
  public func execute(templateNamed templateName: String, data: TemplateValue,
                      context: TemplateExecutionContext = TemplateExecutionContext(),
                      into output: inout [UInt8]) throws {
    guard let tree = trees[templateName] else {
      let message = templateName == name
        ? "template: \(name): \(goQuote(name)) is an incomplete or empty template"
        : "template: no template \(goQuote(templateName)) associated with template \(goQuote(name))"
      var error = TemplateError(phase: .execute, templateName: templateName, line: 0, column: nil, goMessage: message)
      error.prefix = context.errorPrefix
      throw error
    }
    var executor = TemplateExecutor(tree: tree, templates: trees, context: context,
                            missingKeyIsError: missingKey == .error, output: output)
    output = []
    defer { output = executor.output }
    do {
      try executor.run(data: data)
    } catch is TemplateHalt {
      context.halted = true
    } catch var error as TemplateError {
      error.prefix = context.errorPrefix
      throw error
    }
  }

  /// Executes this template and returns the output as text.
  public func render(_ data: TemplateValue, context: TemplateExecutionContext = TemplateExecutionContext()) throws -> String {
    var output: [UInt8] = []
    try execute(data: data, context: context, into: &output)
    return String(decoding: output, as: UTF8.self)
  }
}
