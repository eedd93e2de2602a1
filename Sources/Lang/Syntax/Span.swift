/// A half-open range of byte offsets into one `SourceFile`.
public struct Span: Equatable, Sendable {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = end
  }

  /// The smallest span covering both.
  public func to(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
}
