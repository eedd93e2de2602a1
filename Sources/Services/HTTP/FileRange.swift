import NIOHTTP1

/// HTTP validators and byte ranges for a file (RFC 9110 §8.8, §13, §14):
/// what part of the file to send and with which status.
public struct FileRange: Equatable, Sendable {
  public var status: HTTPResponseStatus
  /// Bytes to send, `lower..<upper`; empty for 304 and 416.
  public var range: Range<Int>
  public var etag: String
  public var lastModified: String

  /// Decides the response for a file of `size` bytes modified at `mtime`
  /// (seconds since 1970) given the request's headers.
  public init(size: Int, mtime: Int, inode: UInt64, headers: HTTPHeaders) {
    etag = "\"\(String(inode, radix: 16))-\(String(size, radix: 16))-\(String(mtime, radix: 16))\""
    lastModified = HTTPDate.format(mtime)
    range = 0..<size
    status = .ok
    if let match = headers.first(name: "if-none-match") {
      if match == "*" || match.split(separator: ",").contains(where: { $0.trimmingSpaces == etag || $0.trimmingSpaces == "W/" + etag }) {
        status = .notModified
        range = 0..<0
        return
      }
    } else if let since = headers.first(name: "if-modified-since").flatMap(HTTPDate.parse), mtime <= since {
      status = .notModified
      range = 0..<0
      return
    }
    guard let header = headers.first(name: "range") else { return }
    if let ifRange = headers.first(name: "if-range"), ifRange != etag, ifRange != lastModified { return }
    guard header.hasPrefix("bytes="), !header.contains(",") else { return }
    let spec = header.dropFirst(6).trimmingSpaces
    let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
    guard bounds.count == 2 else { return }
    let first = Int(bounds[0].trimmingSpaces)
    let last = Int(bounds[1].trimmingSpaces)
    var lower: Int
    var upper: Int
    switch (first, last) {
    case let (first?, last?) where first <= last:
      lower = first
      upper = min(last + 1, size)
    case (let first?, nil) where bounds[1].trimmingSpaces.isEmpty:
      lower = first
      upper = size
    case (nil, let suffix?) where bounds[0].trimmingSpaces.isEmpty:
      lower = max(0, size - suffix)
      upper = size
      if suffix == 0 { lower = size }
    default:
      return
    }
    guard lower < size, lower < upper else {
      status = .rangeNotSatisfiable
      range = 0..<0
      return
    }
    status = .partialContent
    range = lower..<upper
  }
}

extension Substring {
  var trimmingSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}

extension String {
  var trimmingSpaces: String { Substring(self).trimmingSpaces }
}
