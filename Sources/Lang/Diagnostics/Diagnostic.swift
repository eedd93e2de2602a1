/// One problem found in Howl source, with where it is and what might fix it.
public struct Diagnostic: Sendable {
  /// A place in a call trace: "in fn 'name' called at file:line:col".
  public struct TraceEntry: Sendable {
    /// The function's name.
    public var function: String
    public var file: SourceFile?
    public var span: Span
    /// Further calls of the same function from the same place directly
    /// around this one (a recursion), folded into this entry.
    public var repeats = 0
  }

  /// How many different places a trace lists; calls beyond are only counted.
  public static let traceLimit = 12

  public var message: String
  public var file: SourceFile?
  public var span: Span?
  /// A closing hint such as "did you mean 'nodes'?".
  public var suggestion: String?
  public var notes: [String]
  /// Innermost call first.
  public var trace: [TraceEntry]
  /// Calls the trace does not list, beyond `traceLimit` entries.
  public var omittedCalls = 0

  public init(_ message: String, file: SourceFile? = nil, span: Span? = nil,
              suggestion: String? = nil, notes: [String] = []) {
    self.message = message
    self.file = file
    self.span = span
    self.suggestion = suggestion
    self.notes = notes
    self.trace = []
  }

  /// Records that the error passed out through a call of `function` made
  /// at `span`: a call from the same place as the last one recorded folds
  /// into it, and past `traceLimit` entries calls are only counted.
  public mutating func addCall(_ function: String, file: SourceFile, span: Span) {
    if let last = trace.last, omittedCalls == 0, last.span == span, last.file === file, last.function == function {
      trace[trace.count - 1].repeats += 1
    } else if trace.count < Diagnostic.traceLimit {
      trace.append(TraceEntry(function: function, file: file, span: span))
    } else {
      omittedCalls += 1
    }
  }

  /// `file:line:col` of the diagnostic, or the file name alone.
  public var location: String {
    guard let file else { return "" }
    guard let span else { return file.name }
    let (line, column) = file.lineAndColumn(of: span.start)
    return "\(file.name):\(line):\(column)"
  }
}

extension SourceFile: @unchecked Sendable {}

/// The error every failure in Lang is reported with: one or more diagnostics.
public struct LangError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

  public init(_ message: String, file: SourceFile? = nil, span: Span? = nil,
              suggestion: String? = nil, notes: [String] = []) {
    self.diagnostics = [Diagnostic(message, file: file, span: span, suggestion: suggestion, notes: notes)]
  }

  /// The first diagnostic's message.
  public var message: String { diagnostics.first?.message ?? "error" }

  public var description: String { DiagnosticRenderer(color: false).render(self) }
}
