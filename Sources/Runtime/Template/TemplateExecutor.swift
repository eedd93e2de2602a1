/// Walks a parse tree against data, appending output to a byte buffer.
/// Mirrors Go's `state`: dot, a variable stack (resolved to slots at parse
/// time), the node being evaluated for error messages, and the call depth.
struct TemplateExecutor {
  /// The deepest chain of `{{template}}` calls allowed before giving up (Go allows 100000;
  /// Swift frames are larger and threads may have small stacks, so Howl stops earlier).
  static let maximumDepth = 1000

  /// The deepest nesting of bodies and pipelines (template calls included) before giving up.
  static let maximumNesting = 1_500

  enum Flow { case normal, breakLoop, continueLoop }

  var output: [UInt8]
  let templates: [String: ParseTree]
  let context: TemplateExecutionContext
  let missingKeyIsError: Bool
  var tree: ParseTree
  var variables: [TemplateValue?]
  /// Whether each variable holds a value Go would see through `interface{}` (a range element).
  var boxedVariables: [Bool]
  /// Go's `s.node`: the node errors are reported at.
  var at = -1
  var depth = 0
  var nesting = 0

  init(tree: ParseTree, templates: [String: ParseTree], context: TemplateExecutionContext, missingKeyIsError: Bool, output: [UInt8]) {
    self.tree = tree
    self.templates = templates
    self.context = context
    self.missingKeyIsError = missingKeyIsError
    self.output = output
    self.variables = Array(repeating: nil, count: tree.slotCount)
    self.boxedVariables = Array(repeating: false, count: tree.slotCount)
  }

  /// Runs the tree with `data` as both `.` and `$`.
  mutating func run(data: TemplateValue) throws {
    let dot: TemplateValue? = data.isNull ? nil : data
    variables[0] = dot
    _ = try walk(tree.root, dot: Dot(dot, boxed: false))
  }

  // MARK: Errors

  func fail(_ message: String) -> TemplateError {
    let name = tree.name
    guard at >= 0 else {
      return TemplateError(phase: .execute, templateName: name, line: 0, column: nil,
                           goMessage: "template: \(name): \(message)")
    }
    let (line, column) = tree.location(ofNode: at)
    let context = tree.nodeDescriptions[at]
    return TemplateError(
      phase: .execute, templateName: name, line: line, column: column,
      goMessage: "template: \(tree.parseName):\(line):\(column): executing \(goQuote(name)) at <\(context)>: \(message)")
  }

  // MARK: Statements

  /// The current dot and whether Go would see it through an `interface{}` (affects type names in errors).
  struct Dot {
    var value: TemplateValue?
    var boxed: Bool
    init(_ value: TemplateValue?, boxed: Bool) { self.value = value; self.boxed = boxed }
  }

  mutating func walk(_ nodes: [TemplateNode], dot: Dot) throws -> Flow {
    nesting += 1
    defer { nesting -= 1 }
    if nesting > Self.maximumNesting { throw fail("exceeded maximum nesting depth (\(Self.maximumNesting))") }
    for node in nodes {
      switch node {
      case .text(let bytes):
        output.append(contentsOf: bytes)
      case .action(let pipe):
        let value = try evalPipeline(pipe, dot: dot)
        if pipe.declarations.isEmpty {
          at = pipe.id
          printValue(value)
        }
      case .ifBranch(let branch):
        let flow = try walkIfOrWith(branch, dot: dot, isWith: false)
        if flow != .normal { return flow }
      case .withBranch(let branch):
        let flow = try walkIfOrWith(branch, dot: dot, isWith: true)
        if flow != .normal { return flow }
      case .rangeLoop(let branch):
        try walkRange(branch, dot: dot)
      case .template(let call):
        try walkTemplate(call, dot: dot)
      case .breakLoop:
        return .breakLoop
      case .continueLoop:
        return .continueLoop
      }
    }
    return .normal
  }

  mutating func printValue(_ value: TemplateValue?) {
    guard let value else {
      output.append(contentsOf: "<no value>".utf8)
      return
    }
    switch value {
    case .string(let s): output.append(contentsOf: s.utf8)
    case .int(let i): appendDecimal(i, to: &output)
    default: GoFormatter.appendValue(value, to: &output)
    }
  }

  mutating func walkIfOrWith(_ branch: TemplateBranch, dot: Dot, isWith: Bool) throws -> Flow {
    let value = try evalPipeline(branch.pipeline, dot: dot)
    if value?.isTruthy ?? false {
      return try walk(branch.body, dot: isWith ? Dot(value, boxed: false) : dot)
    } else if let elseBody = branch.elseBody {
      return try walk(elseBody, dot: dot)
    }
    return .normal
  }

  mutating func iterate(_ branch: TemplateBranch, index: TemplateValue, element: TemplateValue) throws -> Bool {
    let decls = branch.pipeline.declarations
    if let elementSlot = decls.last {
      variables[elementSlot] = element
      boxedVariables[elementSlot] = true
    }
    if decls.count == 2 {
      variables[decls[0]] = index
    }
    return try walk(branch.body, dot: Dot(element, boxed: true)) != .breakLoop
  }

  mutating func walkRange(_ branch: TemplateBranch, dot: Dot) throws {
    let value = try evalPipeline(branch.pipeline, dot: dot)
    switch value {
    case .list(let list)?:
      if !list.isEmpty {
        for (i, element) in list.enumerated() {
          if try !iterate(branch, index: .int(i), element: element) { break }
        }
        return
      }
    case .map(let map)?:
      if !map.isEmpty {
        for (key, element) in map.sortedEntries {
          if try !iterate(branch, index: .string(key), element: element) { break }
        }
        return
      }
    case nil, .null?:
      break
    case .object(let object)?:
      if let elements = (object as? TemplateSequence)?.templateElements {
        if !elements.isEmpty {
          for (i, element) in elements.enumerated() {
            if try !iterate(branch, index: .int(i), element: element) { break }
          }
          return
        }
      } else {
        throw fail("range can't iterate over \(object.templateDescription)")
      }
    case let other?:
      throw fail("range can't iterate over \(GoFormatter.string(other))")
    }
    if let elseBody = branch.elseBody {
      _ = try walk(elseBody, dot: dot)
    }
  }

  mutating func walkTemplate(_ call: TemplateCall, dot: Dot) throws {
    at = call.id
    guard let target = templates[call.name] else {
      throw fail("template \(goQuote(call.name)) not defined")
    }
    if depth >= Self.maximumDepth {
      throw fail("exceeded maximum template depth (\(Self.maximumDepth))")
    }
    let newDot = try call.pipeline.map { try evalPipeline($0, dot: dot) } ?? dot.value
    let saved = (tree, variables, boxedVariables, at)
    tree = target
    variables = Array(repeating: nil, count: target.slotCount)
    boxedVariables = Array(repeating: false, count: target.slotCount)
    variables[0] = newDot
    depth += 1
    defer {
      depth -= 1
      (tree, variables, boxedVariables, at) = saved
    }
    _ = try walk(target.root, dot: Dot(newDot, boxed: false))
  }
}
