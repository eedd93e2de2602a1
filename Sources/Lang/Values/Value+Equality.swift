extension Value: Hashable {
  /// Language equality: numbers compare by value across int and float,
  /// lists and maps by contents, functions and objects by identity.
  public static func == (a: Value, b: Value) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.float(let x), .float(let y)): return x == y
    case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return Double(x) == y
    case (.string(let x), .string(let y)): return x == y
    case (.ip(let x), .ip(let y)): return x == y
    case (.cidr(let x), .cidr(let y)): return x == y
    case (.mac(let x), .mac(let y)): return x == y
    case (.size(let x), .size(let y)): return x == y
    case (.duration(let x), .duration(let y)): return x == y
    case (.device(let x), .device(let y)): return x == y
    case (.range(let a1, let b1), .range(let a2, let b2)): return a1 == a2 && b1 == b2
    case (.list(let x), .list(let y)): return x === y || x.items == y.items
    case (.map(let x), .map(let y)):
      if x === y { return true }
      guard x.entries.count == y.entries.count else { return false }
      for (k, v) in x.entries.pairs where y.entries[k] != v { return false }
      return true
    case (.function(let x), .function(let y)): return x === y
    case (.object(let x), .object(let y)): return x.isEqual(to: y)
    default: return false
    }
  }

  public func hash(into h: inout Hasher) {
    switch self {
    case .null: h.combine(0)
    case .bool(let b): h.combine(b)
    case .int(let i): h.combine(i)
    case .float(let f):
      if f == f.rounded(), let i = Int(exactly: f) { h.combine(i) } else { h.combine(f) }
    case .string(let s): h.combine(s)
    case .ip(let ip): h.combine(ip)
    case .cidr(let c): h.combine(c)
    case .mac(let m): h.combine(m)
    case .size(let s): h.combine(s); h.combine(1)
    case .duration(let d): h.combine(d); h.combine(2)
    case .device(let d): h.combine(d)
    case .range(let a, let b): h.combine(a); h.combine(b)
    case .list(let l): h.combine(l.items.count); for item in l.items.prefix(8) { h.combine(item) }
    case .map(let m): h.combine(m.entries.count)
    case .function(let f): h.combine(ObjectIdentifier(f))
    case .object(let o): h.combine(ObjectIdentifier(o))
    }
  }
}
