/// The syntax tree the parser produces. Every node carries its span; the
/// compiler turns the tree into executable nodes with names resolved to slots.
public indirect enum Expr: Sendable {
  case literal(Literal, Span)
  case string([StringSegment], Span)
  case name(String, Span)
  case list([Expr], Span)
  case map([(key: Expr, value: Expr)], Span)
  case unary(UnaryOp, Expr, Span)
  case binary(BinaryOp, Expr, Expr, Span)
  case logical(isAnd: Bool, Expr, Expr, Span)
  case range(Expr, Expr, Span)
  case call(Expr, [Argument], Span)
  case member(Expr, String, Span)
  case index(Expr, Expr, Span)
  case function(FunctionDecl)

  public var span: Span {
    switch self {
    case .literal(_, let s), .string(_, let s), .name(_, let s), .list(_, let s), .map(_, let s),
         .unary(_, _, let s), .binary(_, _, _, let s), .logical(_, _, _, let s), .range(_, _, let s),
         .call(_, _, let s), .member(_, _, let s), .index(_, _, let s):
      return s
    case .function(let f):
      return f.span
    }
  }
}

/// A literal value as written in the source.
public enum Literal: Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case ip(UInt32)
  case cidr(UInt32, Int)
  case mac(UInt64)
  case size(Int)
  case duration(Int)
}

/// A piece of a string literal after parsing its interpolations.
public enum StringSegment: Sendable {
  case text(String)
  case expr(Expr)
}

/// A call argument: positional, or named as in `f(x, as: "y")`.
public struct Argument: Sendable {
  public var label: String?
  public var value: Expr
}

public enum UnaryOp: Sendable { case negate, not }

public enum BinaryOp: String, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case contains = "in", notContains = "not in"
}

/// A named or anonymous function: `fn f(a, b = 1) { … }`, `fn(x) { … }`, `x => x * 2`.
public final class FunctionDecl: @unchecked Sendable {
  public struct Parameter: Sendable {
    public var name: String
    public var defaultValue: Expr?
    public var span: Span
  }

  public let name: String?
  public let parameters: [Parameter]
  public let body: [Stmt]
  public let span: Span

  public init(name: String?, parameters: [Parameter], body: [Stmt], span: Span) {
    self.name = name
    self.parameters = parameters
    self.body = body
    self.span = span
  }
}

public enum AssignOp: Sendable { case set, add, remove }

public indirect enum Stmt: Sendable {
  case expression(Expr)
  case letDecl(name: String, value: Expr, span: Span)
  case assign(target: Expr, op: AssignOp, value: Expr, span: Span)
  case function(FunctionDecl)
  case ifStmt(branches: [(condition: Expr, body: [Stmt])], elseBody: [Stmt]?, span: Span)
  case forStmt(index: String?, item: String, iterable: Expr, body: [Stmt], span: Span)
  case whileStmt(condition: Expr, body: [Stmt], span: Span)
  case breakStmt(Span)
  case continueStmt(Span)
  case returnStmt(Expr?, Span)
  case importStmt(path: String, span: Span)
  case use(kind: String, argument: Expr, span: Span)

  public var span: Span {
    switch self {
    case .expression(let e): return e.span
    case .letDecl(_, _, let s), .assign(_, _, _, let s), .ifStmt(_, _, let s), .forStmt(_, _, _, _, let s),
         .whileStmt(_, _, let s), .breakStmt(let s), .continueStmt(let s), .returnStmt(_, let s),
         .importStmt(_, let s), .use(_, _, let s):
      return s
    case .function(let f): return f.span
    }
  }
}
