/// Statements: expressions, control flow, import and use.
final class ExpressionStmtNode: StmtNode {
  let expr: Node
  /// Set on the last statement of a REPL line, whose value is printed.
  let recordsValue: Bool
  unowned(unsafe) let interpreter: Interpreter
  init(_ expr: Node, recordsValue: Bool, _ interpreter: Interpreter) {
    self.expr = expr
    self.recordsValue = recordsValue
    self.interpreter = interpreter
    super.init(expr.span, expr.file)
  }
  override func exec(_ f: Frame) throws -> Flow {
    let v = try expr.eval(f)
    if recordsValue { interpreter.lastValue = v }
    return .normal
  }
}

/// `if c {…} else {…}`; an `else if` chain is nested `IfNode`s.
final class IfNode: StmtNode {
  let condition: Node
  let body: [StmtNode]
  let otherwise: [StmtNode]?
  init(_ condition: Node, _ body: [StmtNode], otherwise: [StmtNode]?, _ span: Span, _ file: SourceFile) {
    self.condition = condition
    self.body = body
    self.otherwise = otherwise
    super.init(span, file)
  }
  override func exec(_ f: Frame) throws -> Flow {
    if try condition.eval(f).isTruthy { return try execBlock(body, f) }
    if let otherwise { return try execBlock(otherwise, f) }
    return .normal
  }
}

/// The frame a loop body runs in on each iteration when closures capture
/// its names: each iteration gets its own bindings.
struct IterationFrame {
  let slotCount: Int
  /// The body makes closures over the iteration's frame.
  let createsClosures: Bool
}

/// Runs a loop body once, in the enclosing frame or in a fresh frame of its own.
@inline(__always)
func execLoopBody(_ body: [StmtNode], _ f: Frame, _ iteration: IterationFrame?, _ interpreter: Interpreter,
                  bind: (Frame) -> Void) throws -> Flow {
  guard let iteration else {
    bind(f)
    return try execBlock(body, f)
  }
  var frame = Frame.make(count: iteration.slotCount, parent: f)
  bind(frame)
  defer { if iteration.createsClosures { interpreter.endFrame(&frame) } }
  return try execBlock(body, frame)
}

final class WhileNode: StmtNode {
  let condition: Node
  let body: [StmtNode]
  let iteration: IterationFrame?
  unowned(unsafe) let interpreter: Interpreter
  init(_ condition: Node, _ body: [StmtNode], iteration: IterationFrame?, _ interpreter: Interpreter,
       _ span: Span, _ file: SourceFile) {
    self.condition = condition
    self.body = body
    self.iteration = iteration
    self.interpreter = interpreter
    super.init(span, file)
  }
  override func exec(_ f: Frame) throws -> Flow {
    while try condition.eval(f).isTruthy {
      try interpreter.step(file, span)
      switch try execLoopBody(body, f, iteration, interpreter, bind: { _ in }) {
      case .breakLoop: return .normal
      case .returned: return .returned
      default: continue
      }
    }
    return .normal
  }
}

/// `for x in xs` and `for i, x in xs`; over a map, `for k, v in m`.
final class ForNode: StmtNode {
  let indexSlot: Int?
  let itemSlot: Int
  let iterable: Node
  let body: [StmtNode]
  let iteration: IterationFrame?
  unowned(unsafe) let interpreter: Interpreter

  init(indexSlot: Int?, itemSlot: Int, iterable: Node, body: [StmtNode], iteration: IterationFrame?,
       _ interpreter: Interpreter, _ span: Span, _ file: SourceFile) {
    self.indexSlot = indexSlot
    self.itemSlot = itemSlot
    self.iterable = iterable
    self.body = body
    self.iteration = iteration
    self.interpreter = interpreter
    super.init(span, file)
  }

  /// Runs the body once; false when the loop should stop.
  @inline(__always)
  private func iteration(_ f: Frame, _ index: Value, _ item: Value) throws -> Flow? {
    try interpreter.step(file, span)
    let flow = try execLoopBody(body, f, iteration, interpreter) { frame in
      if let indexSlot { frame[indexSlot] = index }
      frame[itemSlot] = item
    }
    switch flow {
    case .breakLoop: return .normal
    case .returned: return .returned
    default: return nil
    }
  }

  override func exec(_ f: Frame) throws -> Flow {
    var source = try iterable.eval(f)
    if case .object(let o as HostMap) = source {
      do { source = .map(MapRef(try o.entries())) } catch { throw locate(error) }
    }
    switch source {
    case .range(let lo, let hi):
      if lo > hi { return .normal }
      var i = lo
      while true {
        if let flow = try iteration(f, .int(i - lo), .int(i)) { return flow }
        if i == hi { break }
        i += 1
      }
    case .list(let l):
      let items = l.items
      for (i, item) in items.enumerated() {
        if let flow = try iteration(f, .int(i), item) { return flow }
      }
    case .map(let m):
      let pairs = Array(m.entries.pairs)
      for (k, v) in pairs {
        let flow = indexSlot == nil ? try iteration(f, .null, k) : try iteration(f, k, v)
        if let flow { return flow }
      }
    case .string(let s):
      for (i, c) in s.enumerated() {
        if let flow = try iteration(f, .int(i), .string(String(c))) { return flow }
      }
    case .object(let o):
      let items: [Value]
      do { items = try o.elements(in: interpreter) } catch { throw locate(error) }
      for (i, item) in items.enumerated() {
        if let flow = try iteration(f, .int(i), item) { return flow }
      }
    default:
      throw LangError("cannot iterate over \(source.typeName)", file: file, span: iterable.span)
    }
    return .normal
  }
}

final class BreakNode: StmtNode {
  override func exec(_ f: Frame) throws -> Flow { .breakLoop }
}

final class ContinueNode: StmtNode {
  override func exec(_ f: Frame) throws -> Flow { .continueLoop }
}

final class ReturnNode: StmtNode {
  let value: Node?
  unowned(unsafe) let interpreter: Interpreter
  init(_ value: Node?, _ interpreter: Interpreter, _ span: Span, _ file: SourceFile) {
    self.value = value
    self.interpreter = interpreter
    super.init(span, file)
  }
  override func exec(_ f: Frame) throws -> Flow {
    interpreter.returnValue = try value?.eval(f) ?? .null
    return .returned
  }
}

final class ImportNode: StmtNode {
  let path: String
  unowned(unsafe) let interpreter: Interpreter
  init(_ path: String, _ interpreter: Interpreter, _ span: Span, _ file: SourceFile) {
    self.path = path
    self.interpreter = interpreter
    super.init(span, file)
  }
  override func exec(_ f: Frame) throws -> Flow {
    do { try interpreter.importModule(path, from: file) } catch { throw locate(error) }
    return .normal
  }
}

/// `use node "sc001"`: asks the host to select an object and sets the register.
final class UseNode: StmtNode {
  let kind: String
  let argument: Node
  unowned(unsafe) let interpreter: Interpreter
  init(kind: String, argument: Node, _ interpreter: Interpreter, _ span: Span, _ file: SourceFile) {
    self.kind = kind
    self.argument = argument
    self.interpreter = interpreter
    super.init(span, file)
  }
  override func exec(_ f: Frame) throws -> Flow {
    let v = try argument.eval(f)
    do { try interpreter.use(kind, v) } catch { throw locate(error) }
    return .normal
  }
}
