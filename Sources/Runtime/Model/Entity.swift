import OrderedCollections

/// A node's or profile's own values (only what is written in nodes.conf for it).
public struct Entity: Equatable, Sendable {
  public var fields: OrderedDictionary<String, ConfValue>

  public init(fields: OrderedDictionary<String, ConfValue> = [:]) { self.fields = fields }

  /// The value at `path`, or nil. Setting nil removes the value and then any
  /// map on the way that became empty; setting a value creates the maps on
  /// the way (replacing a non-map that stands where a map is needed).
  public subscript(path: FieldPath) -> ConfValue? {
    get { Entity.lookup(fields, path.keys[...]) }
    set { Entity.assign(&fields, path.keys[...], newValue) }
  }

  /// The names of the profiles this entity lists, in order, as written
  /// (negations `~x` included).
  public var profileNames: [String] { fields["profiles"]?.listValue ?? [] }

  static func lookup(_ map: OrderedDictionary<String, ConfValue>, _ keys: ArraySlice<String>) -> ConfValue? {
    guard let first = keys.first, let value = map[first] else { return nil }
    if keys.count == 1 { return value }
    guard case .map(let inner) = value else { return nil }
    return lookup(inner, keys.dropFirst())
  }

  static func assign(_ map: inout OrderedDictionary<String, ConfValue>, _ keys: ArraySlice<String>, _ value: ConfValue?) {
    guard let first = keys.first else { return }
    if keys.count == 1 {
      if let value { map[first] = value } else { map.removeValue(forKey: first) }
      return
    }
    var inner: OrderedDictionary<String, ConfValue>
    if case .map(let existing) = map[first] { inner = existing } else {
      if value == nil { return }
      inner = [:]
    }
    assign(&inner, keys.dropFirst(), value)
    if inner.isEmpty && value == nil { map.removeValue(forKey: first) } else { map[first] = .map(inner) }
  }
}
