/// Turns tokens into parse trees, enforcing Go's rules (defined functions,
/// declared variables, `break` only inside `range`, …). `define` and
/// `block` produce extra trees, returned alongside the main one.
struct Parser {
  private var tokens: [Token]
  private var index = 0
  private let functions: TemplateFunctionRegistry
  private let parseName: String
  private let source: [UInt8]
  /// Declared variable names, innermost last; a name's slot is its index.
  private var variables: [String] = ["$"]
  private var rangeDepth = 0
  /// Current nesting of parentheses and control structures, bounded so hostile input cannot exhaust the stack.
  private var nesting = 0
  static let maximumNesting = 300
  private var actionLine = 0
  private var lastLine = 1
  private var tree: ParseTree
  private(set) var definitions: [ParseTree] = []

  init(name: String, source: [UInt8], functions: TemplateFunctionRegistry) {
    self.tokens = Lexer.tokenize(source)
    self.functions = functions
    self.parseName = name
    self.source = source
    self.tree = ParseTree(name: name, parseName: name, source: source)
  }

  /// Parses the whole source: the main tree plus every `define`/`block` tree, in source order.
  static func parse(name: String, source: [UInt8], functions: TemplateFunctionRegistry) throws -> (main: ParseTree, definitions: [ParseTree]) {
    var parser = Parser(name: name, source: source, functions: functions)
    try parser.parseMain()
    if let i = parser.definitions.firstIndex(where: { $0.name == name }) {
      if !parser.tree.isEmpty {
        if !parser.definitions[i].isEmpty {
          throw parser.error("template: multiple definition of template \(goQuote(name))")
        }
        parser.definitions.remove(at: i)
      }
    }
    return (parser.tree, parser.definitions)
  }

  // MARK: Errors

  private func error(_ message: String, line: Int? = nil) -> TemplateError {
    TemplateError(phase: .parse, templateName: parseName, line: line ?? lastLine, column: nil,
                  goMessage: "template: \(parseName):\(line ?? lastLine): \(message)")
  }

  /// The error for a lexing failure token, naming where a multi-line action began.
  private func lexFailure(_ token: Token) -> TemplateError {
    let message = token.text
    var extra = ""
    if actionLine != 0 && actionLine != token.line {
      extra = " in action started at \(parseName):\(actionLine)"
      if message.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
    }
    return error(message + extra, line: token.line)
  }

  private func unexpected(_ token: Token, _ context: String) -> TemplateError {
    if token.kind == .error { return lexFailure(token) }
    return error("unexpected \(token.goDescription) in \(context)")
  }

  // MARK: Token stream

  private mutating func next() throws -> Token {
    guard index < tokens.count else { throw error("unexpected EOF") }
    let token = tokens[index]
    index += 1
    lastLine = token.line
    return token
  }

  private func peek() throws -> Token {
    guard index < tokens.count else { throw error("unexpected EOF") }
    return tokens[index]
  }

  private mutating func backup(_ count: Int = 1) {
    index -= count
  }

  private mutating func nextNonSpace() throws -> Token {
    var token = try next()
    while token.kind == .space { token = try next() }
    return token
  }

  private mutating func peekNonSpace() throws -> Token {
    let token = try nextNonSpace()
    backup()
    return token
  }

  private mutating func expect(_ kind: Token.Kind, _ context: String) throws -> Token {
    let token = try nextNonSpace()
    guard token.kind == kind else { throw unexpected(token, context) }
    return token
  }

  private func node(_ position: Int, _ description: String) -> Int {
    tree.addNode(position: position, description: description)
  }

  // MARK: Structure

  private mutating func parseMain() throws {
    while try peek().kind != .eof {
      if try peek().kind == .leftDelim {
        let delimIndex = index
        _ = try next()
        if try nextNonSpace().kind == .keyword(.define) {
          try parseDefinition()
          continue
        }
        index = delimIndex
      }
      let (node, terminator) = try textOrAction()
      if let terminator { throw error("unexpected \(terminator)") }
      if let node { tree.root.append(node) }
    }
  }

  /// A nested tree for `define` or `block`, parsed with a fresh variable scope.
  private mutating func withNestedTree(named name: String, _ body: (inout Parser) throws -> Void) throws {
    let saved = (tree, variables, rangeDepth)
    tree = ParseTree(name: name, parseName: parseName, source: source)
    variables = ["$"]
    rangeDepth = 0
    defer { (tree, variables, rangeDepth) = saved }
    try body(&self)
    tree.slotCount = max(tree.slotCount, 1)
    try addDefinition(tree)
  }

  private mutating func addDefinition(_ newTree: ParseTree) throws {
    if let existing = definitions.firstIndex(where: { $0.name == newTree.name }) {
      if definitions[existing].isEmpty {
        definitions[existing] = newTree
      } else if !newTree.isEmpty {
        throw error("template: multiple definition of template \(goQuote(newTree.name))")
      }
      return
    }
    definitions.append(newTree)
  }

  private mutating func parseDefinition() throws {
    let context = "define clause"
    let nameToken = try nextNonSpace()
    guard nameToken.kind == .string || nameToken.kind == .rawString else { throw unexpected(nameToken, context) }
    let name = try unquote(nameToken)
    _ = try expect(.rightDelim, context)
    try withNestedTree(named: name) { parser in
      let (list, end) = try parser.itemList()
      if end != "{{end}}" { throw parser.error("unexpected \(end) in \(context)") }
      parser.tree.root = list
    }
  }

  /// Nodes up to `{{end}}` or `{{else}}`; returns the list and Go's name of the terminator.
  private mutating func itemList() throws -> ([Node], String) {
    var list: [Node] = []
    while try peekNonSpace().kind != .eof {
      let (node, terminator) = try textOrAction()
      if let terminator { return (list, terminator) }
      if let node { list.append(node) }
    }
    throw error("unexpected EOF")
  }

  /// One text or action; the terminator is Go's name for `{{end}}` / `{{else}}` when one was read.
  private mutating func textOrAction() throws -> (Node?, String?) {
    let token = try nextNonSpace()
    switch token.kind {
    case .text:
      return (.text(Array(token.bytes)), nil)
    case .leftDelim:
      actionLine = token.line
      defer { actionLine = 0 }
      return try action()
    default:
      throw unexpected(token, "input")
    }
  }

  private mutating func action() throws -> (Node?, String?) {
    let token = try nextNonSpace()
    switch token.kind {
    case .keyword(.block): return (try blockControl(), nil)
    case .keyword(.break), .keyword(.continue):
      let isBreak = token.kind == .keyword(.break)
      let close = try nextNonSpace()
      guard close.kind == .rightDelim else { throw unexpected(close, isBreak ? "{{break}}" : "{{continue}}") }
      if rangeDepth == 0 { throw error(isBreak ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}") }
      return (isBreak ? .breakLoop : .continueLoop, nil)
    case .keyword(.else):
      let peeked = try peekNonSpace()
      if peeked.kind == .keyword(.if) || peeked.kind == .keyword(.with) {
        return (nil, "{{else}}")
      }
      _ = try expect(.rightDelim, "else")
      return (nil, "{{else}}")
    case .keyword(.end):
      _ = try expect(.rightDelim, "end")
      return (nil, "{{end}}")
    case .keyword(.if): return (try control(.if), nil)
    case .keyword(.range): return (try control(.range), nil)
    case .keyword(.with): return (try control(.with), nil)
    case .keyword(.template): return (try templateControl(), nil)
    default:
      backup()
      let pipe = try pipeline(context: "command", end: .rightDelim)
      return (.action(pipe), nil)
    }
  }

  private mutating func enterNesting() throws {
    nesting += 1
    if nesting > Self.maximumNesting { throw error("max expression depth exceeded") }
  }

  private mutating func control(_ keyword: Token.Keyword) throws -> Node {
    try enterNesting()
    defer { nesting -= 1 }
    let context = keyword.rawValue
    let savedVariables = variables.count
    defer { variables.removeLast(variables.count - savedVariables) }
    let branchPosition = try peekNonSpace().position
    let pipe = try pipeline(context: context, end: .rightDelim)
    if keyword == .range { rangeDepth += 1 }
    let (body, firstEnd) = try itemList()
    var end = firstEnd
    if keyword == .range { rangeDepth -= 1 }
    var elseBody: [Node]?
    if end == "{{else}}" {
      let peeked = try peekNonSpace()
      if keyword == .if && peeked.kind == .keyword(.if) || keyword == .with && peeked.kind == .keyword(.with) {
        _ = try nextNonSpace()
        elseBody = [try control(keyword)]
      } else {
        (elseBody, end) = try itemList()
        if end != "{{end}}" { throw error("expected end; found \(end)") }
      }
    }
    let id = node(branchPosition, "{{\(context) \(tree.nodeDescriptions[pipe.id])}}")
    let branch = Branch(id: id, pipeline: pipe, body: body, elseBody: elseBody)
    switch keyword {
    case .if: return .ifBranch(branch)
    case .range: return .rangeLoop(branch)
    default: return .withBranch(branch)
    }
  }

  private mutating func templateName(_ token: Token, _ context: String) throws -> String {
    guard token.kind == .string || token.kind == .rawString else { throw unexpected(token, context) }
    return try unquote(token)
  }

  private mutating func templateControl() throws -> Node {
    let context = "template clause"
    let token = try nextNonSpace()
    let name = try templateName(token, context)
    var pipe: Pipeline?
    if try nextNonSpace().kind != .rightDelim {
      backup()
      pipe = try pipeline(context: context, end: .rightDelim)
    }
    let text = pipe.map { " " + tree.nodeDescriptions[$0.id] } ?? ""
    let id = node(token.position, "{{template \(goQuote(name))\(text)}}")
    return .template(TemplateCall(id: id, name: name, pipeline: pipe))
  }

  private mutating func blockControl() throws -> Node {
    let context = "block clause"
    let token = try nextNonSpace()
    let name = try templateName(token, context)
    let pipe = try pipeline(context: context, end: .rightDelim)
    try withNestedTree(named: name) { parser in
      let (list, end) = try parser.itemList()
      if end != "{{end}}" { throw parser.error("unexpected \(end) in \(context)") }
      parser.tree.root = list
    }
    let id = node(token.position, "{{template \(goQuote(name)) \(tree.nodeDescriptions[pipe.id])}}")
    return .template(TemplateCall(id: id, name: name, pipeline: pipe))
  }

  // MARK: Pipelines

  private mutating func declare(_ token: Token) -> Int {
    variables.append(token.text)
    tree.slotCount = max(tree.slotCount, variables.count)
    return variables.count - 1
  }

  private mutating func pipeline(context: String, end: Token.Kind) throws -> Pipeline {
    let start = try peekNonSpace()
    var declarations: [Int] = []
    var declNames: [String] = []
    var isAssignment = false
    declLoop: while try peekNonSpace().kind == .variable {
      let variable = try nextNonSpace()
      let afterVariable = try peek()
      let following = try peekNonSpace()
      switch following.kind {
      case .assign, .declare:
        isAssignment = following.kind == .assign
        _ = try nextNonSpace()
        if isAssignment {
          declarations.append(try slot(of: variable))
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
    var commands: [Command] = []
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
        return Pipeline(id: id, declarations: declarations, isAssignment: isAssignment, commands: commands)
      case .bool, .charConstant, .dot, .field, .identifier, .number, .keyword(.nil), .rawString, .string,
        .variable, .leftParen:
        backup()
        commands.append(try command())
      default:
        throw unexpected(token, context)
      }
    }
  }

  private func slot(of variable: Token) throws -> Int {
    let name = variable.text
    guard let slot = variables.lastIndex(of: name) else { throw error("undefined variable \(goQuote(name))") }
    return slot
  }

  private func describe(_ operand: Operand) -> String {
    if case .pipeline(let p) = operand { return "(\(tree.nodeDescriptions[p.id]))" }
    return tree.nodeDescriptions[operand.id]
  }

  private mutating func command() throws -> Command {
    let start = try peekNonSpace()
    var operands: [Operand] = []
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
    return Command(id: id, operands: operands)
  }

  private mutating func operand() throws -> Operand? {
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

  private mutating func term() throws -> Operand? {
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
      return .number(id: node(p, token.text), try number(token))
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

  private func unquote(_ token: Token) throws -> String {
    guard let s = goUnquote(token.text) else { throw error("invalid syntax") }
    return s
  }

  private func number(_ token: Token) throws -> NumberConstant {
    let text = token.text
    var constant = NumberConstant(text: text)
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
    if hasValidUnderscores(text), let f = Double(cleaned), f.isFinite {
      if !text.contains(where: { ".eEpP".contains($0) }) { throw error("integer overflow: \(goQuote(text))") }
      constant.floatValue = f
      if f == f.rounded(), abs(f) < 9.2e18 { constant.intValue = Int(f) }
      return constant
    }
    throw error("illegal number syntax: \(goQuote(text))")
  }
}

/// Parses a Go integer literal (base prefixes, legacy octal, underscores); nil if not an integer.
func parseGoInteger(_ text: String) -> (UInt64, Bool)? {
  var s = Substring(text)
  var negative = false
  if s.first == "+" || s.first == "-" { negative = s.first == "-"; s = s.dropFirst() }
  var radix = 10
  if s.count > 1 && s.first == "0" {
    switch s.dropFirst().first {
    case "x", "X": radix = 16; s = s.dropFirst(2)
    case "o", "O": radix = 8; s = s.dropFirst(2)
    case "b", "B": radix = 2; s = s.dropFirst(2)
    default: radix = 8; s = s.dropFirst()
    }
  }
  if s.hasPrefix("_") && radix == 10 { return nil }
  let digits = s.filter { $0 != "_" }
  if s.hasSuffix("_") || s.contains("__") || digits.isEmpty { return nil }
  guard let value = UInt64(digits, radix: radix) else { return nil }
  return (value, negative)
}

/// Go's rule for `_` in number literals: only between digits, or right after a base prefix.
func hasValidUnderscores(_ text: String) -> Bool {
  let chars = Array(text.utf8)
  for (i, c) in chars.enumerated() where c == UInt8(ascii: "_") {
    guard i > 0, i + 1 < chars.count else { return false }
    let before = chars[i - 1], after = chars[i + 1]
    let isDigit = { (b: UInt8) in Lexer.isAlphaNumeric(b) && b != UInt8(ascii: "_") }
    guard isDigit(before), isDigit(after) else { return false }
  }
  return true
}

extension String {
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var result = ""
    result.reserveCapacity(count)
    for c in self { if c == target { result += replacement } else { result.append(c) } }
    return result
  }
}
