/// The transfer options a read request negotiated (RFC 2347-2349, 7440).
public struct TFTPTransferOptions: Equatable, Sendable {
  public var blockSize = 512
  public var timeoutSeconds = 1
  public var windowSize = 1
  /// The options to acknowledge in an OACK, in request order; empty means none.
  public var acknowledged: [(String, String)] = []

  public static func == (lhs: TFTPTransferOptions, rhs: TFTPTransferOptions) -> Bool {
    lhs.blockSize == rhs.blockSize && lhs.timeoutSeconds == rhs.timeoutSeconds && lhs.windowSize == rhs.windowSize
      && lhs.acknowledged.elementsEqual(rhs.acknowledged) { $0 == $1 }
  }

  /// The largest block Howl sends; RFC 2348 allows 65464.
  public static let maxBlockSize = 65464
  /// The largest window Howl sends without an ACK.
  public static let maxWindowSize = 64

  /// Accepts what the client asked for within limits; unknown or invalid options are left out.
  public init(requested: [(String, String)], fileSize: Int) {
    for (name, value) in requested {
      switch name {
      case "blksize":
        guard let size = Int(value), size >= 8 else { continue }
        blockSize = min(size, TFTPTransferOptions.maxBlockSize)
        acknowledged.append((name, String(blockSize)))
      case "tsize":
        acknowledged.append((name, String(fileSize)))
      case "timeout":
        guard let seconds = Int(value), (1...255).contains(seconds) else { continue }
        timeoutSeconds = seconds
        acknowledged.append((name, value))
      case "windowsize":
        guard let size = Int(value), (1...65535).contains(size) else { continue }
        windowSize = min(size, TFTPTransferOptions.maxWindowSize)
        acknowledged.append((name, String(windowSize)))
      default:
        continue
      }
    }
  }
}
