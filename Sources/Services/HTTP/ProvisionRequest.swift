import Runtime

/// A provisioning request's route and parameters (Warewulf §5.5).
public struct ProvisionRequest: Equatable, Sendable {
  /// What the client asks for.
  public enum Route: Equatable, Sendable {
    case stage(BootStage)
    /// Two-stage boot: Howl's stage-one initrd (`/stage1/<wwid>`), the
    /// image's kernel modules for it (`/kmods/<wwid>`), and stage one's
    /// progress (`/report/<wwid>?stage=stage1&sent=image+43+%25`).
    case stageOne, kernelModules, report
    case status
    case unknown
  }

  public var route: Route
  /// The node's MAC from the path (dashes or colons) or `?wwid=`.
  public var wwid: MACAddress?
  /// The raw wwid text, when it does not parse as a MAC.
  public var rawID: String?
  public var assetKey: String?
  public var uuid: String?
  /// `?compress=gz` (Warewulf's) or `?compress=zstd` (Howl's, images only);
  /// nil for the uncompressed file.
  public var compression: ImageCompression?
  /// A report's `stage=` and `sent=` (in `sent`, `+` is a space).
  public var reportStage: String?
  public var reportSent: String?
  /// `?from=stage1`: a request of two-stage boot's stage one, which reports
  /// its progress itself (so the chunks it fetches are not recorded).
  public var fromStageOne: Bool
  /// `?arch=`: the architecture of the stage-one initrd (iPXE's `${buildarch}`).
  public var arch: String?
  /// `?range=A-B`: these bytes of the file, answered `200` (see `FileRange`).
  public var range: String?

  /// Parses `/ipxe/52-54-00-…?assetkey=…`; `//` collapses (a shim quirk).
  public init(uri: String) {
    let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let segments = (parts.first ?? "").split(separator: "/").map(String.init)
    var raw: [String: Substring] = [:]
    if parts.count > 1 {
      for pair in parts[1].split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        raw[String(kv[0])] = kv.count > 1 ? kv[1] : ""
      }
    }
    let query = raw.mapValues { ProvisionRequest.percentDecoded(String($0)) }
    assetKey = query["assetkey"]
    uuid = query["uuid"]
    compression = query["compress"].flatMap(ImageCompression.init(urlValue:))
    reportStage = query["stage"]
    // Only the report's text is form-encoded (stage one writes spaces as `+`);
    // an asset key keeps a literal `+`.
    reportSent = raw["sent"].map { ProvisionRequest.percentDecoded(String($0.map { $0 == "+" ? " " : $0 })) }
    arch = query["arch"]
    range = query["range"]
    fromStageOne = query["from"] == "stage1"
    let idText = segments.count > 1 ? ProvisionRequest.percentDecoded(segments[1]) : query["wwid"]
    rawID = idText
    wwid = idText.flatMap { MACAddress($0.lowercased()) }
    switch segments.first ?? "" {
    case "ipxe": route = .stage(.ipxe)
    case "grub": route = .stage(.grub)
    case "kernel": route = .stage(.kernel)
    case "image", "container": route = .stage(.image)
    case "system", "overlay-system": route = .stage(.system)
    case "runtime", "overlay-runtime": route = .stage(.runtime)
    case "stage1": route = .stageOne
    case "kmods": route = .kernelModules
    case "report": route = .report
    case "status": route = segments.count == 1 ? .status : .unknown
    case "provision":
      switch query["stage"] ?? "" {
      case "ipxe": route = .stage(.ipxe)
      case "grub": route = .stage(.grub)
      case "kernel": route = .stage(.kernel)
      case "image", "container": route = .stage(.image)
      case "system": route = .stage(.system)
      case "runtime": route = .stage(.runtime)
      default: route = .unknown
      }
    default: route = .unknown
    }
  }

  static func percentDecoded(_ text: String) -> String {
    guard text.contains("%") else { return text }
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8)[...]
    while let byte = iterator.popFirst() {
      if byte == UInt8(ascii: "%"), iterator.count >= 2,
         let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
        bytes.append(value)
        iterator = iterator.dropFirst(2)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
