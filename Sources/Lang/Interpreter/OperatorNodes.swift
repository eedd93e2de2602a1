/// Operators, each its own node so the integer fast path needs no dispatch.
class BinaryNode: Node {
  let left: Node, right: Node
  init(_ left: Node, _ right: Node, _ span: Span, _ file: SourceFile) {
    self.left = left
    self.right = right
    super.init(span, file)
  }

  static func make(_ op: BinaryOp, _ l: Node, _ r: Node, _ span: Span, _ file: SourceFile,
                   _ interpreter: Interpreter) -> Node {
    switch op {
    case .add: return AddNode(l, r, span, file)
    case .subtract: return SubtractNode(l, r, span, file)
    case .multiply: return ArithmeticNode(l, r, span, file, Operators.multiply)
    case .divide: return ArithmeticNode(l, r, span, file, Operators.divide)
    case .remainder: return ArithmeticNode(l, r, span, file, Operators.remainder)
    case .equal: return EqualNode(l, r, span, file, negated: false)
    case .notEqual: return EqualNode(l, r, span, file, negated: true)
    case .less: return LessNode(l, r, span, file)
    case .lessEqual: return OrderNode(l, r, span, file, "<=") { $0 <= 0 }
    case .greater: return OrderNode(l, r, span, file, ">") { $0 > 0 }
    case .greaterEqual: return OrderNode(l, r, span, file, ">=") { $0 >= 0 }
    case .contains: return ContainsNode(l, r, span, file, negated: false, interpreter)
    case .notContains: return ContainsNode(l, r, span, file, negated: true, interpreter)
    }
  }
}

final class AddNode: BinaryNode {
  override func eval(_ f: Frame) throws -> Value {
    let a = try left.eval(f), b = try right.eval(f)
    if case .int(let x) = a, case .int(let y) = b {
      let (r, o) = x.addingReportingOverflow(y)
      if !o { return .int(r) }
    }
    do { return try Operators.add(a, b) } catch { throw locate(error) }
  }
}

final class SubtractNode: BinaryNode {
  override func eval(_ f: Frame) throws -> Value {
    let a = try left.eval(f), b = try right.eval(f)
    if case .int(let x) = a, case .int(let y) = b {
      let (r, o) = x.subtractingReportingOverflow(y)
      if !o { return .int(r) }
    }
    do { return try Operators.subtract(a, b) } catch { throw locate(error) }
  }
}

final class ArithmeticNode: BinaryNode {
  let op: (Value, Value) throws -> Value
  init(_ l: Node, _ r: Node, _ span: Span, _ file: SourceFile, _ op: @escaping (Value, Value) throws -> Value) {
    self.op = op
    super.init(l, r, span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    let a = try left.eval(f), b = try right.eval(f)
    do { return try op(a, b) } catch { throw locate(error) }
  }
}

final class EqualNode: BinaryNode {
  let negated: Bool
  init(_ l: Node, _ r: Node, _ span: Span, _ file: SourceFile, negated: Bool) {
    self.negated = negated
    super.init(l, r, span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    let a = try left.eval(f), b = try right.eval(f)
    if case .int(let x) = a, case .int(let y) = b { return .bool((x == y) != negated) }
    return .bool((a == b) != negated)
  }
}

final class LessNode: BinaryNode {
  override func eval(_ f: Frame) throws -> Value {
    let a = try left.eval(f), b = try right.eval(f)
    if case .int(let x) = a, case .int(let y) = b { return .bool(x < y) }
    do { return .bool(try Operators.ordered("<", a, b) < 0) } catch { throw locate(error) }
  }
}

final class OrderNode: BinaryNode {
  let symbol: String
  let test: (Int) -> Bool
  init(_ l: Node, _ r: Node, _ span: Span, _ file: SourceFile, _ symbol: String, _ test: @escaping (Int) -> Bool) {
    self.symbol = symbol
    self.test = test
    super.init(l, r, span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    let a = try left.eval(f), b = try right.eval(f)
    if case .int(let x) = a, case .int(let y) = b { return .bool(test(x < y ? -1 : x == y ? 0 : 1)) }
    do { return .bool(test(try Operators.ordered(symbol, a, b))) } catch { throw locate(error) }
  }
}

final class ContainsNode: BinaryNode {
  let negated: Bool
  unowned(unsafe) let interpreter: Interpreter
  init(_ l: Node, _ r: Node, _ span: Span, _ file: SourceFile, negated: Bool, _ interpreter: Interpreter) {
    self.negated = negated
    self.interpreter = interpreter
    super.init(l, r, span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    let needle = try left.eval(f), haystack = try right.eval(f)
    do { return .bool(try Operators.contains(haystack, needle, interpreter: interpreter) != negated) }
    catch { throw locate(error) }
  }
}

final class LogicalNode: BinaryNode {
  let isAnd: Bool
  init(_ l: Node, _ r: Node, _ span: Span, _ file: SourceFile, isAnd: Bool) {
    self.isAnd = isAnd
    super.init(l, r, span, file)
  }
  /// Python-style: the deciding operand is the result (`x or "default"`).
  override func eval(_ f: Frame) throws -> Value {
    let a = try left.eval(f)
    return a.isTruthy == isAnd ? try right.eval(f) : a
  }
}

final class NotNode: Node {
  let operand: Node
  init(_ operand: Node, _ span: Span, _ file: SourceFile) {
    self.operand = operand
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value { .bool(!(try operand.eval(f).isTruthy)) }
}

final class NegateNode: Node {
  let operand: Node
  init(_ operand: Node, _ span: Span, _ file: SourceFile) {
    self.operand = operand
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    do { return try Operators.negate(try operand.eval(f)) } catch { throw locate(error) }
  }
}
