import Foundation

/// What every template of one build sees alike: the server's settings and
/// config sections, `.AllNodes`, the build host and time, and where
/// `Include` and `IncludeFrom` read files. Built once per build.
public final class OverlayEnvironment {
  public let server: ServerConfig
  /// Every merged node as a template object, sorted by cluster name, then id.
  public let allNodes: [NodeTemplateObject]
  public let buildHost: String
  public let buildTime: Date
  /// Where relative `Include` paths resolve (Warewulf's `<sysconfdir>/warewulf`).
  public let configDirectory: String
  /// `.Paths.Sysconfdir`: `$HOWL_ROOT/etc`.
  public let sysconfDirectory: String
  /// Where `IncludeFrom IMAGE PATH` finds an image's root (`<images>/<IMAGE>/rootfs`).
  public let imagesDirectory: String
  /// Warnings functions raised (`IncludeFrom` of a missing file), in order.
  public private(set) var warnings: [String] = []

  let serverValues: [String: TemplateValue]
  lazy var allNodesValue: TemplateValue = .list(allNodes.map { .object($0) })
  private var nodesByID: [String: NodeTemplateObject] = [:]

  public init(server: ServerConfig, nodes: [MergedNode], root: String, buildHost: String = OverlayEnvironment.hostName(),
              buildTime: Date = Date()) {
    self.server = server
    let objects = nodes.map { NodeTemplateObject(node: $0, server: server) }
    self.allNodes = objects.sorted {
      let a = $0.node.fields["cluster name"]?.stringValue ?? "", b = $1.node.fields["cluster name"]?.stringValue ?? ""
      return a != b ? a < b : $0.node.id < $1.node.id
    }
    for object in objects { nodesByID[object.node.id] = object }
    self.buildHost = buildHost
    self.buildTime = buildTime
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    self.configDirectory = base + "/etc/howl"
    self.sysconfDirectory = base + "/etc"
    self.imagesDirectory = base + "/var/lib/howl/images"
    self.serverValues = ServerTemplateSections.values(server, root: base, buildHost: buildHost, buildTime: buildTime)
  }

  /// The template object of node `id`, if the build knows it.
  public func node(_ id: String) -> NodeTemplateObject? { nodesByID[id] }

  /// Names that render for the server itself when no node has them: `host`
  /// (as `wwctl overlay show --render host`) and the build host's name.
  public func isServerName(_ id: String) -> Bool { nodesByID[id] == nil && (id == "host" || id == buildHost) }

  /// The server as Warewulf renders it for its `host` overlay (Warewulf for
  /// any name that is not a node, Howl for `isServerName`): a bare node named
  /// after the build host, in a cluster of that name, with nothing else set.
  public lazy var serverNode = NodeTemplateObject(
    node: MergedNode(id: buildHost, fields: ["cluster name": .string(buildHost)], primaryNetwork: nil, profiles: [],
                     missingProfiles: [], contributors: [:]),
    server: server)

  /// The text `Include` gives for Warewulf's own file names where Howl keeps
  /// its own: `warewulf.conf` (relative, or under `<sysconfdir>/warewulf`) is
  /// the server settings in Warewulf's schema (`ServerConfig.warewulfConfText`);
  /// `<sysconfdir>/warewulf/nodes.conf` is Howl's nodes.conf (a relative
  /// `nodes.conf` already is). Nil for any other path.
  func serverFile(_ path: String) -> String? {
    switch path {
    case configDirectory + "/warewulf.conf", sysconfDirectory + "/warewulf/warewulf.conf": return warewulfConf
    case sysconfDirectory + "/warewulf/nodes.conf":
      return FileManager.default.contents(atPath: configDirectory + "/nodes.conf").map { String(decoding: $0, as: UTF8.self) }
    default: return nil
    }
  }

  private lazy var warewulfConf = server.warewulfConfText()

  func warn(_ message: String) { warnings.append(message) }

  /// The machine's host name.
  public static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
    return String(cString: buffer)
  }
}

/// The data of one render (Warewulf's `TemplateStruct`): the node's fields,
/// `.ThisNode`, and the build-wide values of an `OverlayEnvironment`. As in
/// Warewulf, whose top-level node is a copy that loses unexported state,
/// `.NetDevs` here marks no device `Primary`; `.ThisNode.NetDevs` does.
///
/// It notes whether the template read anything of the node itself: a render
/// that did not depends only on the environment, so its output is the same
/// for every node and can be shared.
public final class OverlayTemplateData: TemplateObject {
  public let node: NodeTemplateObject
  let environment: OverlayEnvironment
  let source: String
  let overlay: String
  /// True once the template read a field of this node (or `.ThisNode`).
  public internal(set) var readNode = false
  /// True once the template read `.AllNodes`.
  public internal(set) var readAllNodes = false

  init(node: NodeTemplateObject, environment: OverlayEnvironment, source: String, overlay: String) {
    self.node = node
    self.environment = environment
    self.source = source
    self.overlay = overlay
  }

  public var templateTypeName: String { "*overlay.TemplateStruct" }
  public var templateDescription: String { "{\(node.node.id)}" }

  public func templateField(_ name: String) -> TemplateValue? {
    switch name {
    case "AllNodes":
      readAllNodes = true
      return environment.allNodesValue
    case "BuildSource": return .string(source)
    case "Overlay": return .string(overlay)
    case "ThisNode":
      readNode = true
      return .object(node)
    case "NetDevs":
      readNode = true
      return node.netDevsValue(primaryMarked: false)
    default:
      if let value = environment.serverValues[name] { return value }
      readNode = true
      return node.templateField(name)
    }
  }
}
