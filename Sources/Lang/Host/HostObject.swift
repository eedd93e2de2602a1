/// A native object the host (Howl's runtime) exposes to the language: a node,
/// an image, a collection. Lang calls these hooks and knows nothing else
/// about the object. Every hook has a default that reports a clear error.
public protocol HostObject: AnyObject {
  /// The type name shown in messages and by `type(x)`.
  var typeName: String { get }
  /// Reads `object.name`. Methods are returned as functions.
  func member(_ name: String, in interpreter: Interpreter) throws -> Value
  /// Writes `object.name = value`.
  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws
  /// Calls `object.name(args)`; by default reads the member and calls it.
  func callMethod(_ name: String, _ arguments: Arguments, in interpreter: Interpreter) throws -> Value
  /// Reads `object[key]`.
  func index(_ key: Value, in interpreter: Interpreter) throws -> Value
  /// Writes `object[key] = value`.
  func setIndex(_ key: Value, to value: Value, in interpreter: Interpreter) throws
  /// The values `for x in object` visits.
  func elements(in interpreter: Interpreter) throws -> [Value]
  /// `len(object)`, if it has a length.
  var count: Int? { get }
  /// `x in object`.
  func contains(_ value: Value, in interpreter: Interpreter) throws -> Bool
  /// Member names, for completion and "did you mean".
  var memberNames: [String] { get }
  /// Keys valid inside `object["…"]`, for completion.
  var indexKeys: [String] { get }
  /// One line: how the object shows inside a list or a message. Throws
  /// when what it describes cannot be read (a broken `nodes.conf`), so that
  /// printing reports the error as every other read does.
  var inlineDescription: String { get throws }
  /// How the REPL and `print` show the object alone: a key/value block or a
  /// table. Throws as `inlineDescription` does.
  var blockDescription: String { get throws }
  func isEqual(to other: HostObject) -> Bool
}

extension HostObject {
  public func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    throw LangError.noMember(name, of: typeName, candidates: memberNames)
  }
  public func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    if memberNames.contains(name) { throw LangError("\(typeName).\(name) cannot be assigned") }
    throw LangError.noMember(name, of: typeName, candidates: memberNames)
  }
  public func callMethod(_ name: String, _ arguments: Arguments, in interpreter: Interpreter) throws -> Value {
    let callee = try member(name, in: interpreter)
    return try interpreter.call(callee, arguments)
  }
  public func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    throw LangError("\(typeName) cannot be indexed")
  }
  public func setIndex(_ key: Value, to value: Value, in interpreter: Interpreter) throws {
    throw LangError("\(typeName) does not support assignment to an element")
  }
  public func elements(in interpreter: Interpreter) throws -> [Value] {
    throw LangError("\(typeName) is not iterable")
  }
  public var count: Int? { nil }
  public func contains(_ value: Value, in interpreter: Interpreter) throws -> Bool {
    try elements(in: interpreter).contains(value)
  }
  public var memberNames: [String] { [] }
  public var indexKeys: [String] { [] }
  public var inlineDescription: String { "<\(typeName)>" }
  public var blockDescription: String { get throws { try inlineDescription } }
  public func isEqual(to other: HostObject) -> Bool { self === other }
}

extension LangError {
  /// "image has no member 'sise'" with a suggestion.
  public static func noMember(_ name: String, of type: String, candidates: [String]) -> LangError {
    LangError("\(type) has no member '\(name)'", suggestion: Suggestions.didYouMean(name, among: candidates))
  }
}
