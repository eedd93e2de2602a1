/// A path to a value inside a node or profile: `["kernel", "args"]`,
/// `["network devices", "default", "ipaddr"]`. Written with dots in
/// descriptions (`kernel.args`); keys may contain spaces.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
  public var keys: [String]

  public init(_ keys: [String]) { self.keys = keys }
  public init(_ keys: String...) { self.keys = keys }

  /// Splits a dotted path: `"network devices.default.ipaddr"`.
  public init(dotted: String) {
    self.keys = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
  }

  public var description: String { keys.joined(separator: ".") }

  /// This path with `key` appended.
  public func appending(_ key: String) -> FieldPath { FieldPath(keys + [key]) }
}
