/// Go's comparison built-ins (`eq`, `ne`, `lt`, `le`, `gt`, `ge`): only basic
/// kinds compare, integers and floats never mix, and nil equals only nil.
enum GoComparison {
  enum Kind { case bool, int, float, string, other }

  static func kind(_ v: TemplateValue) -> Kind {
    switch v {
    case .bool: return .bool
    case .int: return .int
    case .float: return .float
    case .string: return .string
    default: return .other
    }
  }

  static let incompatible = TemplateFunctionError("incompatible types for comparison")
  static let badType = TemplateFunctionError("invalid type for comparison")

  /// `eq a b c…`: true when `a` equals any of the rest.
  static func eq(_ first: TemplateValue, _ others: ArraySlice<TemplateValue>) throws -> Bool {
    guard !others.isEmpty else { throw TemplateFunctionError("missing argument for comparison") }
    let k1 = kind(first)
    for other in others {
      let k2 = kind(other)
      var truth = false
      if k1 != k2 {
        if !first.isNull && !other.isNull { throw incompatible }
      } else {
        switch (first, other) {
        case (.bool(let a), .bool(let b)): truth = a == b
        case (.int(let a), .int(let b)): truth = a == b
        case (.float(let a), .float(let b)): truth = a == b
        case (.string(let a), .string(let b)): truth = a == b
        case (.object(let a), .object(let b)): truth = a === b
        default:
          if !first.isNull && !other.isNull && !sameShape(first, other) {
            throw TemplateFunctionError(
              "non-comparable types \(asString(first)): \(first.goTypeName), \(other.goTypeName): \(GoFormatter.string(other))")
          }
          if first.isNull || other.isNull {
            truth = first.isNull && other.isNull
          } else if case .list = other {
            throw TemplateFunctionError("non-comparable type \(asString(other)): []interface {}")
          } else if case .map = other {
            throw TemplateFunctionError("non-comparable type \(asString(other)): map[string]interface {}")
          }
        }
      }
      if truth { return true }
    }
    return false
  }

  /// Go's `%s` of a value, as its error messages print operands.
  private static func asString(_ v: TemplateValue) -> String {
    GoFormatter.formatArgument(v, verb: "s", spec: GoFormatter.Spec(), topLevel: true)
  }

  private static func sameShape(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
    switch (a, b) {
    case (.list, .list), (.map, .map), (.object, .object), (.function, .function): return true
    default: return false
    }
  }

  /// `lt a b`.
  static func lt(_ a: TemplateValue, _ b: TemplateValue) throws -> Bool {
    let k1 = kind(a), k2 = kind(b)
    if k1 == .other || k2 == .other { throw badType }
    if k1 != k2 { throw incompatible }
    switch (a, b) {
    case (.int(let x), .int(let y)): return x < y
    case (.float(let x), .float(let y)): return x < y
    case (.string(let x), .string(let y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
    default: throw badType
    }
  }

  static func le(_ a: TemplateValue, _ b: TemplateValue) throws -> Bool {
    if try lt(a, b) { return true }
    return try eq(a, [b])
  }
}
