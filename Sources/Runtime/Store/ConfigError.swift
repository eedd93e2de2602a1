/// A nodes.conf or howl.conf that cannot be read: where (file, line, column,
/// key path) and why. Prints as `nodes.conf:12:5: nodes.sc001.network devices:
/// expected a map, found a list`.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
  public var file: String
  /// 1-based; 0 when unknown.
  public var line: Int
  /// 1-based; 0 when unknown.
  public var column: Int
  public var keyPath: FieldPath
  public var message: String

  public init(file: String, line: Int, column: Int, keyPath: FieldPath, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    var out = file
    if line > 0 { out += ":\(line):\(column)" }
    out += ": "
    if !keyPath.keys.isEmpty { out += "\(keyPath): " }
    return out + message
  }
}
