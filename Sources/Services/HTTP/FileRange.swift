import NIOHTTP1

/// HTTP validators and byte ranges for a file (RFC 9110 §8.8, §13, §14):
/// what part of the file to send and with which status.
///
/// Besides the `Range` header, a `range=A-B` query (`ProvisionRequest.range`)
/// asks for the same bytes answered `200` with a `Content-Range`: two-stage
/// boot's stage one fetches its chunks with busybox wget, which reads in
/// large blocks but refuses a `206` to a Range it did not make itself.
public struct FileRange: Equatable, Sendable {
  public var status: HTTPResponseStatus
  /// Bytes to send, `lower..<upper`; empty for 304 and 416.
  public var range: Range<Int>
  public var etag: String
  public var lastModified: String
  /// The `Content-Range` to send: for a part of the file, and for a `416`.
  public var contentRange: String?

  /// Decides the response for a file of `size` bytes modified at `mtime`
  /// (seconds since 1970) given the request's headers and its `range=`
  /// query, if any.
  public init(size: Int, mtime: Int, inode: UInt64, headers: HTTPHeaders, queryRange: String? = nil) {
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
    let spec: String
    var answer = HTTPResponseStatus.ok
    if let queryRange {
      spec = queryRange
    } else if let header = headers.first(name: "range"), header.hasPrefix("bytes="), !header.contains(",") {
      if let ifRange = headers.first(name: "if-range"), ifRange != etag, ifRange != lastModified { return }
      spec = String(header.dropFirst(6))
      answer = .partialContent
    } else {
      return
    }
    guard let slice = FileRange.bytes(spec, size: size) else { return }
    guard !slice.isEmpty else {
      status = .rangeNotSatisfiable
      range = 0..<0
      contentRange = "bytes */\(size)"
      return
    }
    status = answer
    range = slice
    contentRange = "bytes \(slice.lowerBound)-\(slice.upperBound - 1)/\(size)"
  }

  /// The bytes of one range spec (`A-B`, `A-`, `-N`) of a file of `size`
  /// bytes; empty when it starts past the end, nil when it does not parse.
  static func bytes(_ text: String, size: Int) -> Range<Int>? {
    let spec = text.trimmingSpaces
    let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
    guard bounds.count == 2 else { return nil }
    let first = Int(bounds[0].trimmingSpaces)
    let last = Int(bounds[1].trimmingSpaces)
    let lower: Int
    let upper: Int
    switch (first, last) {
    case let (first?, last?) where first <= last:
      lower = first
      upper = min(last + 1, size)
    case (let first?, nil) where bounds[1].trimmingSpaces.isEmpty:
      lower = first
      upper = size
    case (nil, let suffix?) where bounds[0].trimmingSpaces.isEmpty:
      lower = suffix == 0 ? size : max(0, size - suffix)
      upper = size
    default:
      return nil
    }
    guard lower < size, lower < upper else { return 0..<0 }
    return lower..<upper
  }
}

extension Substring {
  var trimmingSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}

extension String {
  var trimmingSpaces: String { Substring(self).trimmingSpaces }
}
