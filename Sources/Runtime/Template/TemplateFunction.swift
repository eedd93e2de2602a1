/// A function callable from templates, Go's `FuncMap` entry.
///
/// The body receives the evaluated arguments and the render's execution
/// context, through which context-dependent functions reach the caller's
/// state and record side effects.
public final class TemplateFunction {
  /// How many arguments the function accepts; checked before the call with Go's error text.
  public enum Arity: Equatable {
    case exactly(Int)
    case atLeast(Int)
  }

  public typealias Body = (_ arguments: [TemplateValue], _ context: TemplateExecutionContext) throws -> TemplateValue

  public let arity: Arity
  /// Go parameter types, checked argument by argument before the call as Go does;
  /// arguments past the end take the last type for variadic functions, `.any` otherwise.
  public let parameterTypes: [TemplateParameterType]
  public let body: Body
  /// Set for the built-ins evaluated lazily (`and`, `or`).
  let shortCircuit: ShortCircuit?

  enum ShortCircuit { case and, or }

  public init(arity: Arity, parameterTypes: [TemplateParameterType] = [], _ body: @escaping Body) {
    self.arity = arity
    self.parameterTypes = parameterTypes
    self.body = body
    self.shortCircuit = nil
  }

  init(shortCircuit: ShortCircuit) {
    self.arity = .atLeast(1)
    self.parameterTypes = []
    self.shortCircuit = shortCircuit
    self.body = { args, _ in
      for arg in args where arg.isTruthy == (shortCircuit == .or) { return arg }
      return args.last ?? .null
    }
  }

  /// The declared type of argument `index`.
  func parameterType(at index: Int) -> TemplateParameterType {
    if index < parameterTypes.count { return parameterTypes[index] }
    if case .atLeast = arity, let last = parameterTypes.last { return last }
    return .any
  }

  /// A function of fixed arity that needs no context.
  public static func fixed(_ count: Int, _ types: [TemplateParameterType] = [],
                           _ body: @escaping ([TemplateValue]) throws -> TemplateValue) -> TemplateFunction {
    TemplateFunction(arity: .exactly(count), parameterTypes: types) { args, _ in try body(args) }
  }

  /// A variadic function that needs no context, taking at least `minimum` arguments
  /// (the last of `types` applies to all the extra ones).
  public static func variadic(_ minimum: Int = 0, _ types: [TemplateParameterType] = [],
                              _ body: @escaping ([TemplateValue]) throws -> TemplateValue) -> TemplateFunction {
    TemplateFunction(arity: .atLeast(minimum), parameterTypes: types) { args, _ in try body(args) }
  }
}

/// The Go type of a function parameter, which decides which arguments Go accepts.
public enum TemplateParameterType: String {
  /// `interface{}`: anything, nil included.
  case any = "interface {}"
  case string, int, bool, float64
  /// `map[string]interface{}`; nil is accepted as a nil (empty, read-only) map.
  case map = "map[string]interface {}"

  /// Go's word in `expected …; found CONSTANT`.
  var constantWord: String {
    switch self {
    case .string: return "string"
    case .int: return "integer"
    case .bool: return "bool"
    case .float64: return "float"
    case .map, .any: return rawValue
    }
  }
}

/// A failure raised by a template function; the executor wraps it as
/// Go does: `error calling NAME: MESSAGE`.
public struct TemplateFunctionError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// A set of named template functions (Go's `FuncMap`). Later registrations win.
public struct TemplateFunctionRegistry {
  public private(set) var functions: [String: TemplateFunction] = [:]

  public init() {}

  /// Registers or replaces `name`.
  public mutating func register(_ name: String, _ function: TemplateFunction) {
    functions[name] = function
  }

  /// Adds every function of `other`, replacing same-named ones.
  public mutating func merge(_ other: TemplateFunctionRegistry) {
    functions.merge(other.functions) { _, new in new }
  }

  public subscript(name: String) -> TemplateFunction? { functions[name] }

  /// Go's built-ins only.
  public static var goBuiltins: TemplateFunctionRegistry { GoBuiltins.registry }

  /// Go's built-ins, the Sprig subset and the pure Warewulf helpers: what Warewulf overlays need
  /// apart from the context-dependent functions.
  public static var standard: TemplateFunctionRegistry { standardRegistry }

  private static let standardRegistry: TemplateFunctionRegistry = {
    var registry = GoBuiltins.registry
    registry.merge(SprigFunctions.registry)
    registry.merge(WarewulfFunctions.registry)
    return registry
  }()
}

/// Thrown by a function whose argument has the wrong type for a typed
/// parameter it did not declare; the executor words it as Go does for that
/// operand (`expected string; found 5`, `wrong type for value; expected string; got int`).
public struct TemplateArgumentError: Error {
  public let index: Int
  public let expected: TemplateParameterType

  public init(index: Int, expected: TemplateParameterType) {
    self.index = index
    self.expected = expected
  }
}

/// Thrown by a function to stop rendering at once without an error (Warewulf's
/// `abort`): `Template.execute` returns normally, keeping the output written so
/// far, and the context reports `halted`.
public struct TemplateHalt: Error {
  public init() {}
}
