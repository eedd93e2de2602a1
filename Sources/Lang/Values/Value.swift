/// A Howl value. Scalars are stored inline; lists and maps are shared,
/// mutable references (as in Python), so `xs += [x]` appends in place.
public enum Value {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case ip(IPv4)
  case cidr(CIDR)
  case mac(MAC)
  /// A size in bytes (`512M`).
  case size(Int)
  /// A duration in milliseconds (`30s`).
  case duration(Int)
  /// A block device, stored as its path (`/dev/nvme0n1`).
  case device(String)
  /// An inclusive range of integers (`1..10`).
  case range(Int, Int)
  case list(ListRef)
  case map(MapRef)
  case function(Callable)
  /// A native object supplied by the host (a node, an image, …).
  case object(HostObject)

  public static func list(_ items: [Value]) -> Value { .list(ListRef(items)) }

  /// The name of the value's type as the language calls it.
  public var typeName: String {
    switch self {
    case .null: return "nil"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "string"
    case .ip: return "ip"
    case .cidr: return "cidr"
    case .mac: return "mac"
    case .size: return "size"
    case .duration: return "duration"
    case .device: return "device"
    case .range: return "range"
    case .list: return "list"
    case .map: return "map"
    case .function: return "function"
    case .object(let o): return o.typeName
    }
  }

  /// nil, false, zero, and empty strings, lists and maps are false.
  @inline(__always)
  public var isTruthy: Bool {
    switch self {
    case .bool(let b): return b
    case .null: return false
    case .int(let i): return i != 0
    case .float(let f): return f != 0
    case .string(let s): return !s.isEmpty
    case .list(let l): return !l.items.isEmpty
    case .map(let m): return !m.entries.isEmpty
    case .size(let s): return s != 0
    case .duration(let d): return d != 0
    default: return true
    }
  }

  /// The string inside, if the value is one.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}

/// A shared, mutable list.
public final class ListRef {
  public var items: [Value]
  public init(_ items: [Value] = []) { self.items = items }
}

/// A shared, mutable map that keeps insertion order.
public final class MapRef {
  public var entries: OrderedMap
  public init(_ entries: OrderedMap = OrderedMap()) { self.entries = entries }
}
