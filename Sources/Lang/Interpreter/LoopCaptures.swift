/// Decides whether a loop body needs a frame of its own per iteration: it
/// does when a closure inside it may refer to a name the body declares (or a
/// loop variable), so that each iteration's closures see that iteration's
/// binding. Loops whose closures capture nothing keep their names in the
/// enclosing frame and allocate nothing per iteration.
///
/// Names are compared without regard to shadowing: a false "yes" costs one
/// frame per iteration, never a wrong result.
struct LoopCaptures {
  private var declared: Set<String>
  private var captured: Set<String> = []
  private var functionDepth = 0

  static func needFrame(loopVariables: [String], body: [Stmt]) -> Bool {
    var walk = LoopCaptures(declared: Set(loopVariables))
    walk.statements(body)
    return !walk.declared.isDisjoint(with: walk.captured)
  }

  private init(declared: Set<String>) { self.declared = declared }

  private mutating func declare(_ name: String) {
    if functionDepth == 0 { declared.insert(name) }
  }

  private mutating func statements(_ body: [Stmt]) {
    for s in body { statement(s) }
  }

  private mutating func statement(_ s: Stmt) {
    switch s {
    case .expression(let e): expression(e)
    case .letDecl(let name, let value, _):
      declare(name)
      expression(value)
    case .assign(let target, _, let value, _):
      expression(target)
      expression(value)
    case .function(let decl):
      declare(decl.name ?? "")
      function(decl)
    case .ifStmt(let branches, let elseBody, _):
      for b in branches {
        expression(b.condition)
        statements(b.body)
      }
      statements(elseBody ?? [])
    case .forStmt(let index, let item, let iterable, let body, _):
      if let index { declare(index) }
      declare(item)
      expression(iterable)
      statements(body)
    case .whileStmt(let condition, let body, _):
      expression(condition)
      statements(body)
    case .returnStmt(let value, _): value.map { expression($0) }
    case .use(_, let argument, _): expression(argument)
    case .breakStmt, .continueStmt, .importStmt: break
    }
  }

  private mutating func function(_ decl: FunctionDecl) {
    functionDepth += 1
    defer { functionDepth -= 1 }
    for p in decl.parameters { p.defaultValue.map { expression($0) } }
    statements(decl.body)
  }

  private mutating func expression(_ e: Expr) {
    switch e {
    case .name(let name, _): if functionDepth > 0 { captured.insert(name) }
    case .literal: break
    case .string(let segments, _):
      for case .expr(let inner) in segments { expression(inner) }
    case .list(let items, _): items.forEach { expression($0) }
    case .map(let entries, _):
      for entry in entries {
        expression(entry.key)
        expression(entry.value)
      }
    case .unary(_, let operand, _): expression(operand)
    case .binary(_, let l, let r, _), .logical(_, let l, let r, _), .range(let l, let r, _), .index(let l, let r, _):
      expression(l)
      expression(r)
    case .call(let callee, let arguments, _):
      expression(callee)
      arguments.forEach { expression($0.value) }
    case .member(let object, _, _): expression(object)
    case .function(let decl): function(decl)
    }
  }
}
