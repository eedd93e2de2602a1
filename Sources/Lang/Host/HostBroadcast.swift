/// A host object that stands for several objects at once (a node set, or
/// one of its sections): `o.name += v` and `o.name -= v` update each
/// object's own value, so the objects need not share one to begin with.
public protocol HostBroadcast: HostObject {
  /// Sets each object's `name` to `update(its current value)`, as one change.
  func updateMember(_ name: String, in interpreter: Interpreter, _ update: (Value) throws -> Value) throws
}
