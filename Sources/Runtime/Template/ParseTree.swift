/// A parsed template body: nodes plus the side tables the executor needs
/// for variables and error messages.
final class ParseTree {
  let name: String
  /// The name of the parse that produced the tree (Go's `ParseName`), used in error locations.
  let parseName: String
  let source: [UInt8]
  var root: [TemplateNode]
  /// How many variable slots an execution of this tree needs (`$` is slot 0).
  var slotCount = 1
  /// Go's `String()` of each node that can be the subject of an error, by node id.
  var nodeDescriptions: [String] = []
  var nodePositions: [Int] = []

  init(name: String, parseName: String, source: [UInt8]) {
    self.name = name
    self.parseName = parseName
    self.source = source
    self.root = []
  }

  /// Registers a node for error reporting and returns its id.
  func addNode(position: Int, description: String) -> Int {
    nodeDescriptions.append(description)
    nodePositions.append(position)
    return nodeDescriptions.count - 1
  }

  /// True when the tree holds nothing but whitespace text (Go's `IsEmptyTree`).
  var isEmpty: Bool {
    root.allSatisfy { node in
      if case .text(let bytes) = node {
        return bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
      }
      return false
    }
  }

  /// `NAME:LINE:COL` of a node, Go's `ErrorContext` location (column is a 0-based byte offset).
  func location(ofNode id: Int) -> (line: Int, column: Int) {
    let position = id >= 0 && id < nodePositions.count ? nodePositions[id] : 0
    var line = 1
    var lineStart = 0
    for i in 0..<min(position, source.count) where source[i] == 0x0A {
      line += 1
      lineStart = i + 1
    }
    return (line, position - lineStart)
  }
}

/// A statement-level node.
enum TemplateNode {
  case text([UInt8])
  case action(TemplatePipeline)
  case ifBranch(TemplateBranch)
  case rangeLoop(TemplateBranch)
  case withBranch(TemplateBranch)
  case template(TemplateCall)
  case breakLoop
  case continueLoop
}

/// The shared shape of `if`, `range` and `with`.
final class TemplateBranch {
  let id: Int
  let pipeline: TemplatePipeline
  let body: [TemplateNode]
  let elseBody: [TemplateNode]?

  init(id: Int, pipeline: TemplatePipeline, body: [TemplateNode], elseBody: [TemplateNode]?) {
    self.id = id
    self.pipeline = pipeline
    self.body = body
    self.elseBody = elseBody
  }
}

/// `{{template "name" pipeline}}`.
final class TemplateCall {
  let id: Int
  let name: String
  let pipeline: TemplatePipeline?

  init(id: Int, name: String, pipeline: TemplatePipeline?) {
    self.id = id
    self.name = name
    self.pipeline = pipeline
  }
}

/// A pipeline with its optional variable declarations.
final class TemplatePipeline {
  let id: Int
  /// Variable slots declared (`$x :=`) or assigned (`$x =`).
  let declarations: [Int]
  let isAssignment: Bool
  /// A variable assigned (`$x = …`) without being declared: an execution error, as in Go.
  let undefinedAssignment: String?
  let commands: [TemplateCommand]

  init(id: Int, declarations: [Int], isAssignment: Bool, undefinedAssignment: String?, commands: [TemplateCommand]) {
    self.id = id
    self.declarations = declarations
    self.isAssignment = isAssignment
    self.undefinedAssignment = undefinedAssignment
    self.commands = commands
  }
}

/// One stage of a pipeline: a function, method or value with its arguments.
struct TemplateCommand {
  let id: Int
  let operands: [TemplateOperand]
}

/// A number literal with every interpretation Go's parser gives it.
struct TemplateNumber {
  let text: String
  var intValue: Int?
  var floatValue: Double?
  var isUnsignedOnly = false
  var isChar = false

  /// The value a constant takes where no type is expected (Go's `idealConstant`);
  /// nil when it does not fit an int. Computed once by the parser.
  var idealValue: TemplateValue?

  mutating func resolveIdealValue() {
    idealValue = computeIdealValue()
  }

  private func computeIdealValue() -> TemplateValue? {
    let hexInt = text.count > 2 && text.hasPrefix("0") && (text.dropFirst().first == "x" || text.dropFirst().first == "X")
      && !text.contains(where: { $0 == "p" || $0 == "P" })
    if let f = floatValue, !isChar, !hexInt, text.contains(where: { ".eEpP".contains($0) }) {
      return .float(f)
    }
    if let i = intValue { return .int(i) }
    return nil
  }
}

/// An argument or the head of a command.
indirect enum TemplateOperand {
  /// `.a.b`
  case field(id: Int, names: [String])
  /// `$x` or `$x.a.b`
  case variable(id: Int, slot: Int, names: [String])
  /// `(pipeline).a.b`
  case chain(id: Int, base: TemplateOperand, names: [String])
  case dot(id: Int)
  case null(id: Int)
  case bool(id: Int, Bool)
  case number(id: Int, TemplateNumber)
  case string(id: Int, String)
  case function(id: Int, name: String, TemplateFunction)
  case pipeline(TemplatePipeline)

  var id: Int {
    switch self {
    case .field(let id, _), .variable(let id, _, _), .chain(let id, _, _), .dot(let id), .null(let id),
      .bool(let id, _), .number(let id, _), .string(let id, _), .function(let id, _, _):
      return id
    case .pipeline(let p): return p.id
    }
  }
}
