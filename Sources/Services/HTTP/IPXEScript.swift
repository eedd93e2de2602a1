import Foundation
import Runtime

/// Renders a node's iPXE script from its `ipxe template` (default
/// `default`), looked up as `<name>.ipxe` in the template directories in
/// order (the site's `etc/howl/ipxe`, then the standard library's), with
/// Warewulf's template data (§5.3) and Howl's `.ImageCompress`: the
/// `compress=` value that fetches the node's image as built (`gz`, `zstd`),
/// and `.RootSpec`: the root for two-stage boot's stage one.
public struct IPXEScript: Sendable {
  public var directories: [String]

  public init(directories: [String]) { self.directories = directories }

  /// Why a script could not be rendered.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  public func render(node: MergedNode?, mac: MACAddress, settings: ServeSettings, kernelVersion: String?,
                     imageCompression: ImageCompression = .gzip) throws -> String {
    let name = node.map { $0.value(at: FieldPath("ipxe template"))?.stringValue ?? "default" } ?? "unconfigured"
    guard !name.contains("/"), let text = load(name.isEmpty ? "default" : name) else {
      throw Failure(description: "no iPXE template '\(name)' in \(directories.joined(separator: ", "))")
    }
    let template = try Template(name: name).parse(text)
    let values = data(node: node, mac: mac, settings: settings, kernelVersion: kernelVersion, imageCompression: imageCompression)
    return try template.render(.map(TemplateMap(values)))
  }

  /// The script of a node that cannot boot (`unbootable.ipxe`): `.Problems`
  /// holds the reasons, printed on the node's console instead of booting it.
  public func renderUnbootable(node: MergedNode, mac: MACAddress, reasons: [String], settings: ServeSettings) throws -> String {
    guard let text = load("unbootable") else {
      throw Failure(description: "no iPXE template 'unbootable' in \(directories.joined(separator: ", "))")
    }
    var values = data(node: node, mac: mac, settings: settings, kernelVersion: nil, imageCompression: .gzip)
    values["Problems"] = .list(reasons.map { .string($0) })
    return try Template(name: "unbootable").parse(text).render(.map(TemplateMap(values)))
  }

  /// GRUB's configuration for a node (arm64 nodes boot GRUB, not iPXE):
  /// `grub.cfg.ww` from the same directories, with the same data, `.Secure`
  /// (GRUB cannot use a privileged port, so no runtime overlay then) and
  /// `.Problems` (why the node cannot boot; empty when it can).
  public func renderGrub(node: MergedNode, mac: MACAddress, settings: ServeSettings, kernelVersion: String?,
                         imageCompression: ImageCompression, problems: [String]) throws -> String {
    guard let text = load("grub", suffix: ".cfg.ww") else {
      throw Failure(description: "no GRUB template 'grub.cfg.ww' in \(directories.joined(separator: ", "))")
    }
    var values = data(node: node, mac: mac, settings: settings, kernelVersion: kernelVersion, imageCompression: imageCompression)
    values["Secure"] = .bool(settings.secure)
    values["Problems"] = .list(problems.map { .string($0) })
    return try Template(name: "grub.cfg").parse(text).render(.map(TemplateMap(values)))
  }

  private func load(_ name: String, suffix: String = ".ipxe") -> String? {
    for directory in directories {
      if let text = try? String(contentsOfFile: directory + "/" + name + suffix, encoding: .utf8) { return text }
    }
    return nil
  }

  /// Warewulf's `templateVars` for iPXE templates, and `ImageCompress`.
  func data(node: MergedNode?, mac: MACAddress, settings: ServeSettings, kernelVersion: String?,
            imageCompression: ImageCompression) -> [String: TemplateValue] {
    let string = { (path: FieldPath) -> TemplateValue in .string(node?.value(at: path)?.stringValue ?? "") }
    let args = node?.value(at: FieldPath("kernel", "args"))?.listValue ?? node?.value(at: FieldPath("kernel args"))?.listValue ?? []
    var netdevs: [String: TemplateValue] = [:]
    for (netname, device) in node?.value(at: FieldPath("network devices"))?.mapValue ?? [:] {
      var fields: [String: TemplateValue] = [:]
      for (key, value) in device.mapValue ?? [:] {
        fields[IPXEScript.goName(key)] = .string(value.stringValue ?? "")
      }
      netdevs[netname] = .map(TemplateMap(fields))
    }
    var tags: [String: TemplateValue] = [:]
    for (key, value) in node?.value(at: FieldPath("tags"))?.mapValue ?? [:] { tags[key] = .string(value.stringValue ?? "") }
    return [
      "Id": .string(node?.id ?? ""), "Hostname": .string(node?.id ?? ""), "Fqdn": .string(node?.id ?? ""),
      "Cluster": string(FieldPath("cluster name")),
      "ImageName": string(FieldPath("image name")),
      "ImageCompress": .string(imageCompression.urlValue),
      "Ipxe": .string(node?.value(at: FieldPath("ipxe template"))?.stringValue ?? "default"),
      "Hwaddr": .string(mac.description),
      "Ipaddr": .string(settings.address.description), "Ipaddr6": .string(""),
      "Port": .string(String(settings.httpPort)),
      "Authority": .string("\(settings.address):\(settings.httpPort)"),
      "KernelArgs": .string(args.joined(separator: " ")),
      "KernelVersion": .string(kernelVersion ?? ""),
      "Root": string(FieldPath("root")),
      "RootSpec": .string(node.map { node in IPXEScript.rootSpec(RootLayout.read { node.value(at: $0) }) } ?? "tmpfs"),
      "TLS": .bool(false),
      "Tags": .map(TemplateMap(tags)),
      "NetDevs": .map(TemplateMap(netdevs)),
    ]
  }

  /// Stage one's `howl.root=`: `tmpfs` (also for an initramfs root, which
  /// a two-stage node cannot have), `xfs:/dev/nvme0n1`, `ext4:DISK`, or
  /// `device:DEV` (which stage one refuses with a message).
  static func rootSpec(_ layout: RootLayout) -> String {
    switch layout.kind {
    case .initramfs, .tmpfs: return "tmpfs"
    case .xfs, .ext4: return layout.kind.rawValue + ":" + (layout.device ?? "")
    case .device: return "device:" + (layout.device ?? "")
    }
  }

  /// `ipaddr6` → `Ipaddr6`, `hwaddr` → `Hwaddr`: Go's exported field names.
  static func goName(_ key: String) -> String {
    key.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
  }
}
