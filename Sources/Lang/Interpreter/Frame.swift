/// The header of a frame: its slot count and the frame it is nested in.
struct FrameHeader {
  let count: Int
  let parent: Frame?
}

/// The local variables of one function call, allocated with the slots inline
/// (one allocation per call). Names were resolved to slot numbers by the
/// compiler; a closure keeps its defining frame alive as `parent`.
final class Frame: ManagedBuffer<FrameHeader, Value> {
  static func make(count: Int, parent: Frame?) -> Frame {
    let buffer = Frame.create(minimumCapacity: count) { _ in FrameHeader(count: count, parent: parent) }
    let frame = unsafeDowncast(buffer, to: Frame.self)
    frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .null, count: count) }
    return frame
  }

  deinit {
    _ = withUnsafeMutablePointers { header, elements in elements.deinitialize(count: header.pointee.count) }
  }

  @inline(__always)
  subscript(slot: Int) -> Value {
    get { withUnsafeMutablePointerToElements { $0[slot] } }
    set { withUnsafeMutablePointerToElements { $0[slot] = newValue } }
  }

  /// Takes the value out of a slot, leaving nil, so it can be mutated uniquely.
  @inline(__always)
  func take(_ slot: Int) -> Value {
    withUnsafeMutablePointerToElements { p in
      let v = (p + slot).move()
      (p + slot).initialize(to: .null)
      return v
    }
  }

  @inline(__always)
  var parent: Frame? { header.parent }

  /// The frame `depth` levels out.
  @inline(__always)
  func ancestor(_ depth: Int) -> Frame {
    var f = self
    for _ in 0..<depth { f = f.header.parent! }
    return f
  }
}

/// The global variables: names the host registers and top-level `let`s.
/// Slots are never removed, so a compiled reference stays valid.
public final class Globals {
  private(set) var slots: [String: Int] = [:]
  var values: ContiguousArray<Value> = []
  private(set) var names: [String] = []

  /// The slot for `name`, created (holding nil) if new.
  func slot(for name: String) -> Int {
    if let s = slots[name] { return s }
    let s = values.count
    slots[name] = s
    names.append(name)
    values.append(.null)
    return s
  }

  public subscript(name: String) -> Value? {
    get { slots[name].map { values[$0] } }
    set { values[slot(for: name)] = newValue ?? .null }
  }

  public var allNames: [String] { names }
}
