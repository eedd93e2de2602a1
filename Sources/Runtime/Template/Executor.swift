/// Walks a parse tree against data, appending output to a byte buffer.
/// Mirrors Go's `state`: dot, a variable stack (resolved to slots at parse
/// time), the node being evaluated for error messages, and the call depth.
struct Executor {
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
  private var tree: ParseTree
  private var variables: [TemplateValue?]
  /// Whether each variable holds a value Go would see through `interface{}` (a range element).
  private var boxedVariables: [Bool]
  /// Go's `s.node`: the node errors are reported at.
  private var at = -1
  private var depth = 0
  private var nesting = 0

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
    var context = tree.nodeDescriptions[at]
    if context.count > 20 { context = String(context.prefix(20)) + "..." }
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

  private mutating func walk(_ nodes: [Node], dot: Dot) throws -> Flow {
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

  private mutating func printValue(_ value: TemplateValue?) {
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

  private mutating func walkIfOrWith(_ branch: Branch, dot: Dot, isWith: Bool) throws -> Flow {
    let value = try evalPipeline(branch.pipeline, dot: dot)
    if value?.isTruthy ?? false {
      return try walk(branch.body, dot: isWith ? Dot(value, boxed: false) : dot)
    } else if let elseBody = branch.elseBody {
      return try walk(elseBody, dot: dot)
    }
    return .normal
  }

  private mutating func iterate(_ branch: Branch, index: TemplateValue, element: TemplateValue) throws -> Bool {
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

  private mutating func walkRange(_ branch: Branch, dot: Dot) throws {
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
        for key in map.sortedKeys {
          if try !iterate(branch, index: .string(key), element: map[key] ?? .null) { break }
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
        throw fail("range can't iterate over \(GoFormatter.string(value ?? .null))")
      }
    case let other?:
      throw fail("range can't iterate over \(GoFormatter.string(other))")
    }
    if let elseBody = branch.elseBody {
      _ = try walk(elseBody, dot: dot)
    }
  }

  private mutating func walkTemplate(_ call: TemplateCall, dot: Dot) throws {
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

  // MARK: Pipelines and commands

  private mutating func evalPipeline(_ pipe: Pipeline, dot: Dot) throws -> TemplateValue? {
    at = pipe.id
    nesting += 1
    defer { nesting -= 1 }
    if nesting > Self.maximumNesting { throw fail("exceeded maximum nesting depth (\(Self.maximumNesting))") }
    var value: TemplateValue?
    var hasFinal = false
    for command in pipe.commands {
      value = try evalCommand(command, dot: dot, hasFinal: hasFinal, final: value)
      hasFinal = true
      if case .null? = value { value = nil }
    }
    for slot in pipe.declarations {
      variables[slot] = value
      boxedVariables[slot] = false
    }
    return value
  }

  private mutating func notAFunction(_ operands: [Operand], hasFinal: Bool) throws {
    if operands.count > 1 || hasFinal {
      throw fail("can't give argument to non-function \(tree.nodeDescriptions[operands[0].id])")
    }
  }

  private mutating func evalCommand(_ command: Command, dot: Dot, hasFinal: Bool, final: TemplateValue?) throws -> TemplateValue? {
    let operands = command.operands
    let head = operands[0]
    switch head {
    case .field(let id, let names):
      at = id
      return try evalFieldChain(dot: dot, receiver: dot.value, boxed: dot.boxed, names: names, nodeId: id,
                                operands: operands, hasFinal: hasFinal, final: final)
    case .chain(let id, let base, let names):
      at = id
      if case .null = base { throw fail("indirection through explicit nil in \(tree.nodeDescriptions[id])") }
      let receiver = try evalArgument(base, dot: dot)
      return try evalFieldChain(dot: dot, receiver: receiver, boxed: false, names: names, nodeId: id,
                                operands: operands, hasFinal: hasFinal, final: final)
    case .function(let id, let name, let function):
      at = id
      return try evalCall(function, name: name, nodeId: command.id, arguments: operands.dropFirst(),
                          dot: dot, hasFinal: hasFinal, final: final)
    case .pipeline(let pipe):
      try notAFunction(operands, hasFinal: hasFinal)
      return try evalPipeline(pipe, dot: dot)
    case .variable(let id, let slot, let names):
      at = id
      let value = variables[slot]
      if names.isEmpty {
        try notAFunction(operands, hasFinal: hasFinal)
        return value
      }
      return try evalFieldChain(dot: dot, receiver: value, boxed: boxedVariables[slot], names: names, nodeId: id,
                                operands: operands, hasFinal: hasFinal, final: final)
    default:
      at = head.id
      try notAFunction(operands, hasFinal: hasFinal)
      return try evalLiteral(head, dot: dot)
    }
  }

  private mutating func evalLiteral(_ operand: Operand, dot: Dot) throws -> TemplateValue? {
    switch operand {
    case .bool(_, let b): return .bool(b)
    case .dot: return dot.value
    case .null: throw fail("nil is not a command")
    case .number(_, let n):
      guard let value = n.idealValue else { throw fail("\(n.text) overflows int") }
      return value
    case .string(_, let s): return .string(s)
    default: throw fail("can't evaluate command \(goQuote(tree.nodeDescriptions[operand.id]))")
    }
  }

  /// Evaluates an operand used as an argument (Go's `evalArg` for an `interface{}` parameter).
  private mutating func evalArgument(_ operand: Operand, dot: Dot) throws -> TemplateValue? {
    at = operand.id
    switch operand {
    case .dot: return dot.value
    case .null: return .null
    case .field(let id, let names):
      return try evalFieldChain(dot: dot, receiver: dot.value, boxed: dot.boxed, names: names, nodeId: id,
                                operands: [operand], hasFinal: false, final: nil)
    case .variable(let id, let slot, let names):
      if names.isEmpty { return variables[slot] }
      return try evalFieldChain(dot: dot, receiver: variables[slot], boxed: boxedVariables[slot], names: names,
                                nodeId: id, operands: [], hasFinal: false, final: nil)
    case .pipeline(let pipe):
      return try evalPipeline(pipe, dot: dot)
    case .function(let id, let name, let function):
      return try evalCall(function, name: name, nodeId: id, arguments: [], dot: dot, hasFinal: false, final: nil)
    case .chain(let id, let base, let names):
      if case .null = base { throw fail("indirection through explicit nil in \(tree.nodeDescriptions[id])") }
      let receiver = try evalArgument(base, dot: dot)
      at = id
      return try evalFieldChain(dot: dot, receiver: receiver, boxed: false, names: names, nodeId: id,
                                operands: [], hasFinal: false, final: nil)
    default:
      return try evalLiteral(operand, dot: dot)
    }
  }

  private mutating func evalFieldChain(dot: Dot, receiver: TemplateValue?, boxed: Bool, names: [String], nodeId: Int,
                                       operands: [Operand], hasFinal: Bool, final: TemplateValue?) throws -> TemplateValue? {
    var receiver = receiver
    var boxed = boxed
    for name in names.dropLast() {
      (receiver, boxed) = try evalField(name, receiver: receiver, boxed: boxed, nodeId: nodeId, dot: dot,
                                        operands: [], hasFinal: false, final: nil)
    }
    return try evalField(names[names.count - 1], receiver: receiver, boxed: boxed, nodeId: nodeId, dot: dot,
                         operands: operands, hasFinal: hasFinal, final: final).0
  }

  /// One `.name` step; returns the value and whether Go would hold it in an `interface{}`.
  private mutating func evalField(_ name: String, receiver: TemplateValue?, boxed: Bool, nodeId: Int, dot: Dot,
                                  operands: [Operand], hasFinal: Bool, final: TemplateValue?) throws -> (TemplateValue?, Bool) {
    guard let receiver else {
      if missingKeyIsError { throw fail("nil data; no entry for key \(goQuote(name))") }
      return (nil, false)
    }
    let hasArguments = operands.count > 1 || hasFinal
    switch receiver {
    case .map(let map):
      if hasArguments { throw fail("\(name) is not a method but has arguments") }
      if let value = map[name] { return (value, true) }
      if missingKeyIsError { throw fail("map has no entry for key \(goQuote(name))") }
      return (nil, true)
    case .object(let object):
      if let value = object.templateField(name) {
        if hasArguments { throw fail("\(name) has arguments but cannot be invoked as function") }
        return (value, false)
      }
      if let method = object.templateMethod(name) {
        return (try evalCall(method, name: name, nodeId: nodeId, arguments: operands.dropFirst(), dot: dot,
                             hasFinal: hasFinal, final: final), false)
      }
      throw fail("can't evaluate field \(name) in type \(object.templateTypeName)")
    case .null:
      throw fail("nil pointer evaluating interface {}.\(name)")
    default:
      throw fail("can't evaluate field \(name) in type \(boxed ? "interface {}" : receiver.goTypeName)")
    }
  }

  private mutating func evalCall(_ function: TemplateFunction, name: String, nodeId: Int, arguments: ArraySlice<Operand>,
                                 dot: Dot, hasFinal: Bool, final: TemplateValue?) throws -> TemplateValue? {
    let count = arguments.count + (hasFinal ? 1 : 0)
    switch function.arity {
    case .exactly(let n) where count != n:
      throw fail("wrong number of args for \(name): want \(n) got \(count)")
    case .atLeast(let n) where count < n:
      throw fail("wrong number of args for \(name): want at least \(n) got \(arguments.count)")
    default: break
    }
    if let mode = function.shortCircuit {
      var value: TemplateValue?
      for argument in arguments {
        value = try evalArgument(argument, dot: dot)
        if (value?.isTruthy ?? false) == (mode == .or) { return value }
      }
      if hasFinal { value = final }
      return value
    }
    var values: [TemplateValue] = []
    values.reserveCapacity(count)
    for argument in arguments {
      values.append(try evalArgument(argument, dot: dot) ?? .null)
    }
    if hasFinal { values.append(final ?? .null) }
    context.outputOffset = output.count
    do {
      return try function.body(values, context)
    } catch let error as TemplateError {
      throw error
    } catch let error as TemplateArgumentError {
      throw argumentTypeFailure(error, arguments: arguments, values: values, nodeId: nodeId)
    } catch {
      at = nodeId
      throw fail("error calling \(name): \(error)")
    }
  }
}

extension Executor {
  /// Go's wording for an argument that does not fit a typed parameter, reported at the operand.
  fileprivate mutating func argumentTypeFailure(_ error: TemplateArgumentError, arguments: ArraySlice<Operand>,
                                                values: [TemplateValue], nodeId: Int) -> TemplateError {
    let expected = error.expected.rawValue
    guard error.index >= 0, error.index < values.count else { return fail("invalid argument") }
    let value = values[error.index]
    if error.index < arguments.count {
      let operand = arguments[arguments.startIndex + error.index]
      at = operand.id
      switch operand {
      case .null: return fail("cannot assign nil to \(expected)")
      case .number, .string, .bool:
        return fail("expected \(error.expected.constantWord); found \(tree.nodeDescriptions[operand.id])")
      default: break
      }
    } else {
      at = nodeId
    }
    if value.isNull { return fail("invalid value; expected \(expected)") }
    return fail("wrong type for value; expected \(expected); got \(value.goTypeName)")
  }
}

/// A host object that `range` can iterate like a list.
public protocol TemplateSequence: TemplateObject {
  var templateElements: [TemplateValue] { get }
}

extension TemplateValue {
  var isNull: Bool {
    if case .null = self { return true }
    return false
  }
}

/// Appends the decimal digits of `value` without building a String.
@inline(__always)
func appendDecimal(_ value: Int, to output: inout [UInt8]) {
  if value >= 0 && value < 10 {
    output.append(UInt8(truncatingIfNeeded: value) &+ 0x30)
    return
  }
  var magnitude = value.magnitude
  var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
  var count = 0
  withUnsafeMutableBytes(of: &digits) { buffer in
    while magnitude > 0 {
      buffer[23 - count] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
      magnitude /= 10
      count += 1
    }
    if value < 0 { output.append(UInt8(ascii: "-")) }
    output.append(contentsOf: buffer[(24 - count)...])
  }
}
