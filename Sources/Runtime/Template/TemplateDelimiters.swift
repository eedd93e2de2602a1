/// The strings that open and close actions (Go's `Delims`); empty means the default.
public struct TemplateDelimiters: Equatable {
  public var left: String
  public var right: String

  public init(left: String = "{{", right: String = "}}") {
    self.left = left.isEmpty ? "{{" : left
    self.right = right.isEmpty ? "}}" : right
  }
}
