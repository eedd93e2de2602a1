import OrderedCollections

/// The YAML kind of a scalar as it was written: a plain `true` is `.bool`,
/// a quoted `"true"` is `.string`. Kept so that a round trip writes it back
/// the same way.
public enum ScalarKind: Sendable, Equatable {
  case string, int, float, bool, null
}

/// A YAML value as nodes.conf holds it, keeping what a round trip needs.
public indirect enum ConfValue: Equatable, Sendable {
  case scalar(String, ScalarKind)
  case list([ConfValue])
  case map(OrderedDictionary<String, ConfValue>)

  /// A string scalar.
  public static func string(_ text: String) -> ConfValue { .scalar(text, .string) }

  /// A list of string scalars.
  public static func strings(_ items: [String]) -> ConfValue { .list(items.map { .string($0) }) }

  /// The text of a scalar of any kind but null; nil for lists, maps and null.
  public var stringValue: String? {
    if case .scalar(let text, let kind) = self, kind != .null { return text }
    return nil
  }

  /// The texts of a list whose items are all scalars; nil otherwise.
  public var listValue: [String]? {
    guard case .list(let items) = self else { return nil }
    var out: [String] = []
    out.reserveCapacity(items.count)
    for item in items {
      guard case .scalar(let text, _) = item else { return nil }
      out.append(text)
    }
    return out
  }

  /// The entries of a map; nil for scalars and lists.
  public var mapValue: OrderedDictionary<String, ConfValue>? {
    if case .map(let entries) = self { return entries }
    return nil
  }

  /// True for what Warewulf treats as "not set": null, an empty string, an
  /// empty list or an empty map. Merging never lets such a value override.
  public var isEmpty: Bool {
    switch self {
    case .scalar(let text, let kind): return kind == .null || text.isEmpty
    case .list(let items): return items.isEmpty
    case .map(let entries): return entries.isEmpty
    }
  }

  /// A short name of the value's shape, for error messages.
  public var shapeName: String {
    switch self {
    case .scalar(_, .null): return "null"
    case .scalar: return "a scalar"
    case .list: return "a list"
    case .map: return "a map"
    }
  }
}

extension ConfValue: CustomStringConvertible {
  /// A compact one-line rendering: scalars as their text, lists `[a, b]`,
  /// maps `{k: v}`. For messages and diffs, not YAML.
  public var description: String {
    switch self {
    case .scalar(let text, let kind):
      if kind == .null { return "~" }
      return kind == .string && (text.isEmpty || text.contains(" ")) ? "\"\(text)\"" : text
    case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .map(let entries):
      return "{" + entries.map { "\($0.key): \($0.value.description)" }.joined(separator: ", ") + "}"
    }
  }
}
