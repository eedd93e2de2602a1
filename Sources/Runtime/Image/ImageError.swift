/// A failure importing, building or running an image, worded for the user.
public struct ImageError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
