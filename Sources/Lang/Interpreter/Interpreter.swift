import Foundation

/// Runs Howl source. The host registers globals, native functions and `use`
/// handlers on it, then runs files or REPL lines; globals persist between
/// runs, so a REPL session is one interpreter.
public final class Interpreter {
  /// Selects an object for `use KIND value`; returns the register to set
  /// (for example `node`) and the value to put in it.
  public typealias UseHandler = (Value) throws -> (register: String, value: Value)

  public let globals = Globals()
  /// Where `print` writes.
  public var output: (String) -> Void = { Swift.print($0, terminator: "") }
  /// Deepest allowed call nesting; deeper recursion is an error, not a
  /// crash. Calls also stop, with the same error, when the thread's native
  /// stack is nearly full (see `CallStack`).
  public var maxCallDepth = 200_000
  /// Loop iterations and calls allowed in total (for fuzzing and sandboxes).
  public var stepLimit = Int.max
  /// Directories searched by `import "name"` for `name.howl`.
  public var modulePaths: [String] = []
  /// Reads a module's text; replaceable by the host.
  public var readFile: (String) throws -> String = { path in try FileSystem.read(path) }

  /// The register and value of the last `use`, for the REPL prompt.
  public private(set) var selection: (register: String, value: Value)?

  var returnValue: Value = .null
  var lastValue: Value?
  private let cycles = CycleRegistry()
  private var callDepth = 0
  /// The lowest native stack address a call may reach, and the thread it
  /// was measured on.
  private var stackLimit: UInt = 0
  private var stackThread: pthread_t?
  private var steps = 0
  /// `interruptFlag`, read once: a static's every read checks that it was initialised.
  private let interrupt = Interpreter.interruptFlag
  private var useHandlers: [String: UseHandler] = [:]
  private var importedModules: Set<String> = []

  public init() {}

  /// Set to non-zero (from a signal handler, for example) to stop the code
  /// that is running at its next call or loop iteration, with an
  /// "interrupted" error. Cleared when that error is thrown.
  public static let interruptFlag: UnsafeMutablePointer<Int32> = {
    let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    flag.initialize(to: 0)
    return flag
  }()

  // MARK: - Host interface

  /// Defines or replaces a global.
  public func define(_ name: String, _ value: Value) { globals[name] = value }

  /// Defines a native function as a global.
  public func define(_ name: String, _ body: @escaping NativeFunction.Body) {
    globals[name] = .function(NativeFunction(name, body))
  }

  /// Registers what `use KIND …` does.
  public func registerUse(_ kind: String, _ handler: @escaping UseHandler) { useHandlers[kind] = handler }

  public var useKinds: [String] { Array(useHandlers.keys).sorted() }

  func use(_ kind: String, _ value: Value) throws {
    guard let handler = useHandlers[kind] else {
      if useHandlers.isEmpty { throw LangError("nothing can be selected with 'use' here") }
      throw LangError("cannot use '\(kind)'", suggestion: Suggestions.didYouMean(kind, among: useHandlers.keys)
                        ?? "use one of: \(useKinds.joined(separator: ", "))")
    }
    let (register, selected) = try handler(value)
    globals[register] = selected
    selection = (register, selected)
  }

  // MARK: - Running

  /// Parses and runs a file. With `recordLastValue`, returns the value of a
  /// final expression statement (what the REPL prints).
  @discardableResult
  public func run(_ file: SourceFile, recordLastValue: Bool = false) throws -> Value? {
    let compiled = try compiled(file, recordLastValue: recordLastValue)
    measureStack()
    lastValue = nil
    var frame = Frame.make(count: compiled.slotCount, parent: nil)
    defer { endFrame(&frame) }
    for s in compiled.body {
      switch try s.exec(frame) {
      case .normal: continue
      default: return lastValue
      }
    }
    return lastValue
  }

  /// Parses and compiles a file against the globals defined so far, without
  /// running any of it: throws the errors `run` would throw before its first
  /// statement.
  public func compile(_ file: SourceFile) throws {
    _ = try compiled(file, recordLastValue: false)
  }

  private func compiled(_ file: SourceFile, recordLastValue: Bool) throws -> (body: [StmtNode], slotCount: Int) {
    let parsed = Parser.parse(file)
    if !parsed.diagnostics.isEmpty { throw LangError(parsed.diagnostics) }
    return try Compiler(interpreter: self, file: file).compileProgram(parsed.statements, recordLastValue: recordLastValue)
  }

  /// Runs source text given as a string.
  @discardableResult
  public func run(_ text: String, name: String = "<input>") throws -> Value? {
    try run(SourceFile(name: name, text: text))
  }

  /// Calls a function value (for natives such as `map` that take callbacks).
  public func call(_ function: Value, _ arguments: Arguments) throws -> Value {
    guard case .function(let fn) = function else { throw LangError("\(function.typeName) is not a function") }
    measureStack()
    return try fn.call(self, arguments)
  }

  public func call(_ function: Value, _ positional: Value...) throws -> Value {
    try call(function, Arguments(positional))
  }

  func invoke(_ closure: Closure, _ frame: consuming Frame) throws -> Value {
    let code = closure.code
    callDepth += 1
    defer { callDepth -= 1 }
    if callDepth > maxCallDepth || CallStack.pointer() < stackLimit { throw tooDeep() }
    try step(code.file, code.span)
    var result = Value.null
    do {
      result = try runBody(code.body, frame)
    } catch {
      if code.createsClosures { endFrame(&frame) }
      throw error
    }
    if code.createsClosures { endFrame(&frame) }
    code.recycle(&frame)
    return result
  }

  @inline(never)
  private func tooDeep() -> LangError {
    LangError("too many nested calls (\(callDepth - 1) deep)", notes: ["is there a recursion without an end?"])
  }

  /// Breaks the cycles a finished frame's closures would keep alive.
  func endFrame(_ frame: inout Frame) {
    if Frame.breakCycles(&frame) { cycles.add(frame) }
  }

  /// Finds the current thread's stack limit, unless it is the thread measured last.
  private func measureStack() {
    let thread = pthread_self()
    if let stackThread, pthread_equal(stackThread, thread) != 0 { return }
    stackThread = thread
    stackLimit = CallStack.limit()
  }

  private func runBody(_ body: [StmtNode], _ frame: Frame) throws -> Value {
    for s in body {
      switch try s.exec(frame) {
      case .normal: continue
      case .returned:
        var v = Value.null
        swap(&v, &returnValue)
        return v
      default: return .null
      }
    }
    return .null
  }

  @inline(__always)
  func step(_ file: SourceFile, _ span: Span) throws {
    steps &+= 1
    if steps > stepLimit || interrupt.pointee != 0 { throw stepError(file, span) }
  }

  @inline(never)
  private func stepError(_ file: SourceFile, _ span: Span) -> LangError {
    if steps > stepLimit { return LangError("step limit of \(stepLimit) exceeded", file: file, span: span) }
    interrupt.pointee = 0
    return LangError("interrupted", file: file, span: span)
  }

  // MARK: - Modules

  /// `import "name"` (from the module paths) or `import "./file.howl"`
  /// (relative to the importing file). A module runs once per interpreter.
  func importModule(_ name: String, from importer: SourceFile) throws {
    let path = try resolveModule(name, from: importer)
    guard !importedModules.contains(path) else { return }
    importedModules.insert(path)
    do {
      let text = try readFile(path)
      try run(SourceFile(name: path, text: text))
    } catch {
      importedModules.remove(path)
      throw error
    }
  }

  private func resolveModule(_ name: String, from importer: SourceFile) throws -> String {
    if name.hasPrefix("./") || name.hasPrefix("../") || name.hasPrefix("/") {
      if name.hasPrefix("/") { return name }
      let dir = FileSystem.directory(of: importer.name)
      return FileSystem.normalize(dir + "/" + name)
    }
    guard !name.isEmpty, !name.contains(".."), !name.hasPrefix("/") else {
      throw LangError("invalid module name '\(name)'")
    }
    let fileName = name.hasSuffix(".howl") ? name : name + ".howl"
    for dir in modulePaths where FileSystem.exists(dir + "/" + fileName) {
      return dir + "/" + fileName
    }
    let available = modulePaths.flatMap { FileSystem.list($0) }.filter { $0.hasSuffix(".howl") }.map { String($0.dropLast(5)) }
    throw LangError("no module named '\(name)'", suggestion: Suggestions.didYouMean(name, among: available),
                    notes: modulePaths.isEmpty ? [] : ["searched \(modulePaths.joined(separator: ", "))"])
  }
}
