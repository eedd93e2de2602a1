/// The header of a frame: its slot count and the frame it is nested in.
struct FrameHeader {
  let count: Int
  /// Changed only when a spare frame is reused (`FunctionCode.makeFrame`).
  var parent: Frame?
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

  /// Frees the closures a finished call stored in its own frame, which
  /// would otherwise keep the frame (and themselves) alive in a cycle:
  /// `fn outer() { let f = x => x; … }`. Closures that escaped — returned,
  /// stored elsewhere, or still reachable through another closure over this
  /// frame — are left alone; the result says whether the frame may still
  /// be in a cycle: whenever something besides the caller holds it, as a
  /// closure kept in a list or map of the frame does
  /// (`let fs = []; fs += [() => x]`), or one over a loop iteration.
  @discardableResult
  static func breakCycles(_ frame: inout Frame) -> Bool {
    var held: [(slot: Int, closure: Closure)] = []
    for slot in 0..<frame.header.count {
      if case .function(let fn) = frame[slot], fn.kind == .closure {
        let closure = unsafeDowncast(fn, to: Closure.self)
        if closure.parent === frame { held.append((slot, closure)) }
      }
    }
    guard !held.isEmpty else { return !isKnownUniquelyReferenced(&frame) }
    for (slot, _) in held { frame[slot] = .null }
    var onlyInFrame = true
    for i in held.indices where !isKnownUniquelyReferenced(&held[i].closure) {
      onlyInFrame = false
      break
    }
    if onlyInFrame {
      for (_, closure) in held { closure.parent = nil }
      if isKnownUniquelyReferenced(&frame) { return false }
      for (_, closure) in held { closure.parent = frame }
    }
    for (slot, closure) in held { frame[slot] = .function(closure) }
    return true
  }

  /// Empties every slot, breaking whatever cycles run through this frame.
  func clear() {
    for slot in 0..<header.count { self[slot] = .null }
  }

  /// Makes a frame no one holds any more ready to serve another call, kept
  /// in a list of spare frames through `parent`.
  @inline(__always)
  func reset(parent: Frame?) {
    withUnsafeMutablePointers { header, elements in
      for slot in 0..<header.pointee.count { elements[slot] = .null }
      header.pointee.parent = parent
    }
  }

  /// Fills a slot that holds nil, as every slot of a new frame does, without
  /// releasing what was there.
  @inline(__always)
  func initialize(_ slot: Int, to value: __owned Value) {
    withUnsafeMutablePointerToElements { ($0 + slot).initialize(to: value) }
  }

  /// The frame `depth` levels out.
  @inline(__always)
  func ancestor(_ depth: Int) -> Frame {
    var f = self
    for _ in 0..<depth { f = f.header.parent! }
    return f
  }
}

/// Frames that outlived their call inside a closure/frame cycle. Held
/// weakly; when the interpreter goes away, the live ones are emptied so the
/// cycles are freed.
final class CycleRegistry {
  private struct WeakFrame { weak var frame: Frame? }
  private var frames: [WeakFrame] = []
  private var pruneAt = 64

  func add(_ frame: Frame) {
    frames.append(WeakFrame(frame: frame))
    if frames.count >= pruneAt {
      frames.removeAll { $0.frame == nil }
      pruneAt = max(64, frames.count * 2)
    }
  }

  deinit {
    let live = frames.compactMap(\.frame)
    for frame in live { frame.clear() }
  }
}

/// The global variables: names the host registers and top-level `let`s.
/// Slots are never removed, so a compiled reference stays valid.
public final class Globals {
  private(set) var slots: [String: Int] = [:]
  var values = GlobalSlots()
  /// Whether a slot was assigned yet: a `let` later in a script creates the
  /// slot at compile time, but the name is undefined until the `let` runs.
  var defined: [Bool] = []
  private(set) var names: [String] = []

  /// The slot for `name`, created (holding nil) if new.
  func slot(for name: String) -> Int {
    if let s = slots[name] { return s }
    let s = values.count
    slots[name] = s
    names.append(name)
    values.append(.null)
    defined.append(false)
    return s
  }

  /// The slot of a defined global.
  func definedSlot(_ name: String) -> Int? {
    guard let s = slots[name], defined[s] else { return nil }
    return s
  }

  func assign(_ slot: Int, _ value: Value) {
    values[slot] = value
    defined[slot] = true
  }

  public subscript(name: String) -> Value? {
    get { definedSlot(name).map { values[$0] } }
    set { assign(slot(for: name), newValue ?? .null) }
  }

  /// The names of the defined globals.
  public var allNames: [String] { names.filter { definedSlot($0) != nil } }

  deinit { values.free() }
}

/// The values of the globals, read by pointer: an array here would be
/// retained and released around every read of a global.
struct GlobalSlots {
  private var base = UnsafeMutablePointer<Value>.allocate(capacity: 64)
  private var capacity = 64
  private(set) var count = 0

  @inline(__always)
  subscript(slot: Int) -> Value {
    get { base[slot] }
    nonmutating set { base[slot] = newValue }
  }

  /// The slot's value, for matching in place without copying it.
  @inline(__always)
  func pointer(_ slot: Int) -> UnsafeMutablePointer<Value> { base + slot }

  mutating func append(_ value: Value) {
    if count == capacity {
      let grown = UnsafeMutablePointer<Value>.allocate(capacity: capacity * 2)
      grown.moveInitialize(from: base, count: count)
      base.deallocate()
      base = grown
      capacity *= 2
    }
    (base + count).initialize(to: value)
    count += 1
  }

  func free() {
    base.deinitialize(count: count)
    base.deallocate()
  }
}
