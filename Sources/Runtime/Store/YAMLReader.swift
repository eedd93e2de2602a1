import Foundation
import OrderedCollections

/// Reads one YAML document into `ConfValue`s as libyaml parses it (no node
/// tree in between), checking shapes against a `Schema` and reporting
/// problems as `ConfigError`s with line, column and key path. Plain scalars
/// get the kind YAML would give them (`ScalarStyle`); quoted and block
/// scalars are strings. (Explicit tags such as `!!str` are not kept.)
///
/// The reading functions each consume one value: `document` positions the
/// reader at the root, and a caller walks it with `entries`, `value`,
/// `structure` and `any`.
final class YAMLReader {
  let file: String
  let text: String
  private let events: YAMLEventParser
  private var lookahead: YAMLEvent?
  /// Where each value read so far starts, by key path (list items by
  /// index), when asked for: for problems found after reading.
  private(set) var marks: [FieldPath: YAMLMark]?

  init(file: String, text: String, keepMarks: Bool = false) {
    self.file = file
    self.text = text
    events = YAMLEventParser(text: text)
    marks = keepMarks ? [:] : nil
  }

  /// `read` run on the document's root; nil for an empty stream. A syntax
  /// error anywhere in the text is reported before a wrong shape, and a
  /// second document is an error.
  func document<T>(_ read: () throws -> T) throws -> T? {
    do {
      guard try take().kind == .documentStart else { return nil }
      let result = try read()
      _ = try take()
      let after = try take()
      if after.kind != .streamEnd {
        throw YAMLSyntaxError(problem: "but found another document", mark: after.mark,
                              context: ("expected a single document in the stream", YAMLMark(line: 1, column: 1)))
      }
      return result
    } catch let error as YAMLSyntaxError {
      throw translate(error)
    } catch let error as ConfigError {
      do {
        while try take().kind != .streamEnd {}
      } catch let syntax as YAMLSyntaxError {
        throw translate(syntax)
      }
      throw error
    }
  }

  private func peek() throws -> YAMLEvent {
    if let lookahead { return lookahead }
    let event = try events.next()
    lookahead = event
    return event
  }

  private func take() throws -> YAMLEvent {
    let event = try peek()
    lookahead = nil
    return event
  }

  /// Consumes the next value if it is empty (nothing, `~`, `null`, `""`).
  func skipEmpty() throws -> Bool {
    guard case .scalar(let text, let plain) = try peek().kind,
          YAMLReader.scalar(text, plain: plain).isEmpty else { return false }
    _ = try take()
    return true
  }

  /// Reads a mapping, calling `each` with every key (and its path), which
  /// must read that key's value. Keys are scalars, each once.
  func entries(_ path: FieldPath, _ each: (String, FieldPath) throws -> Void) throws {
    let start = try peek()
    guard start.kind == .mappingStart else {
      throw error(start, path, "expected a map, found \(YAMLReader.shapeName(start))")
    }
    marks?[path] = start.mark
    _ = try take()
    var seen = Set<String>()
    while true {
      let key = try peek()
      if key.kind == .mappingEnd { break }
      guard case .scalar(let name, _) = key.kind else {
        throw error(key, path, "a key must be a scalar, found \(YAMLReader.shapeName(key))")
      }
      let keyPath = path.appending(name)
      if !seen.insert(name).inserted { throw error(key, keyPath, "duplicate key") }
      _ = try take()
      try each(name, keyPath)
    }
    _ = try take()
  }

  /// The next value, checked against `shape`.
  func value(_ shape: Schema.Shape, _ path: FieldPath) throws -> ConfValue {
    let event = try peek()
    switch (shape, event.kind) {
    case (.scalar, .scalar(let text, let plain)), (.list, .scalar(let text, let plain)):
      marks?[path] = event.mark
      _ = try take()
      return YAMLReader.scalar(text, plain: plain)
    case (.scalar, _):
      throw error(event, path, "expected a scalar, found \(YAMLReader.shapeName(event))")
    case (.list, .sequenceStart):
      marks?[path] = event.mark
      _ = try take()
      var items: [ConfValue] = []
      while true {
        let item = try take()
        if item.kind == .sequenceEnd { return .list(items) }
        guard case .scalar(let text, let plain) = item.kind else {
          throw error(item, path, "expected a list of scalars, found \(YAMLReader.shapeName(item)) in it")
        }
        items.append(YAMLReader.scalar(text, plain: plain))
      }
    case (.list, _):
      throw error(event, path, "expected a list, found \(YAMLReader.shapeName(event))")
    case (_, .scalar(let text, true)) where ScalarStyle.kind(ofPlain: text) == .null:
      marks?[path] = event.mark
      _ = try take()
      return .scalar(text, .null)
    case (.structure(let schema), _):
      return .map(try structure(schema, path))
    case (.map(let inner), _):
      var out = OrderedDictionary<String, ConfValue>()
      try entries(path) { key, keyPath in out[key] = try value(inner, keyPath) }
      return .map(out)
    case (.any, _):
      return try any(path)
    }
  }

  /// A structure: known keys checked against `schema`, unknown keys read as
  /// anything; key order as in the file (canonical order is applied later).
  func structure(_ schema: Schema, _ path: FieldPath) throws -> OrderedDictionary<String, ConfValue> {
    var out = OrderedDictionary<String, ConfValue>()
    try entries(path) { key, keyPath in out[key] = try value(schema.fields[key] ?? .any, keyPath) }
    return out
  }

  /// The next value, whatever its shape.
  func any(_ path: FieldPath) throws -> ConfValue {
    let event = try peek()
    switch event.kind {
    case .scalar(let text, let plain):
      marks?[path] = event.mark
      _ = try take()
      return YAMLReader.scalar(text, plain: plain)
    case .sequenceStart:
      marks?[path] = event.mark
      _ = try take()
      var items: [ConfValue] = []
      while try peek().kind != .sequenceEnd { items.append(try any(path.appending(String(items.count)))) }
      _ = try take()
      return .list(items)
    case .mappingStart:
      var out = OrderedDictionary<String, ConfValue>()
      try entries(path) { key, keyPath in out[key] = try any(keyPath) }
      return .map(out)
    default:
      throw error(event, path, "expected a value")
    }
  }

  func error(_ event: YAMLEvent, _ path: FieldPath, _ message: String) -> ConfigError {
    ConfigError(file: file, line: event.mark.line, column: event.mark.column, keyPath: path, message: message)
  }

  static func shapeName(_ event: YAMLEvent) -> String {
    switch event.kind {
    case .sequenceStart: return "a list"
    case .mappingStart: return "a map"
    default: return "a scalar"
    }
  }

  /// Plain scalars get the kind YAML reads them as; quoted and block
  /// scalars are strings.
  static func scalar(_ text: String, plain: Bool) -> ConfValue {
    .scalar(text, plain ? ScalarStyle.kind(ofPlain: text) : .string)
  }

  /// A libyaml error as a `ConfigError`, with the key path guessed from the
  /// indentation of the lines above the error.
  func translate(_ error: YAMLSyntaxError) -> ConfigError {
    guard let mark = error.mark else {
      return ConfigError(file: file, line: 0, column: 0, keyPath: FieldPath([]),
                         message: error.problem + (error.offset.map { " at byte \($0)" } ?? ""))
    }
    var message = error.problem
    if let context = error.context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
    return ConfigError(file: file, line: mark.line, column: mark.column,
                       keyPath: enclosingKeys(line: mark.line), message: message)
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
}
