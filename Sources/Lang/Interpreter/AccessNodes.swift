/// Calls, members and indexing.
final class CallNode: Node {
  let callee: Node
  let args: [Node]
  let labels: [String?]
  let hasLabels: Bool
  /// The callee's slot when it is a global (`fib(n - 1)`, `len(xs)`), read
  /// in place; -1 otherwise.
  let globalIndex: Int
  unowned(unsafe) let interpreter: Interpreter

  init(callee: Node, args: [Node], labels: [String?], _ interpreter: Interpreter, _ span: Span, _ file: SourceFile) {
    self.callee = callee
    self.args = args
    self.labels = labels
    self.hasLabels = labels.contains { $0 != nil }
    globalIndex = (callee as? GlobalNode)?.index ?? -1
    self.interpreter = interpreter
    super.init(span, file)
  }

  override func eval(_ f: Frame) throws -> Value {
    let fn: Callable
    if globalIndex >= 0, case .function(let g) = interpreter.globals.values.pointer(globalIndex).pointee {
      fn = g
    } else {
      let c = try callee.eval(f)
      guard case .function(let g) = c else {
        throw error("\(c.typeName) is not a function", suggestion: calleeHint())
      }
      fn = g
    }
    if fn.kind == .closure {
      let closure = unsafeDowncast(fn, to: Closure.self)
      let code = closure.code
      if !hasLabels && args.count == code.parameterCount {
        let frame = code.makeFrame(parent: closure.parent)
        for i in 0..<args.count { frame.initialize(i, to: try args[i].eval(f)) }
        do { return try interpreter.invoke(closure, consume frame) } catch { throw traced(error, closure) }
      }
    }
    let arguments = try evaluateArguments(args, labels, f)
    do { return try fn.call(interpreter, arguments) } catch {
      if fn.kind == .closure { throw traced(error, fn) }
      throw locate(error)
    }
  }

  private func calleeHint() -> String? {
    if let n = callee as? DynamicNameNode { return "'\(n.name)' is not defined as a function" }
    return nil
  }

  /// Notes that the error passed through a call of `fn` made here.
  private func traced(_ error: Error, _ fn: Callable) -> Error {
    guard var e = located(error, file, span) as? LangError, !e.diagnostics.isEmpty else { return error }
    e.diagnostics[0].addCall(fn.name, file: file, span: span)
    return e
  }
}

func evaluateArguments(_ args: [Node], _ labels: [String?], _ f: Frame) throws -> Arguments {
  var arguments = Arguments()
  arguments.positional.reserveCapacity(args.count)
  for (node, label) in zip(args, labels) {
    let v = try node.eval(f)
    if let label { arguments.named.append((label, v)) } else { arguments.positional.append(v) }
  }
  return arguments
}

/// `receiver.name(args)`: calls a method without making a bound function.
final class MethodCallNode: Node {
  let receiver: Node
  let name: String
  let args: [Node]
  let labels: [String?]
  /// The name as a map key, and its hash: a map's function-valued key of
  /// that name is called instead of a method.
  let key: Value, hash: Int
  /// `xs.append(x)`, the commonest method call, done without an argument list.
  let isPlainAppend: Bool
  unowned(unsafe) let interpreter: Interpreter

  init(receiver: Node, name: String, args: [Node], labels: [String?], _ interpreter: Interpreter,
       _ span: Span, _ file: SourceFile) {
    self.receiver = receiver
    self.name = name
    self.args = args
    self.labels = labels
    self.interpreter = interpreter
    key = .string(name)
    hash = OrderedMap.hash(string: name)
    isPlainAppend = name == "append" && args.count == 1 && labels[0] == nil
    super.init(span, file)
  }

  override func eval(_ f: Frame) throws -> Value {
    let r = try receiver.eval(f)
    if isPlainAppend, case .list(let l) = r {
      l.items.append(try args[0].eval(f))
      return .null
    }
    let arguments = try evaluateArguments(args, labels, f)
    do {
      if case .object(let o) = r { return try o.callMethod(name, arguments, in: interpreter) }
      if case .map(let m) = r, let fn = m.entries[key, hash: hash], case .function = fn {
        return try interpreter.call(fn, arguments)
      }
      return try Members.call(r, name, arguments, interpreter)
    } catch {
      throw locate(error)
    }
  }
}

final class MemberNode: Node {
  let object: Node
  let name: String
  /// The name as a map key, and its hash, computed once.
  let key: Value, hash: Int
  unowned(unsafe) let interpreter: Interpreter
  init(_ object: Node, _ name: String, _ interpreter: Interpreter, _ span: Span, _ file: SourceFile) {
    self.object = object
    self.name = name
    self.interpreter = interpreter
    key = .string(name)
    hash = OrderedMap.hash(string: name)
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    let o = try object.eval(f)
    if case .map(let m) = o, let v = m.entries[key, hash: hash] { return v }
    do { return try Members.get(o, name, interpreter) } catch { throw locate(error) }
  }
}

final class IndexNode: Node {
  let object: Node, key: Node
  unowned(unsafe) let interpreter: Interpreter
  init(_ object: Node, _ key: Node, _ interpreter: Interpreter, _ span: Span, _ file: SourceFile) {
    self.object = object
    self.key = key
    self.interpreter = interpreter
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    let o = try object.eval(f), k = try key.eval(f)
    if case .list(let l) = o, case .int(let i) = k, i >= 0, i < l.items.count { return l.items[i] }
    do { return try Members.index(o, k, interpreter) } catch { throw locate(error) }
  }
}

/// `a.b = v`, `a.b += v`, `a[i] = v`, `a[i] -= v`.
final class SetElementNode: StmtNode {
  enum Place { case member(String), index(Node) }
  let object: Node
  let place: Place
  let value: Node
  let op: AssignOp
  /// A member's name as a map key, and its hash.
  let memberKey: Value, memberHash: Int
  unowned(unsafe) let interpreter: Interpreter

  init(object: Node, place: Place, value: Node, op: AssignOp, _ interpreter: Interpreter, _ span: Span, _ file: SourceFile) {
    self.object = object
    self.place = place
    if case .member(let name) = place {
      memberKey = .string(name)
      memberHash = OrderedMap.hash(string: name)
    } else {
      memberKey = .null
      memberHash = 0
    }
    self.value = value
    self.op = op
    self.interpreter = interpreter
    super.init(span, file)
  }

  override func exec(_ f: Frame) throws -> Flow {
    let o = try object.eval(f)
    var key: Value = .null
    if case .index(let k) = place { key = try k.eval(f) }
    let rhs = try value.eval(f)
    if op == .set, case .map(let m) = o {
      if case .member = place { m.entries[memberKey, hash: memberHash] = rhs } else { m.entries[key] = rhs }
      return .normal
    }
    do {
      if op != .set, case .member(let name) = place, case .object(let several as HostBroadcast) = o {
        try several.updateMember(name, in: interpreter) { current in
          var v = try Operators.copyCollection(current)
          try CompoundStoreNode.apply(&v, rhs, isAdd: op == .add)
          return v
        }
        return .normal
      }
      var v = rhs
      if op != .set {
        v = try read(o, key)
        // Lists and maps read from a host object are copies: update a new
        // value and store it back, so the host sees the assignment.
        if case .object = o { v = try Operators.copyCollection(v) }
        try CompoundStoreNode.apply(&v, rhs, isAdd: op == .add)
      }
      try write(o, key, v)
    } catch {
      throw locate(error)
    }
    return .normal
  }

  private func read(_ o: Value, _ key: Value) throws -> Value {
    switch place {
    case .member(let name): return try Members.get(o, name, interpreter)
    case .index: return try Members.index(o, key, interpreter)
    }
  }

  private func write(_ o: Value, _ key: Value, _ v: Value) throws {
    switch place {
    case .member(let name): try Members.set(o, name, v, interpreter)
    case .index: try Members.setIndex(o, key, v, interpreter)
    }
  }
}

extension Operators {
  /// A shallow copy of a list or map; other values as they are.
  static func copyCollection(_ v: Value) throws -> Value {
    switch v {
    case .list(let l): return .list(ListRef(l.items))
    case .map(let m): return .map(MapRef(m.entries))
    default: return v
    }
  }
}
