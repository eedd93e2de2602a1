/// Parsing of pipelines, commands, operands and literals (Go's `pipeline`,
/// `command`, `operand`, `term`), with variables resolved to slots.
extension TemplateParser {
  /// Allocates a slot for a declared variable; it stays invisible to its own pipeline
  /// (`$x := … $x …` reads the outer `$x`, as Go evaluates before pushing).
  mutating func declare(_ token: TemplateToken) -> Int {
    variables.append(token.text)
    tree.slotCount = max(tree.slotCount, variables.count)
    pendingDeclarations.insert(variables.count - 1)
    return variables.count - 1
  }

  mutating func pipeline(context: String, end: TemplateToken.Kind) throws -> TemplatePipeline {
    let start = try peekNonSpace()
    var declarations: [Int] = []
    var declNames: [String] = []
    var isAssignment = false
    /// Go accepts `$x = …` for an undeclared `$x` when parsing and fails when executing.
    var undefinedAssignment: String?
    defer { for slot in declarations { pendingDeclarations.remove(slot) } }
    declLoop: while try peekNonSpace().kind == .variable {
      let variable = try nextNonSpace()
      let afterVariable = try peek()
      let following = try peekNonSpace()
      switch following.kind {
      case .assign, .declare:
        isAssignment = following.kind == .assign
        _ = try nextNonSpace()
        if isAssignment {
          if let existing = variables.lastIndex(of: variable.text) {
            declarations.append(existing)
          } else {
            undefinedAssignment = variable.text
            declarations.append(declare(variable))
          }
        } else {
          declarations.append(declare(variable))
        }
        declNames.append(variable.text)
        break declLoop
      case .char where following.text == ",":
        _ = try nextNonSpace()
        declarations.append(declare(variable))
        declNames.append(variable.text)
        if context == "range" && declarations.count < 2 {
          let k = try peekNonSpace().kind
          if k == .variable || k == .rightDelim || k == .rightParen { continue declLoop }
          throw error("range can only initialize variables")
        }
        throw error("too many declarations in \(context)")
      default:
        if afterVariable.kind == .space {
          backup(2)
        } else {
          backup()
        }
        break declLoop
      }
    }
    var commands: [TemplateCommand] = []
    while true {
      let token = try nextNonSpace()
      switch token.kind {
      case end:
        if commands.isEmpty { throw error("missing value for \(context)") }
        for (i, command) in commands.enumerated().dropFirst() {
          switch command.operands.first {
          case .bool, .dot, .null, .number, .string:
            throw error("non executable command in pipeline stage \(i + 1)")
          default: break
          }
        }
        var text = declNames.isEmpty ? "" : declNames.joined(separator: ", ") + " := "
        text += commands.map { tree.nodeDescriptions[$0.id] }.joined(separator: " | ")
        let id = node(start.position, text)
        return TemplatePipeline(id: id, declarations: declarations, isAssignment: isAssignment,
                        undefinedAssignment: undefinedAssignment, commands: commands)
      case .bool, .charConstant, .dot, .field, .identifier, .number, .keyword(.nil), .rawString, .string,
        .variable, .leftParen:
        backup()
        commands.append(try command())
      default:
        throw unexpected(token, context)
      }
    }
  }

  /// The slot a variable reference reads; `undefinedSlot` when the only declaration is
  /// the pipeline being parsed (Go accepts that and fails when executing).
  func slot(of variable: TemplateToken) throws -> Int {
    let name = variable.text
    guard variables.contains(name) || branchOnlyNames.contains(name) else {
      throw error("undefined variable \(goQuote(name))")
    }
    for slot in variables.indices.reversed() where variables[slot] == name && !pendingDeclarations.contains(slot) {
      return slot
    }
    return Self.undefinedSlot
  }

  func describe(_ operand: TemplateOperand) -> String {
    if case .pipeline(let p) = operand { return "(\(tree.nodeDescriptions[p.id]))" }
    return tree.nodeDescriptions[operand.id]
  }

  mutating func command() throws -> TemplateCommand {
    let start = try peekNonSpace()
    var operands: [TemplateOperand] = []
    loop: while true {
      _ = try peekNonSpace()
      if let op = try operand() { operands.append(op) }
      let token = try next()
      switch token.kind {
      case .space: continue loop
      case .rightDelim, .rightParen: backup()
      case .pipe: break
      default: throw unexpected(token, "operand")
      }
      break
    }
    if operands.isEmpty { throw error("empty command") }
    let id = node(start.position, operands.map(describe).joined(separator: " "))
    return TemplateCommand(id: id, operands: operands)
  }

  mutating func operand() throws -> TemplateOperand? {
    guard var term = try term() else { return nil }
    if try peek().kind == .field {
      let chainStart = try peek().position
      var names: [String] = []
      while try peek().kind == .field { names.append(String(try next().text.dropFirst())) }
      switch term {
      case .field(_, let base):
        let all = base + names
        term = .field(id: node(chainStart, "." + all.joined(separator: ".")), names: all)
      case .variable(let baseId, let slot, let base):
        let all = base + names
        let root = tree.nodeDescriptions[baseId].split(separator: ".", maxSplits: 1).first.map(String.init) ?? "$"
        term = .variable(id: node(chainStart, ([root] + all).joined(separator: ".")), slot: slot, names: all)
      case .bool, .string, .number, .null, .dot:
        throw error("unexpected . after term \(goQuote(describe(term)))")
      default:
        term = .chain(id: node(chainStart, describe(term) + "." + names.joined(separator: ".")), base: term, names: names)
      }
    }
    return term
  }

  mutating func term() throws -> TemplateOperand? {
    let token = try nextNonSpace()
    let p = token.position
    switch token.kind {
    case .identifier:
      guard let function = functions[token.text] else { throw error("function \(goQuote(token.text)) not defined") }
      return .function(id: node(p, token.text), name: token.text, function)
    case .dot: return .dot(id: node(p, "."))
    case .keyword(.nil): return .null(id: node(p, "nil"))
    case .variable:
      let s = try slot(of: token)
      return .variable(id: node(p, token.text), slot: s, names: [])
    case .field:
      return .field(id: node(p, token.text), names: [String(token.text.dropFirst())])
    case .bool:
      return .bool(id: node(p, token.text), token.text == "true")
    case .charConstant, .number:
      var constant = try number(token)
      constant.resolveIdealValue()
      return .number(id: node(p, token.text), constant)
    case .leftParen:
      try enterNesting()
      defer { nesting -= 1 }
      return .pipeline(try pipeline(context: "parenthesized pipeline", end: .rightParen))
    case .string, .rawString:
      return .string(id: node(p, token.text), try unquote(token))
    default:
      backup()
      return nil
    }
  }

  // MARK: Literals

  func unquote(_ token: TemplateToken) throws -> String {
    guard let s = goUnquote(token.text) else { throw error("invalid syntax") }
    return s
  }

  func number(_ token: TemplateToken) throws -> TemplateNumber {
    let text = token.text
    var constant = TemplateNumber(text: text)
    if token.kind == .charConstant {
      guard let s = goUnquote(text), let scalar = s.unicodeScalars.first, s.unicodeScalars.count == 1 else {
        throw error("malformed character constant: \(text)")
      }
      constant.intValue = Int(scalar.value)
      constant.floatValue = Double(scalar.value)
      constant.isChar = true
      return constant
    }
    if let (magnitude, negative) = parseGoInteger(text) {
      if negative {
        if magnitude <= UInt64(Int64.max) { constant.intValue = -Int(magnitude) }
        else if magnitude == UInt64(Int64.max) + 1 { constant.intValue = Int.min }
      } else if magnitude <= UInt64(Int64.max) {
        constant.intValue = Int(magnitude)
      } else {
        constant.isUnsignedOnly = true
      }
      if let i = constant.intValue { constant.floatValue = Double(i) }
      else if constant.isUnsignedOnly { constant.floatValue = Double(magnitude) }
      return constant
    }
    let cleaned = text.replacingAll("_", with: "")
    let unsigned = cleaned.drop { $0 == "+" || $0 == "-" }.lowercased()
    let hexWithoutExponent = unsigned.hasPrefix("0x") && !unsigned.contains("p")
    if hasValidUnderscores(text), !hexWithoutExponent, let f = Double(cleaned), f.isFinite {
      if !text.contains(where: { ".eEpP".contains($0) }) { throw error("integer overflow: \(goQuote(text))") }
      constant.floatValue = f
      if f == f.rounded(), abs(f) < 9.2e18 { constant.intValue = Int(f) }
      return constant
    }
    throw error("illegal number syntax: \(goQuote(text))")
  }
}
