/// The arguments of a call: positional values, then named ones.
public struct Arguments {
  public var positional: [Value]
  public var named: [(label: String, value: Value)]

  public init(_ positional: [Value] = [], named: [(label: String, value: Value)] = []) {
    self.positional = positional
    self.named = named
  }

  public var count: Int { positional.count }

  public subscript(_ i: Int) -> Value { i < positional.count ? positional[i] : .null }

  /// The named argument `label`, or nil.
  public func named(_ label: String) -> Value? {
    named.first { $0.label == label }?.value
  }

  /// Fails unless the call has between `min` and `max` positional arguments
  /// and only the named ones listed. The function's name is made only for
  /// the error.
  public func expect(_ function: @autoclosure () -> String, count range: ClosedRange<Int>,
                     labels: @autoclosure () -> [String] = []) throws {
    if positional.count < range.lowerBound || positional.count > range.upperBound {
      let want = range.lowerBound == range.upperBound ? "\(range.lowerBound)" :
        range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
      throw LangError("\(function())() takes \(want) argument\(want == "1" ? "" : "s"), got \(positional.count)")
    }
    guard !named.isEmpty else { return }
    let labels = labels()
    for (label, _) in named where !labels.contains(label) {
      throw LangError("\(function())() has no argument named '\(label)'",
                      suggestion: Suggestions.didYouMean(label, among: labels))
    }
  }
}

/// Something that can be called: a Howl function or a native one.
public class Callable {
  public enum Kind { case native, closure }
  public let name: String
  public let kind: Kind

  init(name: String, kind: Kind) {
    self.name = name
    self.kind = kind
  }

  func call(_ interpreter: Interpreter, _ arguments: Arguments) throws -> Value {
    fatalError("abstract")
  }
}

/// A function written in Swift and registered by the host or the library.
public final class NativeFunction: Callable {
  public typealias Body = (Interpreter, Arguments) throws -> Value
  let body: Body

  public init(_ name: String, _ body: @escaping Body) {
    self.body = body
    super.init(name: name, kind: .native)
  }

  override func call(_ interpreter: Interpreter, _ arguments: Arguments) throws -> Value {
    try body(interpreter, arguments)
  }
}

/// A Howl function value: compiled code plus the frame it closes over.
final class Closure: Callable {
  let code: FunctionCode
  /// Changed only by `Frame.breakCycles`, when the frame is about to die.
  var parent: Frame?

  init(code: FunctionCode, parent: Frame?) {
    self.code = code
    self.parent = parent
    super.init(name: code.name, kind: .closure)
  }

  override func call(_ interpreter: Interpreter, _ arguments: Arguments) throws -> Value {
    let frame = try code.bind(arguments, parent: parent)
    return try interpreter.invoke(self, consume frame)
  }
}

/// A compiled function body with its parameters resolved to slots.
final class FunctionCode {
  let name: String
  let parameters: [String]
  let parameterCount: Int
  /// Default value per parameter, evaluated in the callee's frame.
  let defaults: [Node?]
  let body: [StmtNode]
  let slotCount: Int
  /// The body makes closures over its own frame (which may form cycles).
  let createsClosures: Bool
  let file: SourceFile
  let span: Span

  init(name: String, parameters: [String], defaults: [Node?], body: [StmtNode], slotCount: Int,
       createsClosures: Bool, file: SourceFile, span: Span) {
    self.name = name
    self.parameters = parameters
    parameterCount = parameters.count
    self.defaults = defaults
    self.body = body
    self.slotCount = slotCount
    self.createsClosures = createsClosures
    self.file = file
    self.span = span
  }

  /// Frames of finished calls that nothing else held, emptied, for the next
  /// calls to reuse instead of allocating (a recursion keeps one per level).
  /// A list linked through the spare frames' `parent`, which they no longer need.
  private var spareFrames: Frame?
  private var spareCount = 0
  private static let maxSpareFrames = 16

  /// A frame for a call of this code, its slots nil.
  @inline(__always)
  func makeFrame(parent: Frame?) -> Frame {
    if let frame = spareFrames {
      spareFrames = frame.header.parent
      spareCount -= 1
      frame.header.parent = parent
      return frame
    }
    return Frame.make(count: slotCount, parent: parent)
  }

  /// Keeps a finished call's frame for reuse unless something (a closure)
  /// still holds it.
  @inline(__always)
  func recycle(_ frame: inout Frame) {
    guard spareCount < FunctionCode.maxSpareFrames, isKnownUniquelyReferenced(&frame) else { return }
    frame.reset(parent: spareFrames)
    spareFrames = frame
    spareCount += 1
  }

  /// Places the arguments in a fresh frame, filling defaults and named ones.
  func bind(_ arguments: Arguments, parent: Frame?) throws -> Frame {
    let frame = makeFrame(parent: parent)
    if arguments.positional.count > parameters.count {
      throw LangError("\(name)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s"), got \(arguments.positional.count)")
    }
    var filled = [Bool](repeating: false, count: parameters.count)
    for (i, v) in arguments.positional.enumerated() {
      frame[i] = v
      filled[i] = true
    }
    for (label, v) in arguments.named {
      guard let i = parameters.firstIndex(of: label) else {
        throw LangError("\(name)() has no parameter named '\(label)'",
                        suggestion: Suggestions.didYouMean(label, among: parameters))
      }
      if filled[i] { throw LangError("\(name)() got '\(label)' twice") }
      frame[i] = v
      filled[i] = true
    }
    for i in parameters.indices where !filled[i] {
      guard let d = defaults[i] else {
        throw LangError("\(name)() is missing argument '\(parameters[i])'")
      }
      frame[i] = try d.eval(frame)
    }
    return frame
  }
}
