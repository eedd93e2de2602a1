/// The kinds of token the lexer produces.
public enum TokenKind: Hashable, Sendable {
  case identifier
  case int, float, string, ip, cidr, mac, size, duration
  // keywords
  case kwLet, kwFn, kwReturn, kwIf, kwElse, kwFor, kwIn, kwWhile, kwBreak, kwContinue
  case kwImport, kwUse, kwTrue, kwFalse, kwNil, kwAnd, kwOr, kwNot
  // punctuation and operators
  case lparen, rparen, lbracket, rbracket, lbrace, rbrace
  case comma, semicolon, colon, dot, dotDot, arrow, pipe
  case assign, plusAssign, minusAssign
  case plus, minus, star, slash, percent
  case equal, notEqual, less, lessEqual, greater, greaterEqual
  case newline, eof

  static let keywords: [String: TokenKind] = [
    "let": .kwLet, "fn": .kwFn, "return": .kwReturn, "if": .kwIf, "else": .kwElse,
    "for": .kwFor, "in": .kwIn, "while": .kwWhile, "break": .kwBreak,
    "continue": .kwContinue, "import": .kwImport, "use": .kwUse, "true": .kwTrue,
    "false": .kwFalse, "nil": .kwNil, "and": .kwAnd, "or": .kwOr, "not": .kwNot,
  ]

  /// The keywords as written, sorted (for REPL completion).
  public static var keywordSpellings: [String] { keywords.keys.sorted() }

  static let keywordKinds = Set(keywords.values)

  /// A keyword, which may still name a member (`a.use`) or a map key (`{in: 1}`).
  var isKeyword: Bool { TokenKind.keywordKinds.contains(self) }

  /// Tokens after which a newline does not end the statement.
  var continuesLine: Bool {
    switch self {
    case .plus, .minus, .star, .slash, .percent, .equal, .notEqual, .less, .lessEqual,
         .greater, .greaterEqual, .kwAnd, .kwOr, .kwNot, .kwIn, .assign, .plusAssign,
         .minusAssign, .arrow, .comma, .pipe, .dot, .dotDot, .colon:
      return true
    default:
      return false
    }
  }

  /// How the token reads in an error message.
  public var display: String {
    switch self {
    case .identifier: return "a name"
    case .int, .float: return "a number"
    case .string: return "a string"
    case .ip: return "an IP address"
    case .cidr: return "a CIDR"
    case .mac: return "a MAC address"
    case .size: return "a size"
    case .duration: return "a duration"
    case .newline: return "end of line"
    case .eof: return "end of input"
    case .lparen: return "'('"
    case .rparen: return "')'"
    case .lbracket: return "'['"
    case .rbracket: return "']'"
    case .lbrace: return "'{'"
    case .rbrace: return "'}'"
    case .comma: return "','"
    case .semicolon: return "';'"
    case .colon: return "':'"
    case .dot: return "'.'"
    case .dotDot: return "'..'"
    case .arrow: return "'=>'"
    case .pipe: return "'|'"
    case .assign: return "'='"
    case .plusAssign: return "'+='"
    case .minusAssign: return "'-='"
    case .plus: return "'+'"
    case .minus: return "'-'"
    case .star: return "'*'"
    case .slash: return "'/'"
    case .percent: return "'%'"
    case .equal: return "'=='"
    case .notEqual: return "'!='"
    case .less: return "'<'"
    case .lessEqual: return "'<='"
    case .greater: return "'>'"
    case .greaterEqual: return "'>='"
    default:
      for (word, kind) in TokenKind.keywords where kind == self { return "'\(word)'" }
      return "a token"
    }
  }
}

/// One piece of a string literal: literal text, or the source range of an
/// interpolated `${…}` expression (parsed later by the parser).
public enum StringPart: Equatable, Sendable {
  case text(String)
  case interpolation(Span)
}

/// The decoded value a literal token carries.
public enum TokenValue: Equatable, Sendable {
  case none
  case int(Int)
  case float(Double)
  case string([StringPart])
  case ip(UInt32)
  case cidr(UInt32, Int)
  case mac(UInt64)
  case size(Int)
  case duration(Int)
}

/// A token with its place in the source.
public struct Token: Sendable {
  public var kind: TokenKind
  public var span: Span
  public var value: TokenValue
  /// The identifier's text (empty for other tokens).
  public var text: String
}
