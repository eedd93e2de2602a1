/// A dictionary that remembers insertion order, keyed by any hashable value.
public struct OrderedMap {
  public private(set) var keys: [Value] = []
  public private(set) var values: [Value] = []
  private var index: [Value: Int] = [:]

  public init() {}

  public init(_ pairs: [(Value, Value)]) {
    for (k, v) in pairs { self[k] = v }
  }

  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }

  public subscript(key: Value) -> Value? {
    get { index[key].map { values[$0] } }
    set {
      if let newValue {
        if let i = index[key] {
          values[i] = newValue
        } else {
          index[key] = keys.count
          keys.append(key)
          values.append(newValue)
        }
      } else if let i = index.removeValue(forKey: key) {
        keys.remove(at: i)
        values.remove(at: i)
        for j in i..<keys.count { index[keys[j]] = j }
      }
    }
  }

  public subscript(string key: String) -> Value? {
    get { self[.string(key)] }
    set { self[.string(key)] = newValue }
  }

  /// The pairs in insertion order.
  public var pairs: Zip2Sequence<[Value], [Value]> { zip(keys, values) }
}
