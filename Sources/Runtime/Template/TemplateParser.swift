/// Turns tokens into parse trees, enforcing Go's rules (defined functions,
/// declared variables, `break` only inside `range`, …). `define` and
/// `block` produce extra trees, returned alongside the main one.
struct TemplateParser {
  var tokens: [TemplateToken]
  var index = 0
  let functions: TemplateFunctionRegistry
  let parseName: String
  let source: [UInt8]
  /// Declared variable names, innermost last; a name's slot is its index.
  var variables: [String] = ["$"]
  /// Slots declared by pipelines still being parsed.
  var pendingDeclarations: Set<Int> = []
  /// Names declared in an `if`/`with`/`range` body, referenced from its else branch:
  /// Go accepts them when parsing and fails when executing.
  var branchOnlyNames: [String] = []
  /// The slot of a variable that is declared but not yet defined where it is read.
  static let undefinedSlot = -1
  var rangeDepth = 0
  /// Current nesting of parentheses and control structures, bounded so hostile input cannot exhaust the stack.
  var nesting = 0
  static let maximumNesting = 300
  var actionLine = 0
  var lastLine = 1
  var tree: ParseTree
  var definitions: [ParseTree] = []

  init(name: String, source: [UInt8], functions: TemplateFunctionRegistry, delimiters: TemplateDelimiters) {
    self.tokens = TemplateLexer.tokenize(source, delimiters: delimiters)
    self.functions = functions
    self.parseName = name
    self.source = source
    self.tree = ParseTree(name: name, parseName: name, source: source)
  }

  /// Parses the whole source: the main tree plus every `define`/`block` tree, in source order.
  static func parse(name: String, source: [UInt8], functions: TemplateFunctionRegistry,
                    delimiters: TemplateDelimiters = TemplateDelimiters()) throws -> (main: ParseTree, definitions: [ParseTree]) {
    var parser = TemplateParser(name: name, source: source, functions: functions, delimiters: delimiters)
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

  func error(_ message: String, line: Int? = nil) -> TemplateError {
    TemplateError(phase: .parse, templateName: parseName, line: line ?? lastLine, column: nil,
                  goMessage: "template: \(parseName):\(line ?? lastLine): \(message)")
  }

  /// The error for a lexing failure token, naming where a multi-line action began.
  func lexFailure(_ token: TemplateToken) -> TemplateError {
    let message = token.text
    var extra = ""
    if actionLine != 0 && actionLine != token.line {
      extra = " in action started at \(parseName):\(actionLine)"
      if message.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
    }
    return error(message + extra, line: token.line)
  }

  func unexpected(_ token: TemplateToken, _ context: String) -> TemplateError {
    if token.kind == .error { return lexFailure(token) }
    return error("unexpected \(token.goDescription) in \(context)")
  }

  // MARK: TemplateToken stream

  mutating func next() throws -> TemplateToken {
    guard index < tokens.count else { throw error("unexpected EOF") }
    let token = tokens[index]
    index += 1
    lastLine = token.line
    return token
  }

  func peek() throws -> TemplateToken {
    guard index < tokens.count else { throw error("unexpected EOF") }
    return tokens[index]
  }

  mutating func backup(_ count: Int = 1) {
    index -= count
  }

  mutating func nextNonSpace() throws -> TemplateToken {
    var token = try next()
    while token.kind == .space { token = try next() }
    return token
  }

  mutating func peekNonSpace() throws -> TemplateToken {
    let token = try nextNonSpace()
    backup()
    return token
  }

  mutating func expect(_ kind: TemplateToken.Kind, _ context: String) throws -> TemplateToken {
    let token = try nextNonSpace()
    guard token.kind == kind else { throw unexpected(token, context) }
    return token
  }

  func node(_ position: Int, _ description: String) -> Int {
    tree.addNode(position: position, description: description)
  }

  // MARK: Structure

  mutating func parseMain() throws {
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
  mutating func withNestedTree(named name: String, _ body: (inout TemplateParser) throws -> Void) throws {
    let saved = (tree, variables, rangeDepth, pendingDeclarations, branchOnlyNames)
    tree = ParseTree(name: name, parseName: parseName, source: source)
    variables = ["$"]
    rangeDepth = 0
    pendingDeclarations = []
    branchOnlyNames = []
    defer { (tree, variables, rangeDepth, pendingDeclarations, branchOnlyNames) = saved }
    try body(&self)
    tree.slotCount = max(tree.slotCount, 1)
    try addDefinition(tree)
  }

  mutating func addDefinition(_ newTree: ParseTree) throws {
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

  mutating func parseDefinition() throws {
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
  mutating func itemList() throws -> ([TemplateNode], String) {
    var list: [TemplateNode] = []
    while try peekNonSpace().kind != .eof {
      let (node, terminator) = try textOrAction()
      if let terminator { return (list, terminator) }
      if let node { list.append(node) }
    }
    throw error("unexpected EOF")
  }

  /// One text or action; the terminator is Go's name for `{{end}}` / `{{else}}` when one was read.
  mutating func textOrAction() throws -> (TemplateNode?, String?) {
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

  mutating func action() throws -> (TemplateNode?, String?) {
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

  mutating func enterNesting() throws {
    nesting += 1
    if nesting > Self.maximumNesting { throw error("max expression depth exceeded") }
  }

  mutating func control(_ keyword: TemplateToken.Keyword) throws -> TemplateNode {
    try enterNesting()
    defer { nesting -= 1 }
    let context = keyword.rawValue
    let savedVariables = variables.count
    defer { variables.removeLast(variables.count - savedVariables) }
    let branchPosition = try peekNonSpace().position
    let pipe = try pipeline(context: context, end: .rightDelim)
    if keyword == .range { rangeDepth += 1 }
    let afterPipeline = variables.count
    let (body, firstEnd) = try itemList()
    var end = firstEnd
    if keyword == .range { rangeDepth -= 1 }
    var elseBody: [TemplateNode]?
    if end == "{{else}}" {
      // Only one branch runs: the else branch never sees the body's declarations.
      let bodyNames = variables[afterPipeline...]
      variables.removeLast(variables.count - afterPipeline)
      branchOnlyNames.append(contentsOf: bodyNames)
      defer { branchOnlyNames.removeLast(bodyNames.count) }
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
    let branch = TemplateBranch(id: id, pipeline: pipe, body: body, elseBody: elseBody)
    switch keyword {
    case .if: return .ifBranch(branch)
    case .range: return .rangeLoop(branch)
    default: return .withBranch(branch)
    }
  }

  mutating func templateName(_ token: TemplateToken, _ context: String) throws -> String {
    guard token.kind == .string || token.kind == .rawString else { throw unexpected(token, context) }
    return try unquote(token)
  }

  mutating func templateControl() throws -> TemplateNode {
    let context = "template clause"
    let token = try nextNonSpace()
    let name = try templateName(token, context)
    var pipe: TemplatePipeline?
    if try nextNonSpace().kind != .rightDelim {
      backup()
      pipe = try pipeline(context: context, end: .rightDelim)
    }
    let text = pipe.map { " " + tree.nodeDescriptions[$0.id] } ?? ""
    let id = node(token.position, "{{template \(goQuote(name))\(text)}}")
    return .template(TemplateCall(id: id, name: name, pipeline: pipe))
  }

  mutating func blockControl() throws -> TemplateNode {
    let context = "block clause"
    let token = try nextNonSpace()
    let name = try templateName(token, context)
    let pipe = try pipeline(context: context, end: .rightDelim)
    let blockLine = lastLine
    try withNestedTree(named: name) { parser in
      let (list, end) = try parser.itemList()
      if end != "{{end}}" { throw parser.error("unexpected \(end) in \(context)", line: blockLine) }
      parser.tree.root = list
    }
    let id = node(token.position, "{{template \(goQuote(name)) \(tree.nodeDescriptions[pipe.id])}}")
    return .template(TemplateCall(id: id, name: name, pipeline: pipe))
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
    let isDigit = { (b: UInt8) in (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }
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
