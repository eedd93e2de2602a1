import OrderedCollections
import Foundation
import Yams

/// Reads YAML text into `ConfValue`s, checking shapes against a `Schema`
/// and reporting problems as `ConfigError`s with line, column and key path.
/// Plain scalars get the kind YAML would give them (`ScalarStyle`); quoted
/// and block scalars are strings.
struct YAMLReader {
  let file: String
  let text: String

  /// The document's root node, or nil for an empty document.
  func root() throws -> Node? {
    do {
      let parser = try Parser(yaml: text, resolver: .basic, constructor: .default)
      return try parser.singleRoot()
    } catch let error as YamlError {
      throw translate(error)
    }
  }

  /// A YAML library error as a `ConfigError`, with the key path guessed
  /// from the indentation of the lines above the error.
  func translate(_ error: YamlError) -> ConfigError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
         .composer(let context, let problem, let mark, _):
      var message = problem
      if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
      return ConfigError(file: file, line: mark.line, column: mark.column,
                         keyPath: enclosingKeys(line: mark.line), message: message)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let path = enclosingKeys(line: context.mark.line).keys + [duplicates.first ?? ""]
      return ConfigError(file: file, line: context.mark.line, column: context.mark.column,
                         keyPath: FieldPath(path), message: "duplicate key")
    case .reader(let problem, let offset, _, _):
      return ConfigError(file: file, line: 0, column: 0, keyPath: FieldPath([]),
                         message: problem + (offset.map { " at byte \($0)" } ?? ""))
    default:
      return ConfigError(file: file, line: 0, column: 0, keyPath: FieldPath([]), message: "\(error)")
    }
  }

  /// The block-mapping keys enclosing `line` (1-based), outermost first,
  /// from indentation alone.
  func enclosingKeys(line: Int) -> FieldPath {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count else { return FieldPath([]) }
    var keys: [String] = []
    var limit = Int.max
    for raw in lines[..<min(line, lines.count)].reversed() {
      let body = raw.drop { $0 == " " }
      let indent = raw.count - body.count
      guard !body.isEmpty, !body.hasPrefix("#"), indent < limit else { continue }
      var key = body.hasPrefix("- ") ? body.dropFirst(2) : body
      guard let colon = key.range(of: ":") else { continue }
      key = key[..<colon.lowerBound]
      keys.append(String(key).trimmingCharacters(in: .init(charactersIn: "\"' ")))
      limit = indent
      if indent == 0 { break }
    }
    if line <= lines.count, let current = keys.first, lines[line - 1].contains(current + ":") { keys.removeFirst() }
    return FieldPath(keys.reversed())
  }

  func error(_ node: Node, _ path: FieldPath, _ message: String) -> ConfigError {
    let mark = node.mark
    return ConfigError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, keyPath: path, message: message)
  }

  static func shapeName(_ node: Node) -> String {
    switch node {
    case .scalar: return "a scalar"
    case .sequence: return "a list"
    case .mapping: return "a map"
    case .alias: return "an alias"
    }
  }

  /// The entries of a mapping node, with string keys, no duplicates.
  func entries(_ node: Node, _ path: FieldPath) throws -> [(String, Node)] {
    guard case .mapping(let mapping) = node else {
      throw error(node, path, "expected a map, found \(YAMLReader.shapeName(node))")
    }
    var seen = Set<String>()
    var out: [(String, Node)] = []
    out.reserveCapacity(mapping.count)
    for (keyNode, valueNode) in mapping {
      guard case .scalar(let key) = keyNode else {
        throw error(keyNode, path, "a key must be a scalar, found \(YAMLReader.shapeName(keyNode))")
      }
      if !seen.insert(key.string).inserted { throw error(keyNode, path.appending(key.string), "duplicate key") }
      out.append((key.string, valueNode))
    }
    return out
  }

  /// `node` as a `ConfValue`, checked against `shape`.
  func value(_ node: Node, _ shape: Schema.Shape, _ path: FieldPath) throws -> ConfValue {
    switch (shape, node) {
    case (_, .alias):
      throw error(node, path, "unresolved YAML alias")
    case (.scalar, .scalar(let scalar)):
      return YAMLReader.scalar(scalar)
    case (.scalar, _):
      throw error(node, path, "expected a scalar, found \(YAMLReader.shapeName(node))")
    case (.list, .scalar(let scalar)):
      return YAMLReader.scalar(scalar)
    case (.list, .sequence(let sequence)):
      var items: [ConfValue] = []
      items.reserveCapacity(sequence.count)
      for item in sequence {
        guard case .scalar(let scalar) = item else {
          throw error(item, path, "expected a list of scalars, found \(YAMLReader.shapeName(item)) in it")
        }
        items.append(YAMLReader.scalar(scalar))
      }
      return .list(items)
    case (.list, _):
      throw error(node, path, "expected a list, found \(YAMLReader.shapeName(node))")
    case (_, .scalar(let scalar)) where YAMLReader.scalar(scalar) == .scalar(scalar.string, .null):
      return YAMLReader.scalar(scalar)
    case (.structure(let schema), _):
      return .map(try structure(node, schema, path))
    case (.map(let inner), _):
      var out = OrderedDictionary<String, ConfValue>()
      for (key, child) in try entries(node, path) {
        out[key] = try value(child, inner, path.appending(key))
      }
      return .map(out)
    case (.any, _):
      return try any(node, path)
    }
  }

  /// A structure: known keys checked against `schema`, unknown keys read as
  /// anything; key order as in the file (canonical order is applied later).
  func structure(_ node: Node, _ schema: Schema, _ path: FieldPath) throws -> OrderedDictionary<String, ConfValue> {
    var out = OrderedDictionary<String, ConfValue>()
    for (key, child) in try entries(node, path) {
      out[key] = try value(child, schema.fields[key] ?? .any, path.appending(key))
    }
    return out
  }

  func any(_ node: Node, _ path: FieldPath) throws -> ConfValue {
    switch node {
    case .scalar(let scalar): return YAMLReader.scalar(scalar)
    case .sequence(let sequence):
      var items: [ConfValue] = []
      for (index, item) in sequence.enumerated() { items.append(try any(item, path.appending(String(index)))) }
      return .list(items)
    case .mapping:
      var out = OrderedDictionary<String, ConfValue>()
      for (key, child) in try entries(node, path) { out[key] = try any(child, path.appending(key)) }
      return .map(out)
    case .alias:
      throw error(node, path, "unresolved YAML alias")
    }
  }

  /// Plain scalars get the kind YAML reads them as; quoted and block
  /// scalars are strings. (Explicit tags such as `!!str` are not kept.)
  static func scalar(_ scalar: Node.Scalar) -> ConfValue {
    if scalar.style == .plain || scalar.style == .any {
      return .scalar(scalar.string, ScalarStyle.kind(ofPlain: scalar.string))
    }
    return .scalar(scalar.string, .string)
  }
}
