/// What the parser made of a source file.
public struct ParseResult: Sendable {
  public var statements: [Stmt]
  public var diagnostics: [Diagnostic]
  /// The input stopped in the middle of something (an open bracket, a
  /// trailing operator, an unterminated string): the REPL reads another line.
  public var needsMoreInput: Bool
}

/// A recursive-descent parser that recovers at statement boundaries, so one
/// run reports every independent error. Precedence, lowest first:
/// `|`, `or`, `and`, `not`, comparisons and `in`, `..`, `+ -`, `* / %`,
/// unary `-`, then calls, indexing and members.
public struct Parser {
  private struct Failure: Error {}

  private let file: SourceFile
  private var tokens: [Token]
  private var pos = 0
  private var diagnostics: [Diagnostic] = []
  private var depth = 0
  /// In `if`/`for`/`while` headers a `{` starts the body, not a map literal.
  private var braceStartsBlock = false
  /// An error happened because the input ended (an unclosed bracket, a
  /// dangling operator): more input could fix it.
  private var hitEndOfInput = false
  private static let maxDepth = 120

  private init(file: SourceFile, tokens: [Token], diagnostics: [Diagnostic]) {
    self.file = file
    self.tokens = tokens
    self.diagnostics = diagnostics
  }

  public static func parse(_ file: SourceFile) -> ParseResult {
    let (tokens, lexDiagnostics) = Lexer.tokenize(file)
    var parser = Parser(file: file, tokens: tokens, diagnostics: lexDiagnostics)
    let statements = parser.program()
    let badLines = Set(lexDiagnostics.compactMap { $0.span.map { file.lineAndColumn(of: $0.start).line } })
    parser.diagnostics = lexDiagnostics + parser.diagnostics.dropFirst(lexDiagnostics.count).filter {
      guard let span = $0.span else { return true }
      return !badLines.contains(file.lineAndColumn(of: span.start).line)
    }
    let endOffset = file.bytes.count
    let incomplete = parser.hitEndOfInput || parser.diagnostics.contains {
      $0.message.hasPrefix("unterminated") || ($0.span?.start ?? 0) >= endOffset
    }
    return ParseResult(statements: statements, diagnostics: parser.diagnostics, needsMoreInput: incomplete)
  }

  // MARK: - Tokens

  private var current: Token { tokens[pos] }
  private func peekKind(_ offset: Int = 1) -> TokenKind {
    pos + offset < tokens.count ? tokens[pos + offset].kind : .eof
  }
  private func check(_ kind: TokenKind) -> Bool { current.kind == kind }

  @discardableResult
  private mutating func advance() -> Token {
    let token = tokens[pos]
    if token.kind != .eof { pos += 1 }
    return token
  }

  private mutating func match(_ kind: TokenKind) -> Bool {
    guard check(kind) else { return false }
    advance()
    return true
  }

  @discardableResult
  private mutating func expect(_ kind: TokenKind, _ context: String) throws -> Token {
    if check(kind) { return advance() }
    throw fail("expected \(kind.display) \(context), found \(current.kind.display)")
  }

  /// Expects a closing bracket; at the end of input, blames the opening one.
  @discardableResult
  private mutating func expectClose(_ kind: TokenKind, opened open: Span, _ context: String) throws -> Token {
    if check(kind) { return advance() }
    if check(.eof) || current.span.start >= file.bytes.count {
      hitEndOfInput = true
      let opener = String(decoding: file.bytes[open.start..<min(open.end, open.start + 1)], as: UTF8.self)
      throw fail("'\(opener)' is never closed", at: Span(open.start, open.start + 1),
                 suggestion: "add \(kind.display) \(context)")
    }
    return try expect(kind, context)
  }

  private mutating func fail(_ message: String, at span: Span? = nil, suggestion: String? = nil) -> Failure {
    diagnostics.append(Diagnostic(message, file: file, span: span ?? current.span, suggestion: suggestion))
    return Failure()
  }

  private mutating func skipNewlines() {
    while check(.newline) || check(.semicolon) { advance() }
  }

  /// Skips to the start of the next statement after an error.
  private mutating func synchronize() {
    var nesting = 0
    while !check(.eof) {
      switch current.kind {
      case .lbrace: nesting += 1
      case .rbrace:
        if nesting == 0 { return }
        nesting -= 1
      case .newline, .semicolon:
        if nesting == 0 { advance(); return }
      default: break
      }
      advance()
    }
  }

  // MARK: - Statements

  private mutating func program() -> [Stmt] {
    var statements: [Stmt] = []
    skipNewlines()
    while !check(.eof) {
      if check(.rbrace) {
        _ = fail("unexpected '}' with no block to close")
        advance()
      } else if let s = statementRecovering() {
        statements.append(s)
      }
      skipNewlines()
    }
    return statements
  }

  private mutating func statementRecovering() -> Stmt? {
    do {
      let s = try statement()
      try endOfStatement()
      return s
    } catch {
      synchronize()
      return nil
    }
  }

  private mutating func endOfStatement() throws {
    switch current.kind {
    case .newline, .semicolon: advance()
    case .rbrace, .eof: break
    default: throw fail("expected end of statement, found \(current.kind.display)",
                        suggestion: "put each statement on its own line or separate them with ';'")
    }
  }

  private mutating func block(_ context: String) throws -> [Stmt] {
    let open = try expect(.lbrace, context).span
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth { throw fail("blocks nested too deeply") }
    let saved = braceStartsBlock
    braceStartsBlock = false
    defer { braceStartsBlock = saved }
    var statements: [Stmt] = []
    skipNewlines()
    while !check(.rbrace) && !check(.eof) {
      if let s = statementRecovering() { statements.append(s) }
      skipNewlines()
    }
    try expectClose(.rbrace, opened: open, "to close the block")
    return statements
  }

  private mutating func statement() throws -> Stmt {
    let start = current.span
    switch current.kind {
    case .kwLet:
      advance()
      let name = try expect(.identifier, "after 'let'")
      try expect(.assign, "after 'let \(name.text)'")
      let value = try expression()
      return .letDecl(name: name.text, value: value, span: start.to(value.span))
    case .kwFn where peekKind() == .identifier:
      advance()
      let name = advance()
      return .function(try functionRest(name: name.text, start: start))
    case .kwIf:
      return try ifStatement()
    case .kwFor:
      advance()
      let first = try expect(.identifier, "after 'for'")
      var index: String?
      var item = first.text
      if match(.comma) {
        index = first.text
        item = try expect(.identifier, "after ','").text
      }
      try expect(.kwIn, "in 'for' loop")
      let iterable = try header()
      let body = try block("to start the loop body")
      return .forStmt(index: index, item: item, iterable: iterable, body: body, span: start.to(iterable.span))
    case .kwWhile:
      advance()
      let condition = try header()
      let body = try block("to start the loop body")
      return .whileStmt(condition: condition, body: body, span: start.to(condition.span))
    case .kwBreak:
      advance()
      return .breakStmt(start)
    case .kwContinue:
      advance()
      return .continueStmt(start)
    case .kwReturn:
      advance()
      if [.newline, .semicolon, .rbrace, .eof].contains(current.kind) { return .returnStmt(nil, start) }
      let value = try expression()
      return .returnStmt(value, start.to(value.span))
    case .kwImport:
      advance()
      let token = try expect(.string, "after 'import'")
      guard case .string(let parts) = token.value, parts.count <= 1 else {
        throw fail("the name after 'import' must be a plain string", at: token.span)
      }
      var path = ""
      if case .text(let t)? = parts.first { path = t }
      return .importStmt(path: path, span: start.to(token.span))
    case .kwUse:
      advance()
      let kind = try expect(.identifier, "after 'use' (as in: use node \"sc001\")")
      let argument = try expression()
      return .use(kind: kind.text, argument: argument, span: start.to(argument.span))
    default:
      let target = try expression()
      let op: AssignOp
      switch current.kind {
      case .assign: op = .set
      case .plusAssign: op = .add
      case .minusAssign: op = .remove
      default: return .expression(target)
      }
      advance()
      switch target {
      case .name, .member, .index: break
      default:
        throw fail("cannot assign to this expression", at: target.span,
                   suggestion: "assign to a name, a member (a.b) or an element (a[i])")
      }
      let value = try expression()
      return .assign(target: target, op: op, value: value, span: target.span.to(value.span))
    }
  }

  /// An expression in an `if`/`for`/`while` header, where `{` opens the body.
  private mutating func header() throws -> Expr {
    let saved = braceStartsBlock
    braceStartsBlock = true
    defer { braceStartsBlock = saved }
    return try expression()
  }

  private mutating func ifStatement() throws -> Stmt {
    let start = advance().span
    var branches: [(condition: Expr, body: [Stmt])] = []
    var elseBody: [Stmt]?
    let condition = try header()
    branches.append((condition, try block("to start the 'if' body")))
    while true {
      var look = pos
      while tokens[look].kind == .newline { look += 1 }
      guard tokens[look].kind == .kwElse else { break }
      pos = look
      advance()
      if match(.kwIf) {
        let c = try header()
        branches.append((c, try block("to start the 'else if' body")))
      } else {
        elseBody = try block("after 'else'")
        break
      }
    }
    return .ifStmt(branches: branches, elseBody: elseBody, span: start.to(condition.span))
  }

  private mutating func functionRest(name: String?, start: Span) throws -> FunctionDecl {
    try expect(.lparen, "to start the parameter list")
    var parameters: [FunctionDecl.Parameter] = []
    var seenDefault = false
    while !check(.rparen) {
      let p = try expect(.identifier, "as a parameter name")
      var defaultValue: Expr?
      if match(.assign) {
        defaultValue = try expression()
        seenDefault = true
      } else if seenDefault {
        throw fail("parameter '\(p.text)' needs a default value because an earlier one has one", at: p.span)
      }
      if parameters.contains(where: { $0.name == p.text }) {
        throw fail("duplicate parameter '\(p.text)'", at: p.span)
      }
      parameters.append(.init(name: p.text, defaultValue: defaultValue, span: p.span))
      if !match(.comma) { break }
    }
    try expect(.rparen, "to close the parameter list")
    let body = try block("to start the function body")
    return FunctionDecl(name: name, parameters: parameters, body: body, span: start)
  }

  // MARK: - Expressions

  public mutating func expression() throws -> Expr {
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth { throw fail("expression nested too deeply") }
    var left = try orExpr()
    while match(.pipe) {
      let right = try postfix()
      switch right {
      case .call(let callee, let args, let span):
        left = .call(callee, [Argument(label: nil, value: left)] + args, left.span.to(span))
      default:
        left = .call(right, [Argument(label: nil, value: left)], left.span.to(right.span))
      }
    }
    return left
  }

  private mutating func orExpr() throws -> Expr {
    var left = try andExpr()
    while match(.kwOr) {
      let right = try andExpr()
      left = .logical(isAnd: false, left, right, left.span.to(right.span))
    }
    return left
  }

  private mutating func andExpr() throws -> Expr {
    var left = try notExpr()
    while match(.kwAnd) {
      let right = try notExpr()
      left = .logical(isAnd: true, left, right, left.span.to(right.span))
    }
    return left
  }

  private mutating func notExpr() throws -> Expr {
    if check(.kwNot) {
      let start = advance().span
      depth += 1
      defer { depth -= 1 }
      if depth > Parser.maxDepth { throw fail("expression nested too deeply") }
      let operand = try notExpr()
      return .unary(.not, operand, start.to(operand.span))
    }
    return try comparison()
  }

  private mutating func comparison() throws -> Expr {
    let left = try rangeExpr()
    guard let op = comparisonOperator() else { return left }
    let right = try rangeExpr()
    let result = Expr.binary(op, left, right, left.span.to(right.span))
    if comparisonOperator(peekOnly: true) != nil {
      throw fail("comparisons do not chain", suggestion: "combine them with 'and': a < b and b < c")
    }
    return result
  }

  private mutating func comparisonOperator(peekOnly: Bool = false) -> BinaryOp? {
    let op: BinaryOp
    var width = 1
    switch current.kind {
    case .equal: op = .equal
    case .notEqual: op = .notEqual
    case .less: op = .less
    case .lessEqual: op = .lessEqual
    case .greater: op = .greater
    case .greaterEqual: op = .greaterEqual
    case .kwIn: op = .contains
    case .kwNot where peekKind() == .kwIn: op = .notContains; width = 2
    default: return nil
    }
    if !peekOnly { for _ in 0..<width { advance() } }
    return op
  }

  private mutating func rangeExpr() throws -> Expr {
    let left = try additive()
    guard match(.dotDot) else { return left }
    let right = try additive()
    return .range(left, right, left.span.to(right.span))
  }

  private mutating func additive() throws -> Expr {
    var left = try multiplicative()
    while check(.plus) || check(.minus) {
      let op: BinaryOp = advance().kind == .plus ? .add : .subtract
      let right = try multiplicative()
      left = .binary(op, left, right, left.span.to(right.span))
    }
    return left
  }

  private mutating func multiplicative() throws -> Expr {
    var left = try unary()
    while check(.star) || check(.slash) || check(.percent) {
      let kind = advance().kind
      let op: BinaryOp = kind == .star ? .multiply : kind == .slash ? .divide : .remainder
      let right = try unary()
      left = .binary(op, left, right, left.span.to(right.span))
    }
    return left
  }

  private mutating func unary() throws -> Expr {
    if check(.minus) {
      let start = advance().span
      depth += 1
      defer { depth -= 1 }
      if depth > Parser.maxDepth { throw fail("expression nested too deeply") }
      let operand = try unary()
      if case .literal(.int(let v), let s) = operand { return .literal(.int(-v), start.to(s)) }
      if case .literal(.float(let v), let s) = operand { return .literal(.float(-v), start.to(s)) }
      return .unary(.negate, operand, start.to(operand.span))
    }
    return try postfix()
  }

  private mutating func postfix() throws -> Expr {
    var e = try primary()
    while true {
      switch current.kind {
      case .lparen:
        let open = advance().span
        let (args, close) = try arguments(opened: open)
        e = .call(e, args, e.span.to(close))
      case .lbracket:
        let open = advance().span
        let saved = braceStartsBlock
        braceStartsBlock = false
        let index = try expression()
        braceStartsBlock = saved
        let close = try expectClose(.rbracket, opened: open, "to close the index")
        e = .index(e, index, e.span.to(close.span))
      case .dot:
        advance()
        guard check(.identifier) || current.kind.isKeyword else {
          throw fail("expected a member name after '.', found \(current.kind.display)")
        }
        let name = advance()
        e = .member(e, name.text, e.span.to(name.span))
      default:
        return e
      }
    }
  }

  private mutating func arguments(opened open: Span) throws -> ([Argument], Span) {
    let saved = braceStartsBlock
    braceStartsBlock = false
    defer { braceStartsBlock = saved }
    var args: [Argument] = []
    while !check(.rparen) {
      if check(.identifier) && peekKind() == .colon {
        let label = advance()
        advance()
        if args.contains(where: { $0.label == label.text }) {
          throw fail("argument '\(label.text)' given twice", at: label.span)
        }
        args.append(Argument(label: label.text, value: try expression()))
      } else {
        let value = try expression()
        if args.contains(where: { $0.label != nil }) {
          throw fail("positional argument after a named one", at: value.span)
        }
        args.append(Argument(label: nil, value: value))
      }
      if !match(.comma) { break }
    }
    let close = try expectClose(.rparen, opened: open, "to close the argument list")
    return (args, close.span)
  }

  private mutating func primary() throws -> Expr {
    let token = current
    switch token.kind {
    case .int:
      advance()
      if case .int(let v) = token.value { return .literal(.int(v), token.span) }
    case .float:
      advance()
      if case .float(let v) = token.value { return .literal(.float(v), token.span) }
    case .ip:
      advance()
      if case .ip(let v) = token.value { return .literal(.ip(v), token.span) }
    case .cidr:
      advance()
      if case .cidr(let v, let p) = token.value { return .literal(.cidr(v, p), token.span) }
    case .mac:
      advance()
      if case .mac(let v) = token.value { return .literal(.mac(v), token.span) }
    case .size:
      advance()
      if case .size(let v) = token.value { return .literal(.size(v), token.span) }
    case .duration:
      advance()
      if case .duration(let v) = token.value { return .literal(.duration(v), token.span) }
    case .kwTrue: advance(); return .literal(.bool(true), token.span)
    case .kwFalse: advance(); return .literal(.bool(false), token.span)
    case .kwNil: advance(); return .literal(.null, token.span)
    case .string:
      advance()
      return try stringLiteral(token)
    case .identifier:
      if peekKind() == .arrow {
        advance()
        advance()
        return try lambdaBody(parameters: [.init(name: token.text, defaultValue: nil, span: token.span)], start: token.span)
      }
      advance()
      return .name(token.text, token.span)
    case .lparen:
      if let parameters = lambdaParameters() {
        return try lambdaBody(parameters: parameters, start: token.span)
      }
      let open = advance().span
      let saved = braceStartsBlock
      braceStartsBlock = false
      let inner = try expression()
      braceStartsBlock = saved
      try expectClose(.rparen, opened: open, "to close the parenthesis")
      return inner
    case .lbracket:
      return try listLiteral()
    case .lbrace where !braceStartsBlock || startsMapLiteral():
      return try mapLiteral()
    case .kwFn:
      advance()
      return .function(try functionRest(name: nil, start: token.span))
    default:
      break
    }
    throw fail("expected an expression, found \(token.kind.display)")
  }

  /// In a loop or `if` header, `{` still opens a map when what follows can
  /// only be a map: `{}` before the body's `{`, or `{key: …`.
  private func startsMapLiteral() -> Bool {
    let next = peekKind(1)
    if next == .rbrace { return peekKind(2) == .lbrace }
    let isKey = next == .identifier || next == .string || next.isKeyword
    return isKey && peekKind(2) == .colon
  }

  /// `(a, b) =>` — the parameter list of an arrow function, if one starts here.
  private mutating func lambdaParameters() -> [FunctionDecl.Parameter]? {
    var p = pos + 1
    var parameters: [FunctionDecl.Parameter] = []
    while tokens[p].kind == .identifier {
      parameters.append(.init(name: tokens[p].text, defaultValue: nil, span: tokens[p].span))
      p += 1
      if tokens[p].kind == .comma { p += 1 } else { break }
    }
    guard tokens[p].kind == .rparen, p + 1 < tokens.count, tokens[p + 1].kind == .arrow else { return nil }
    pos = p + 2
    return parameters
  }

  private mutating func lambdaBody(parameters: [FunctionDecl.Parameter], start: Span) throws -> Expr {
    if check(.lbrace) && !startsMapLiteral() {
      let body = try block("to start the function body")
      return .function(FunctionDecl(name: nil, parameters: parameters, body: body, span: start))
    }
    let value = try expression()
    return .function(FunctionDecl(name: nil, parameters: parameters, body: [.returnStmt(value, value.span)],
                                  span: start.to(value.span)))
  }

  private mutating func listLiteral() throws -> Expr {
    let start = advance().span
    let saved = braceStartsBlock
    braceStartsBlock = false
    defer { braceStartsBlock = saved }
    var items: [Expr] = []
    while !check(.rbracket) {
      items.append(try expression())
      if !match(.comma) { break }
    }
    let close = try expectClose(.rbracket, opened: start, "to close the list")
    return .list(items, start.to(close.span))
  }

  private mutating func mapLiteral() throws -> Expr {
    let start = advance().span
    var entries: [(key: Expr, value: Expr)] = []
    skipNewlines()
    while !check(.rbrace) {
      let key: Expr
      if (check(.identifier) || current.kind.isKeyword) && peekKind() == .colon {
        let t = advance()
        key = .string([.text(t.text)], t.span)
      } else {
        key = try expression()
      }
      try expect(.colon, "after a map key")
      skipNewlines()
      entries.append((key, try expression()))
      skipNewlines()
      if !match(.comma) { break }
      skipNewlines()
    }
    skipNewlines()
    let close = try expectClose(.rbrace, opened: start, "to close the map")
    return .map(entries, start.to(close.span))
  }

  private mutating func stringLiteral(_ token: Token) throws -> Expr {
    guard case .string(let parts) = token.value else { return .string([], token.span) }
    var segments: [StringSegment] = []
    for part in parts {
      switch part {
      case .text(let t):
        segments.append(.text(t))
      case .interpolation(let span):
        let (inner, lexDiagnostics) = Lexer.tokenize(file, range: span.start..<span.end)
        var sub = Parser(file: file, tokens: inner, diagnostics: lexDiagnostics)
        sub.depth = depth + 1
        do {
          let e = try sub.expression()
          sub.skipNewlines()
          if !sub.check(.eof) { throw sub.fail("unexpected \(sub.current.kind.display) in interpolation") }
          segments.append(.expr(e))
        } catch {}
        diagnostics += sub.diagnostics
      }
    }
    return .string(segments, token.span)
  }
}
