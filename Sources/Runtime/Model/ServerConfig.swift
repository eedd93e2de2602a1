import OrderedCollections

/// The head node's settings, Warewulf's warewulf.conf schema (§2) plus
/// Howl's own keys (`interface`, `dhcp.mode`, `dhcp.port`, `tftp.port`,
/// export names and images, `nfs.backend` and the ganesha paths, `images`). Keys Howl does not model are kept
/// in `extra`, top-level ones by name and unknown keys of the `warewulf`,
/// `dhcp`, `tftp` and `nfs` sections as maps under those names, and
/// written back after the known ones.
public struct ServerConfig: Equatable, Sendable {
  /// How the DHCP server hands out addresses.
  public enum DHCPMode: String, Sendable, CaseIterable {
    /// Only known nodes, each its own address (Warewulf's `template: static`).
    case `static`
    /// A dynamic pool (`range start`–`range end`) for unknown machines too.
    case dynamic
    /// Answer PXE only; another server gives the addresses.
    case proxy
  }

  /// The DHCP service.
  public struct DHCP: Equatable, Sendable {
    public var enabled: Bool
    public var mode: DHCPMode
    public var rangeStart: String
    public var rangeEnd: String
    public init(enabled: Bool = true, mode: DHCPMode = .dynamic, rangeStart: String = "", rangeEnd: String = "") {
      self.enabled = enabled
      self.mode = mode
      self.rangeStart = rangeStart
      self.rangeEnd = rangeEnd
    }
  }

  /// The ports the services listen on.
  public struct Ports: Equatable, Sendable {
    public var http: Int
    public var tftp: Int
    public var dhcp: Int
    public init(http: Int = 9873, tftp: Int = 69, dhcp: Int = 67) {
      self.http = http
      self.tftp = tftp
      self.dhcp = dhcp
    }
  }

  /// One NFS export (Warewulf's `nfs.export paths[]` item, named).
  public struct ExportEntry: Equatable, Sendable {
    public static let defaultOptions = "rw,sync,no_subtree_check"
    public var path: String
    public var options: String
    /// The image whose tree this exports, if any (Howl's key).
    public var image: String?
    /// Keys of the item Howl does not model.
    public var extra: OrderedDictionary<String, ConfValue>
    public init(path: String, options: String = ExportEntry.defaultOptions, image: String? = nil,
                extra: OrderedDictionary<String, ConfValue> = [:]) {
      self.path = path
      self.options = options
      self.image = image
      self.extra = extra
    }
  }

  /// Which NFS server Howl configures from the exports.
  public enum NFSBackend: String, Sendable, CaseIterable {
    /// The kernel's nfsd if this machine has one, else nfs-ganesha.
    case auto
    /// nfs-ganesha, started and reloaded by Howl.
    case ganesha
    /// The kernel's nfsd: `/etc/exports.d/howl.exports` and `exportfs -ra`.
    case kernel
    /// Howl writes no NFS configuration.
    case none
  }

  /// How the exports are served (Warewulf's `nfs` section plus Howl's keys).
  public struct NFS: Equatable, Sendable {
    /// Warewulf's `nfs.enabled`: false turns NFS management off, as `backend: none` does.
    public var enabled: Bool
    public var backend: NFSBackend
    /// nfs-ganesha's configuration file; empty means `$HOWL_ROOT/etc/howl/ganesha.conf`.
    public var ganeshaConfig: String
    /// nfs-ganesha's pid file; empty means `$HOWL_ROOT/run/howl/ganesha.pid`.
    public var ganeshaPidFile: String
    public init(enabled: Bool = true, backend: NFSBackend = .auto, ganeshaConfig: String = "", ganeshaPidFile: String = "") {
      self.enabled = enabled
      self.backend = backend
      self.ganeshaConfig = ganeshaConfig
      self.ganeshaPidFile = ganeshaPidFile
    }
  }

  /// An image Howl knows how to build (Howl's `images:` section).
  public struct ImageEntry: Equatable, Sendable {
    /// Where it comes from: `docker://…`, a tar file, a directory; nil if built in place.
    public var source: String?
    /// Paths left out of the built image (shell globs, as `/etc/warewulf/excludes`).
    public var excludes: [String]
    /// How `image.build()` and `howl serve` compress it (`.img.gz` or `.img.zst`).
    public var compression: ImageCompression
    /// Keys Howl does not model.
    public var extra: OrderedDictionary<String, ConfValue>
    public init(source: String? = nil, excludes: [String] = [], compression: ImageCompression = .gzip,
                extra: OrderedDictionary<String, ConfValue> = [:]) {
      self.source = source
      self.excludes = excludes
      self.compression = compression
      self.extra = extra
    }
  }

  public var comment: String
  /// The server's cluster address; empty means autodetect.
  public var ipaddr: String
  public var netmask: String
  public var network: String
  /// The interface the services bind (Howl's key); empty means all.
  public var interface: String
  public var dhcp: DHCP
  public var ports: Ports
  /// Runtime overlays only to source ports below 1024 (`warewulf.secure`).
  public var secure: Bool
  /// Rebuild stale overlays on request (`warewulf.autobuild overlays`).
  public var autobuildOverlays: Bool
  public var exports: OrderedDictionary<String, ExportEntry>
  public var nfs: NFS
  public var images: OrderedDictionary<String, ImageEntry>
  public var extra: OrderedDictionary<String, ConfValue>

  public init(comment: String = "", ipaddr: String = "", netmask: String = "", network: String = "",
              interface: String = "", dhcp: DHCP = DHCP(), ports: Ports = Ports(), secure: Bool = false,
              autobuildOverlays: Bool = true, exports: OrderedDictionary<String, ExportEntry> = [:], nfs: NFS = NFS(),
              images: OrderedDictionary<String, ImageEntry> = [:], extra: OrderedDictionary<String, ConfValue> = [:]) {
    self.comment = comment
    self.ipaddr = ipaddr
    self.netmask = netmask
    self.network = network
    self.interface = interface
    self.dhcp = dhcp
    self.ports = ports
    self.secure = secure
    self.autobuildOverlays = autobuildOverlays
    self.exports = exports
    self.nfs = nfs
    self.images = images
    self.extra = extra
  }

  /// Whether `text` is a dotted-quad IPv4 address.
  public static func isIPv4(_ text: String) -> Bool { parseIPv4(text) != nil }

  /// A dotted-quad IPv4 address as a number.
  public static func parseIPv4(_ text: String) -> UInt32? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var value: UInt32 = 0
    for part in parts {
      guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit), let byte = UInt32(part), byte <= 255
      else { return nil }
      value = value << 8 | byte
    }
    return value
  }

  /// A number as a dotted-quad IPv4 address.
  public static func formatIPv4(_ value: UInt32) -> String {
    "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
  }
}
