/// Reading and writing variables: frame slots, enclosing frames, globals.
final class LocalNode: Node {
  let slot: Int
  init(slot: Int, _ span: Span, _ file: SourceFile) {
    self.slot = slot
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value { f[slot] }
}

final class OuterNode: Node {
  let depth: Int, slot: Int
  init(depth: Int, slot: Int, _ span: Span, _ file: SourceFile) {
    self.depth = depth
    self.slot = slot
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value { f.ancestor(depth)[slot] }
}

final class GlobalNode: Node {
  unowned(unsafe) let globals: Globals
  let index: Int
  init(_ globals: Globals, index: Int, _ span: Span, _ file: SourceFile) {
    self.globals = globals
    self.index = index
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value { globals.values[index] }
}

/// A name the compiler could not bind: a global declared later (or in
/// another REPL line), a device name such as `nvme0n1`, or a mistake.
final class DynamicNameNode: Node {
  let name: String
  unowned(unsafe) let globals: Globals
  let localNames: [String]
  private var index: Int?

  init(name: String, globals: Globals, localNames: [String], _ span: Span, _ file: SourceFile) {
    self.name = name
    self.globals = globals
    self.localNames = localNames
    super.init(span, file)
  }

  override func eval(_ f: Frame) throws -> Value {
    if let index { return globals.values[index] }
    if let s = globals.definedSlot(name) {
      index = s
      return globals.values[s]
    }
    if Devices.isDeviceName(name) { return .device("/dev/" + name) }
    throw undefined()
  }

  func undefined() -> LangError {
    error("undefined name '\(name)'", suggestion: Suggestions.didYouMean(name, among: localNames + globals.allNames))
  }
}

/// Where an assignment stores its value.
enum VariableTarget {
  case local(Int)
  case outer(depth: Int, slot: Int)
  case global(Int)
  case dynamic(DynamicNameNode)

  func load(_ f: Frame, _ globals: Globals) throws -> Value {
    switch self {
    case .local(let s): return f[s]
    case .outer(let d, let s): return f.ancestor(d)[s]
    case .global(let i): return globals.values[i]
    case .dynamic(let n): return try n.eval(f)
    }
  }

  func store(_ v: Value, _ f: Frame, _ globals: Globals) throws {
    switch self {
    case .local(let s): f[s] = v
    case .outer(let d, let s): f.ancestor(d)[s] = v
    case .global(let i): globals.assign(i, v)
    case .dynamic(let n):
      guard let i = globals.definedSlot(n.name) else { throw n.undefined() }
      globals.values[i] = v
    }
  }

  /// Takes the value out (leaving nil) so an in-place update sees a unique copy.
  func take(_ f: Frame, _ globals: Globals) throws -> Value {
    switch self {
    case .local(let s): return f.take(s)
    case .outer(let d, let s): return f.ancestor(d).take(s)
    case .global(let i):
      let v = globals.values[i]
      globals.values[i] = .null
      return v
    case .dynamic(let n):
      let v = try n.eval(f)
      if let i = globals.definedSlot(n.name) { globals.values[i] = .null }
      return v
    }
  }
}

/// `let x = v` and `x = v`.
final class StoreNode: StmtNode {
  let target: VariableTarget
  let value: Node
  unowned(unsafe) let globals: Globals
  init(_ target: VariableTarget, _ value: Node, _ globals: Globals, _ span: Span, _ file: SourceFile) {
    self.target = target
    self.value = value
    self.globals = globals
    super.init(span, file)
  }
  override func exec(_ f: Frame) throws -> Flow {
    let v = try value.eval(f)
    if case .local(let s) = target { f[s] = v } else { try target.store(v, f, globals) }
    return .normal
  }
}

/// `x += v` and `x -= v` on a variable. Lists change in place; strings are
/// taken out of their slot first so appending does not copy them.
final class CompoundStoreNode: StmtNode {
  let target: VariableTarget
  let value: Node
  let isAdd: Bool
  unowned(unsafe) let globals: Globals
  init(_ target: VariableTarget, _ value: Node, isAdd: Bool, _ globals: Globals, _ span: Span, _ file: SourceFile) {
    self.target = target
    self.value = value
    self.isAdd = isAdd
    self.globals = globals
    super.init(span, file)
  }
  override func exec(_ f: Frame) throws -> Flow {
    let rhs = try value.eval(f)
    var current = try target.take(f, globals)
    do {
      try CompoundStoreNode.apply(&current, rhs, isAdd: isAdd)
    } catch {
      try target.store(current, f, globals)
      throw locate(error)
    }
    try target.store(current, f, globals)
    return .normal
  }

  /// Updates `current` in place where the type allows it.
  static func apply(_ current: inout Value, _ rhs: Value, isAdd: Bool) throws {
    // Strings first, outside the tuple switch below, whose copy of `current`
    // would make the buffer shared and the append a full copy.
    if isAdd, case .string(let r) = rhs, case .string(var s) = current {
      current = .null
      s += r
      current = .string(s)
      return
    }
    switch (current, rhs) {
    case (.list(let l), _) where isAdd:
      if case .list(let r) = rhs { l.items += r.items } else { l.items.append(rhs) }
    case (.list(let l), _):
      let removed = Operators.removalSet(rhs)
      l.items.removeAll { removed.contains($0) }
    case (.map(let m), .map(let r)) where isAdd:
      for (k, v) in r.entries.pairs { m.entries[k] = v }
    case (.map(let m), _) where !isAdd:
      for k in Operators.removalSet(rhs) { m.entries[k] = nil }
    default:
      current = isAdd ? try Operators.add(current, rhs) : try Operators.subtract(current, rhs)
    }
  }
}
