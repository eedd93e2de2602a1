/// Evaluation of pipelines, commands, operands, field chains and calls
/// (Go's `evalPipeline`, `evalCommand`, `evalField`, `evalCall`).
extension TemplateExecutor {
  mutating func evalPipeline(_ pipe: TemplatePipeline, dot: Dot) throws -> TemplateValue? {
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
    if let name = pipe.undefinedAssignment { throw fail("undefined variable: \(name)") }
    for slot in pipe.declarations {
      variables[slot] = value
      boxedVariables[slot] = false
    }
    return value
  }

  /// A variable's value; reading one that is declared but not yet defined fails as in Go.
  func variable(_ slot: Int, nodeId: Int) throws -> TemplateValue? {
    guard slot >= 0 else {
      let name = tree.nodeDescriptions[nodeId].split(separator: ".", maxSplits: 1).first.map(String.init) ?? "$"
      throw fail("undefined variable: \(name)")
    }
    return variables[slot]
  }

  mutating func notAFunction(_ operands: [TemplateOperand], hasFinal: Bool) throws {
    if operands.count > 1 || hasFinal {
      throw fail("can't give argument to non-function \(tree.nodeDescriptions[operands[0].id])")
    }
  }

  mutating func evalCommand(_ command: TemplateCommand, dot: Dot, hasFinal: Bool, final: TemplateValue?) throws -> TemplateValue? {
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
      let value = try variable(slot, nodeId: id)
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

  mutating func evalLiteral(_ operand: TemplateOperand, dot: Dot) throws -> TemplateValue? {
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
  mutating func evalArgument(_ operand: TemplateOperand, dot: Dot) throws -> TemplateValue? {
    at = operand.id
    switch operand {
    case .dot: return dot.value
    case .null: return .null
    case .field(let id, let names):
      return try evalFieldChain(dot: dot, receiver: dot.value, boxed: dot.boxed, names: names, nodeId: id,
                                operands: [operand], hasFinal: false, final: nil)
    case .variable(let id, let slot, let names):
      let value = try variable(slot, nodeId: id)
      if names.isEmpty { return value }
      return try evalFieldChain(dot: dot, receiver: value, boxed: boxedVariables[slot], names: names,
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

  mutating func evalFieldChain(dot: Dot, receiver: TemplateValue?, boxed: Bool, names: [String], nodeId: Int,
                               operands: [TemplateOperand], hasFinal: Bool, final: TemplateValue?) throws -> TemplateValue? {
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
  mutating func evalField(_ name: String, receiver: TemplateValue?, boxed: Bool, nodeId: Int, dot: Dot,
                          operands: [TemplateOperand], hasFinal: Bool, final: TemplateValue?) throws -> (TemplateValue?, Bool) {
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

  mutating func evalCall(_ function: TemplateFunction, name: String, nodeId: Int, arguments: ArraySlice<TemplateOperand>,
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
    for (i, argument) in arguments.enumerated() {
      values.append(try evalTypedArgument(argument, type: function.parameterType(at: i), dot: dot))
    }
    if hasFinal { values.append(try validate(final, as: function.parameterType(at: arguments.count))) }
    context.outputOffset = output.count
    do {
      return try function.body(values, context)
    } catch let error as TemplateError {
      throw error
    } catch let halt as TemplateHalt {
      throw halt
    } catch let error as TemplateArgumentError {
      throw argumentTypeFailure(error, arguments: arguments, values: values, nodeId: nodeId)
    } catch {
      at = nodeId
      throw fail("error calling \(name): \(error)")
    }
  }
}

extension TemplateExecutor {
  /// Evaluates an argument for a parameter of Go type `type`, refusing what Go refuses
  /// with Go's words: constants must be of the parameter's kind, values must have its type.
  mutating func evalTypedArgument(_ operand: TemplateOperand, type: TemplateParameterType, dot: Dot) throws -> TemplateValue {
    if type == .any { return try evalArgument(operand, dot: dot) ?? .null }
    let constant: TemplateValue?
    switch operand {
    case .null:
      at = operand.id
      if type == .map { return .null }
      throw fail("cannot assign nil to \(type.rawValue)")
    case .number(_, let n):
      constant = type == .int ? n.intValue.map(TemplateValue.int) : type == .float64 ? n.floatValue.map(TemplateValue.float) : nil
    case .string(_, let text):
      constant = type == .string ? .string(text) : nil
    case .bool(_, let b):
      constant = type == .bool ? .bool(b) : nil
    default:
      let value = try evalArgument(operand, dot: dot)
      return try validate(value, as: type)
    }
    at = operand.id
    if let constant { return constant }
    let text = tree.nodeDescriptions[operand.id]
    if type == .map { throw fail("can't handle \(text) for arg of type \(type.rawValue)") }
    throw fail("expected \(type.constantWord); found \(text)")
  }

  /// Go's `validateType`: a value must have the parameter's type; nil only fits `any` and maps.
  func validate(_ value: TemplateValue?, as type: TemplateParameterType) throws -> TemplateValue {
    guard let value else {
      if type == .any || type == .map { return .null }
      throw fail("invalid value; expected \(type.rawValue)")
    }
    switch (type, value) {
    case (.any, _), (.string, .string), (.int, .int), (.bool, .bool), (.float64, .float), (.map, .map):
      return value
    default:
      throw fail("wrong type for value; expected \(type.rawValue); got \(value.isNull ? "interface {}" : value.goTypeName)")
    }
  }

  /// Go's wording for an argument that does not fit a typed parameter, reported at the operand.
  mutating func argumentTypeFailure(_ error: TemplateArgumentError, arguments: ArraySlice<TemplateOperand>,
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
        if error.expected == .map {
          return fail("can't handle \(tree.nodeDescriptions[operand.id]) for arg of type \(expected)")
        }
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
