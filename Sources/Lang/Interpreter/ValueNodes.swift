/// Literals, collections, strings and functions.
final class ConstantNode: Node {
  let value: Value
  init(_ value: Value, _ span: Span, _ file: SourceFile) {
    self.value = value
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value { value }
}

final class ListNode: Node {
  let items: [Node]
  init(_ items: [Node], _ span: Span, _ file: SourceFile) {
    self.items = items
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    var out: [Value] = []
    out.reserveCapacity(items.count)
    for item in items { out.append(try item.eval(f)) }
    return .list(ListRef(out))
  }
}

final class MapNode: Node {
  let keys: [Node]
  let values: [Node]
  /// The keys and their hashes when every key is a distinct constant
  /// (`{name: …, ip: …}`): the entries are then appended without lookups.
  let constantKeys: [(key: Value, hash: Int)]?

  init(keys: [Node], values: [Node], _ span: Span, _ file: SourceFile) {
    self.keys = keys
    self.values = values
    let constants = keys.compactMap { ($0 as? ConstantNode)?.value }
    if constants.count == keys.count && Set(constants).count == constants.count {
      constantKeys = constants.map { ($0, OrderedMap.hash(of: $0)) }
    } else {
      constantKeys = nil
    }
    super.init(span, file)
  }

  override func eval(_ f: Frame) throws -> Value {
    var map = OrderedMap()
    map.reserveCapacity(keys.count)
    if let constantKeys {
      for (k, v) in zip(constantKeys, values) { map.appendNew(k.key, try v.eval(f), hash: k.hash) }
    } else {
      for (k, v) in zip(keys, values) { map[try k.eval(f)] = try v.eval(f) }
    }
    return .map(MapRef(map))
  }
}

/// `"text ${expr} text"`.
final class InterpolationNode: Node {
  enum Part { case text(String), expr(Node) }
  let parts: [Part]
  init(_ parts: [Part], _ span: Span, _ file: SourceFile) {
    self.parts = parts
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    var s = ""
    for part in parts {
      switch part {
      case .text(let t): s += t
      case .expr(let e):
        let value = try e.eval(f)
        do { s += try value.checkedDescription() } catch { throw locate(error) }
      }
    }
    return .string(s)
  }
}

final class RangeNode: Node {
  let low: Node, high: Node
  init(_ low: Node, _ high: Node, _ span: Span, _ file: SourceFile) {
    self.low = low
    self.high = high
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value {
    guard case .int(let a) = try low.eval(f), case .int(let b) = try high.eval(f) else {
      throw error("a range needs integer bounds")
    }
    return .range(a, b)
  }
}

/// `fn (…) { … }` and `x => …`: makes a closure over the current frame.
final class FunctionNode: Node {
  let code: FunctionCode
  init(_ code: FunctionCode, _ span: Span, _ file: SourceFile) {
    self.code = code
    super.init(span, file)
  }
  override func eval(_ f: Frame) throws -> Value { .function(Closure(code: code, parent: f)) }
}
