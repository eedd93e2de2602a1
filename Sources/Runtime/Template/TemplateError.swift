/// A parse or execution error, worded like Go's: `template: NAME:LINE:COL: executing "NAME" at <.Foo>: ...`.
public struct TemplateError: Error, CustomStringConvertible, Equatable {
  public enum Phase: Equatable { case parse, execute }

  public let phase: Phase
  /// The template whose text holds the failing node.
  public let templateName: String
  public let line: Int
  /// The byte column (0-based, as Go reports it); nil for parse errors.
  public let column: Int?
  /// Go's full message, without the caller's prefix.
  public let goMessage: String
  /// Context added by the caller (see `TemplateExecutionContext.errorPrefix`).
  public var prefix: String = ""

  public var description: String { prefix + goMessage }
}
