import OrderedCollections

/// The head node's settings, Warewulf's warewulf.conf schema (§2) plus
/// Howl's own keys (`interface`, `dhcp.mode`, `dhcp.port`, `tftp.port`,
/// export names and images, `nfs.backend` and the ganesha paths, `images`). Keys Howl does not model are kept
/// in `extra`, top-level ones by name and unknown keys of the `warewulf`,
/// `dhcp`, `tftp`, `nfs` and `ssh` sections as maps under those names, and
/// written back after the known ones. Warewulf's settings that only the
/// template data shows are in `warewulfOnly`.
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
    /// Warewulf's `range6 start`/`range6 end` (for dnsmasq's IPv6 pool; Howl's DHCP is IPv4 only).
    public var rangeStart6: String
    public var rangeEnd6: String
    public init(enabled: Bool = true, mode: DHCPMode = .dynamic, rangeStart: String = "", rangeEnd: String = "",
                rangeStart6: String = "", rangeEnd6: String = "") {
      self.enabled = enabled
      self.mode = mode
      self.rangeStart = rangeStart
      self.rangeEnd = rangeEnd
      self.rangeStart6 = rangeStart6
      self.rangeEnd6 = rangeEnd6
    }
  }

  /// Warewulf settings Howl does not act on but shows in the template data
  /// (`.Warewulf`, `.Tftp`, `.Ssh`), nil where the file does not say (so a
  /// file reads back as it was written); the `effective…` values fill in
  /// Warewulf 4.7's defaults.
  public struct WarewulfOnly: Equatable, Sendable {
    /// `warewulf.tls`: the runtime overlay only over HTTPS (Howl serves no HTTPS).
    public var tls: Bool?
    /// `warewulf.tls port`.
    public var tlsPort: Int?
    /// `warewulf.secure files`: `/files/` only to privileged ports; unset follows `secure`.
    public var secureFiles: Bool?
    /// `warewulf.update interval`: seconds between wwclient's runtime overlay fetches.
    public var updateInterval: Int?
    /// `warewulf.host overlay`: `wwctl configure` renders the `host` overlay onto `/`.
    public var hostOverlay: Bool?
    /// `warewulf.grubboot`.
    public var grubBoot: Bool?
    /// `tftp.enabled`.
    public var tftpEnabled: Bool?
    /// `tftp.ipxe`: DHCP option 93 architecture → iPXE binary (a map given replaces the defaults).
    public var ipxeBinaries: OrderedDictionary<String, String>?
    /// `ssh.key types`: host key types, the first also for users' keys.
    public var sshKeyTypes: [String]?

    public static let defaultTLSPort = 9874
    public static let defaultUpdateInterval = 60
    public static let defaultIpxeBinaries: OrderedDictionary<String, String> = [
      "00:09": "ipxe-snponly-x86_64.efi", "00:00": "undionly.kpxe", "00:0B": "arm64-efi/snponly.efi",
      "00:07": "ipxe-snponly-x86_64.efi",
    ]
    public static let defaultSSHKeyTypes = ["ed25519", "ecdsa", "rsa"]

    public init(tls: Bool? = nil, tlsPort: Int? = nil, secureFiles: Bool? = nil, updateInterval: Int? = nil,
                hostOverlay: Bool? = nil, grubBoot: Bool? = nil, tftpEnabled: Bool? = nil,
                ipxeBinaries: OrderedDictionary<String, String>? = nil, sshKeyTypes: [String]? = nil) {
      self.tls = tls
      self.tlsPort = tlsPort
      self.secureFiles = secureFiles
      self.updateInterval = updateInterval
      self.hostOverlay = hostOverlay
      self.grubBoot = grubBoot
      self.tftpEnabled = tftpEnabled
      self.ipxeBinaries = ipxeBinaries
      self.sshKeyTypes = sshKeyTypes
    }

    public var effectiveTLSPort: Int { tlsPort ?? WarewulfOnly.defaultTLSPort }
    public var effectiveUpdateInterval: Int { updateInterval ?? WarewulfOnly.defaultUpdateInterval }
    public var effectiveIpxeBinaries: OrderedDictionary<String, String> {
      ipxeBinaries.flatMap { $0.isEmpty ? nil : $0 } ?? WarewulfOnly.defaultIpxeBinaries
    }
    public var effectiveSSHKeyTypes: [String] { sshKeyTypes ?? WarewulfOnly.defaultSSHKeyTypes }
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
  /// The server's IPv6 address and prefix length (`ipaddr6`, `prefixlen6`), "" when unset;
  /// a CIDR `ipaddr6` fills both. Only the template data uses them.
  public var ipaddr6: String
  public var prefixLen6: String
  /// The interface the services bind (Howl's key); empty means all.
  public var interface: String
  public var dhcp: DHCP
  public var ports: Ports
  /// Runtime overlays only to source ports below 1024 (`warewulf.secure`).
  /// A fresh cluster is not secure (as Warewulf's packaged warewulf.conf);
  /// a file that does not say is (Warewulf's default).
  public var secure: Bool
  /// Rebuild stale overlays on request (`warewulf.autobuild overlays`).
  public var autobuildOverlays: Bool
  public var exports: OrderedDictionary<String, ExportEntry>
  public var nfs: NFS
  public var images: OrderedDictionary<String, ImageEntry>
  public var warewulfOnly: WarewulfOnly
  /// `server.dns` and `dns.add` hosts (Howl's `dns:` section).
  public var dns = DNSSettings()
  public var extra: OrderedDictionary<String, ConfValue>

  public init(comment: String = "", ipaddr: String = "", netmask: String = "", network: String = "",
              ipaddr6: String = "", prefixLen6: String = "",
              interface: String = "", dhcp: DHCP = DHCP(), ports: Ports = Ports(), secure: Bool = false,
              autobuildOverlays: Bool = true, exports: OrderedDictionary<String, ExportEntry> = [:], nfs: NFS = NFS(),
              images: OrderedDictionary<String, ImageEntry> = [:], warewulfOnly: WarewulfOnly = WarewulfOnly(),
              extra: OrderedDictionary<String, ConfValue> = [:]) {
    self.comment = comment
    self.ipaddr = ipaddr
    self.netmask = netmask
    self.network = network
    self.ipaddr6 = ipaddr6
    self.prefixLen6 = prefixLen6
    self.interface = interface
    self.dhcp = dhcp
    self.ports = ports
    self.secure = secure
    self.autobuildOverlays = autobuildOverlays
    self.exports = exports
    self.nfs = nfs
    self.images = images
    self.warewulfOnly = warewulfOnly
    self.extra = extra
  }

  /// Whether `text` is a dotted-quad IPv4 address.
  public static func isIPv4(_ text: String) -> Bool { parseIPv4(text) != nil }

  /// A dotted-quad IPv4 address as a number.
  public static func parseIPv4(_ text: String) -> UInt32? {
    // Over the UTF-8 bytes: a zone's records parse thousands of addresses.
    var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "."):
        guard digits > 0, dots < 3 else { return nil }
        value = value << 8 | octet
        (octet, digits, dots) = (0, 0, dots + 1)
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
        digits += 1
        guard digits <= 3, octet <= 255 else { return nil }
      default:
        return nil
      }
    }
    guard dots == 3, digits > 0 else { return nil }
    return value << 8 | octet
  }

  /// A number as a dotted-quad IPv4 address.
  public static func formatIPv4(_ value: UInt32) -> String {
    "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
  }
}
