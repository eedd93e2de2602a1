/// An executable expression: the compiler's output, with names already
/// resolved to frame slots or global indexes. `eval` runs it in a frame.
class Node {
  let span: Span
  let file: SourceFile

  init(_ span: Span, _ file: SourceFile) {
    self.span = span
    self.file = file
  }

  func eval(_ f: Frame) throws -> Value { fatalError("abstract") }

  /// Gives an error this node's location unless it already has one.
  final func locate(_ error: Error) -> Error { located(error, file, span) }

  @inline(never)
  final func error(_ message: String, suggestion: String? = nil) -> LangError {
    LangError(message, file: file, span: span, suggestion: suggestion)
  }
}

/// How a statement finished.
enum Flow {
  case normal, breakLoop, continueLoop, returned
}

/// An executable statement.
class StmtNode {
  let span: Span
  let file: SourceFile

  init(_ span: Span, _ file: SourceFile) {
    self.span = span
    self.file = file
  }

  func exec(_ f: Frame) throws -> Flow { fatalError("abstract") }

  final func locate(_ error: Error) -> Error { located(error, file, span) }
}

/// Gives an error a location unless it already has one.
@inline(never)
func located(_ error: Error, _ file: SourceFile, _ span: Span) -> Error {
  guard var e = error as? LangError else { return LangError("\(error)", file: file, span: span) }
  if !e.diagnostics.isEmpty && e.diagnostics[0].file == nil {
    e.diagnostics[0].file = file
    e.diagnostics[0].span = span
  }
  return e
}

/// Runs statements in order, stopping at break, continue or return.
@inline(__always)
func execBlock(_ body: [StmtNode], _ f: Frame) throws -> Flow {
  for s in body {
    let flow = try s.exec(f)
    if case .normal = flow { continue }
    return flow
  }
  return .normal
}
