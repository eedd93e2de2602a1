/// Turns the syntax tree into executable nodes, resolving every name to a
/// frame slot, an enclosing frame's slot, or a global, before anything runs.
///
/// Each function gets one frame; block-scoped names get their own slots in
/// it. A loop body whose names closures capture gets a frame of its own per
/// iteration (see `LoopCaptures`). At the top level of a script, `let` and
/// `fn` declare globals, so the REPL keeps them from one line to the next.
final class Compiler {
  private final class Scope {
    enum Kind { case program, function, iteration }
    let parent: Scope?
    let kind: Kind
    var blocks: [[String: Int]] = [[:]]
    var slotCount = 0
    var loopDepth: Int
    var createsClosures = false

    init(parent: Scope?, kind: Kind) {
      self.parent = parent
      self.kind = kind
      loopDepth = kind == .iteration ? 1 : 0
    }

    var isTopLevel: Bool { kind == .program }

    /// Whether `return` is allowed: some enclosing scope is a function.
    var insideFunction: Bool {
      switch kind {
      case .program: return false
      case .function: return true
      case .iteration: return parent?.insideFunction ?? false
      }
    }

    var atGlobalLevel: Bool { isTopLevel && blocks.count == 1 }

    func declare(_ name: String) -> Int {
      let slot = slotCount
      slotCount += 1
      blocks[blocks.count - 1][name] = slot
      return slot
    }

    func lookup(_ name: String) -> Int? {
      for block in blocks.reversed() { if let s = block[name] { return s } }
      return nil
    }

    var visibleNames: [String] {
      var names: [String] = []
      var s: Scope? = self
      while let scope = s {
        for block in scope.blocks { names += block.keys }
        s = scope.parent
      }
      return names
    }
  }

  private let interpreter: Interpreter
  private let file: SourceFile
  private var scope: Scope
  private var diagnostics: [Diagnostic] = []
  /// Globals this compilation declares; they are defined by the time code
  /// after their `let` runs.
  private var declaredGlobals: Set<String> = []
  private var globals: Globals { interpreter.globals }

  init(interpreter: Interpreter, file: SourceFile) {
    self.interpreter = interpreter
    self.file = file
    self.scope = Scope(parent: nil, kind: .program)
  }

  /// Compiles a whole program; the result runs in a frame of `slotCount` slots.
  func compileProgram(_ statements: [Stmt], recordLastValue: Bool) throws -> (body: [StmtNode], slotCount: Int) {
    var body: [StmtNode] = []
    for (i, s) in statements.enumerated() {
      if recordLastValue && i == statements.count - 1, case .expression(let e) = s, let node = attempt({ try expression(e) }) {
        body.append(ExpressionStmtNode(node, recordsValue: true, interpreter))
      } else if let node = attempt({ try statement(s) }) {
        body.append(node)
      }
    }
    if !diagnostics.isEmpty { throw LangError(diagnostics) }
    return (body, scope.slotCount)
  }

  private func attempt<T>(_ body: () throws -> T) -> T? {
    do { return try body() } catch let e as LangError {
      diagnostics += e.diagnostics
      return nil
    } catch {
      diagnostics.append(Diagnostic("\(error)", file: file))
      return nil
    }
  }

  private func fail(_ message: String, _ span: Span, suggestion: String? = nil) -> LangError {
    LangError(message, file: file, span: span, suggestion: suggestion)
  }

  // MARK: - Names

  private func resolve(_ name: String, _ span: Span) -> VariableTarget {
    var depth = 0
    var s: Scope? = scope
    while let current = s {
      if let slot = current.lookup(name) {
        return depth == 0 ? .local(slot) : .outer(depth: depth, slot: slot)
      }
      depth += 1
      s = current.parent
    }
    if let index = globals.definedSlot(name) ?? (declaredGlobals.contains(name) ? globals.slot(for: name) : nil) {
      return .global(index)
    }
    return .dynamic(DynamicNameNode(name: name, globals: globals, localNames: scope.visibleNames, span, file))
  }

  private func declare(_ name: String, _ span: Span) throws -> VariableTarget {
    if scope.atGlobalLevel {
      declaredGlobals.insert(name)
      return .global(globals.slot(for: name))
    }
    if scope.blocks[scope.blocks.count - 1][name] != nil {
      throw fail("'\(name)' is already declared in this block", span, suggestion: "assign to it with '\(name) = …'")
    }
    return .local(scope.declare(name))
  }

  private func withBlock<T>(_ body: () throws -> T) rethrows -> T {
    scope.blocks.append([:])
    defer { scope.blocks.removeLast() }
    return try body()
  }

  // MARK: - Statements

  private func block(_ statements: [Stmt]) -> [StmtNode] {
    withBlock { statements.compactMap { s in attempt { try statement(s) } } }
  }

  private func statement(_ s: Stmt) throws -> StmtNode {
    switch s {
    case .expression(let e):
      return ExpressionStmtNode(try expression(e), recordsValue: false, interpreter)
    case .letDecl(let name, let value, let span):
      let v = try expression(value)
      return StoreNode(try declare(name, span), v, globals, span, file)
    case .function(let decl):
      let target = try declare(decl.name ?? "", decl.span)
      let fn = try function(decl)
      return StoreNode(target, fn, globals, decl.span, file)
    case .assign(let target, let op, let value, let span):
      return try assignment(target, op, value, span)
    case .ifStmt(let branches, let elseBody, let span):
      let conditions = try branches.map { try expression($0.condition) }
      let bodies = branches.map { block($0.body) }
      // `if a {…} else if b {…} else {…}` runs as `if a {…} else { if b {…} else {…} }`.
      var otherwise = elseBody.map(block)
      for i in conditions.indices.dropFirst().reversed() {
        otherwise = [IfNode(conditions[i], bodies[i], otherwise: otherwise, span, file)]
      }
      return IfNode(conditions[0], bodies[0], otherwise: otherwise, span, file)
    case .whileStmt(let condition, let body, let span):
      let c = try expression(condition)
      return loopBody(declaring: [], body) { _, statements, iteration in
        WhileNode(c, statements, iteration: iteration, interpreter, span, file)
      }
    case .forStmt(let index, let item, let iterable, let body, let span):
      let source = try expression(iterable)
      return loopBody(declaring: [index, item].compactMap { $0 }, body) { slots, statements, iteration in
        ForNode(indexSlot: index == nil ? nil : slots[0], itemSlot: slots[slots.count - 1], iterable: source,
                body: statements, iteration: iteration, interpreter, span, file)
      }
    case .breakStmt(let span):
      guard scope.loopDepth > 0 else { throw fail("'break' outside a loop", span) }
      return BreakNode(span, file)
    case .continueStmt(let span):
      guard scope.loopDepth > 0 else { throw fail("'continue' outside a loop", span) }
      return ContinueNode(span, file)
    case .returnStmt(let value, let span):
      guard scope.insideFunction else { throw fail("'return' outside a function", span) }
      return ReturnNode(try value.map(expression), interpreter, span, file)
    case .importStmt(let path, let span):
      return ImportNode(path, interpreter, span, file)
    case .use(let kind, let argument, let span):
      return UseNode(kind: kind, argument: try expression(argument), interpreter, span, file)
    }
  }

  /// Compiles a loop body with `variables` declared in it, in a scope of
  /// its own when closures in it capture its names (a fresh binding per
  /// iteration), or as a block of the enclosing frame otherwise.
  private func loopBody<T>(declaring variables: [String], _ body: [Stmt],
                           _ make: (_ slots: [Int], _ statements: [StmtNode], _ iteration: IterationFrame?) -> T) -> T {
    guard LoopCaptures.needFrame(loopVariables: variables, body: body) else {
      scope.loopDepth += 1
      defer { scope.loopDepth -= 1 }
      return withBlock { make(variables.map { scope.declare($0) }, block(body), nil) }
    }
    let outer = scope
    scope = Scope(parent: outer, kind: .iteration)
    defer { scope = outer }
    let slots = variables.map { scope.declare($0) }
    let statements = block(body)
    return make(slots, statements, IterationFrame(slotCount: scope.slotCount, createsClosures: scope.createsClosures))
  }

  private func assignment(_ target: Expr, _ op: AssignOp, _ value: Expr, _ span: Span) throws -> StmtNode {
    let v = try expression(value)
    switch target {
    case .name(let name, let nameSpan):
      let t = resolve(name, nameSpan)
      if op == .set { return StoreNode(t, v, globals, span, file) }
      return CompoundStoreNode(t, v, isAdd: op == .add, globals, span, file)
    case .member(let object, let name, _):
      return SetElementNode(object: try expression(object), place: .member(name), value: v, op: op, interpreter, span, file)
    case .index(let object, let key, _):
      return SetElementNode(object: try expression(object), place: .index(try expression(key)), value: v, op: op,
                            interpreter, span, file)
    default:
      throw fail("cannot assign to this expression", target.span)
    }
  }

  private func function(_ decl: FunctionDecl) throws -> Node {
    let outer = scope
    markCreatesClosures()
    scope = Scope(parent: outer, kind: .function)
    defer { scope = outer }
    for p in decl.parameters { _ = scope.declare(p.name) }
    let defaults = try decl.parameters.map { try $0.defaultValue.map(expression) }
    let body = withBlock { decl.body.compactMap { s in attempt { try statement(s) } } }
    let code = FunctionCode(name: decl.name ?? "<anonymous>", parameters: decl.parameters.map(\.name),
                            defaults: defaults, body: body, slotCount: scope.slotCount,
                            createsClosures: scope.createsClosures, file: file, span: decl.span)
    return FunctionNode(code, decl.span, file)
  }

  /// Notes that the current frame, and the frames it is nested in up to
  /// its function's, may end up in a closure (see `Frame.breakCycles`).
  private func markCreatesClosures() {
    var s: Scope? = scope
    while let current = s {
      current.createsClosures = true
      if current.kind != .iteration { break }
      s = current.parent
    }
  }

  // MARK: - Expressions

  private func expression(_ e: Expr) throws -> Node {
    switch e {
    case .literal(let literal, let span):
      return ConstantNode(Compiler.value(of: literal), span, file)
    case .string(let segments, let span):
      if segments.isEmpty { return ConstantNode(.string(""), span, file) }
      if segments.count == 1, case .text(let t) = segments[0] { return ConstantNode(.string(t), span, file) }
      let parts: [InterpolationNode.Part] = try segments.map {
        switch $0 {
        case .text(let t): return .text(t)
        case .expr(let e): return .expr(try expression(e))
        }
      }
      return InterpolationNode(parts, span, file)
    case .name(let name, let span):
      switch resolve(name, span) {
      case .local(let slot): return LocalNode(slot: slot, span, file)
      case .outer(let depth, let slot): return OuterNode(depth: depth, slot: slot, span, file)
      case .global(let index): return GlobalNode(globals, index: index, span, file)
      case .dynamic(let node): return node
      }
    case .list(let items, let span):
      return ListNode(try items.map(expression), span, file)
    case .map(let entries, let span):
      return MapNode(keys: try entries.map { try expression($0.key) }, values: try entries.map { try expression($0.value) },
                     span, file)
    case .unary(let op, let operand, let span):
      let o = try expression(operand)
      return op == .not ? NotNode(o, span, file) : NegateNode(o, span, file)
    case .binary(let op, let l, let r, let span):
      return BinaryNode.make(op, try expression(l), try expression(r), span, file, interpreter)
    case .logical(let isAnd, let l, let r, let span):
      return LogicalNode(try expression(l), try expression(r), span, file, isAnd: isAnd)
    case .range(let l, let r, let span):
      return RangeNode(try expression(l), try expression(r), span, file)
    case .call(let callee, let args, let span):
      let argNodes = try args.map { try expression($0.value) }
      let labels = args.map(\.label)
      if case .member(let receiver, let name, _) = callee {
        return MethodCallNode(receiver: try expression(receiver), name: name, args: argNodes, labels: labels,
                              interpreter, span, file)
      }
      return CallNode(callee: try expression(callee), args: argNodes, labels: labels, interpreter, span, file)
    case .member(let object, let name, let span):
      return MemberNode(try expression(object), name, interpreter, span, file)
    case .index(let object, let key, let span):
      return IndexNode(try expression(object), try expression(key), interpreter, span, file)
    case .function(let decl):
      return try function(decl)
    }
  }

  static func value(of literal: Literal) -> Value {
    switch literal {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let f): return .float(f)
    case .ip(let ip): return .ip(IPv4(ip))
    case .cidr(let ip, let prefix): return .cidr(CIDR(address: IPv4(ip), prefix: prefix))
    case .mac(let m): return .mac(MAC(m))
    case .size(let s): return .size(s)
    case .duration(let d): return .duration(d)
    }
  }
}
