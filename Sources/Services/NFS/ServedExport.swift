import Runtime

/// One export as an NFS server's configuration needs it: checked options
/// and the export's stable id.
struct ServedExport: Equatable {
  var name: String
  var path: String
  var id: Int
  /// The options as the sysadmin wrote them (for the kernel and comments).
  var optionText: String
  var options: ExportOptions
  var image: String?

  /// `rocky-8-opt (image rocky-8): rw,sync,no_root_squash`, for comments.
  var label: String { name + (image.map { " (image \($0))" } ?? "") + ": " + optionText }
}

/// Where the NFS server listens and which clients it serves: the cluster
/// network when the server address and netmask are known, else everyone.
public struct NFSNetwork: Equatable, Sendable {
  /// ganesha's `Bind_addr`; nil binds every address.
  public var address: IPv4?
  /// `10.0.0.0/24`; nil serves any client.
  public var clients: String?

  public init(address: IPv4?, netmask: IPv4?) {
    self.address = address
    guard let address, let netmask, netmask.value.leadingZeroBitCount == 0 else { return }
    clients = "\(IPv4(address.value & netmask.value))/\((~netmask.value).leadingZeroBitCount)"
  }
}
