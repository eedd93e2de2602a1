/// Per-render state that template functions can reach: the caller's own
/// context object (e.g. the node being rendered), the current output
/// position, and the side effects functions ask for.
public final class TemplateExecutionContext {
  /// Something a function asked the caller to do with the output, recorded in call order.
  public enum SideEffect: Equatable {
    /// Output from `outputOffset` on belongs to another file (Warewulf's `file`).
    case beginFile(path: String, outputOffset: Int)
    /// The current output becomes a symlink to `target` (Warewulf's `softlink`, `ImportLink`).
    case symlink(target: String, outputOffset: Int)
    /// Stop; write nothing for this template (Warewulf's `abort`).
    case abort
    /// Don't back up an overwritten file (Warewulf's `nobackup`).
    case noBackup
    /// Anything else a caller-defined function records.
    case custom(name: String, arguments: [String])
  }

  /// The caller's context object; functions cast it to what they expect.
  public var host: AnyObject?
  /// Text put in front of error messages (e.g. "node n1: "), so callers can say what was rendered.
  public var errorPrefix: String
  /// Side effects recorded so far.
  public private(set) var sideEffects: [SideEffect] = []
  /// The number of output bytes written before the current function call.
  public internal(set) var outputOffset: Int = 0
  /// True when a function stopped the render with `TemplateHalt`.
  public internal(set) var halted = false

  public init(host: AnyObject? = nil, errorPrefix: String = "") {
    self.host = host
    self.errorPrefix = errorPrefix
  }

  public func record(_ effect: SideEffect) {
    sideEffects.append(effect)
  }
}
