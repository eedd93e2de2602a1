import Foundation

/// One file a template produced: a regular file or a symlink at an
/// overlay-relative path, with the template's mode and owner.
public struct RenderedFile: Equatable, Sendable {
  public enum Content: Equatable, Sendable {
    case bytes([UInt8])
    case symlink(target: String)
  }

  public var path: String
  public var content: Content
  public var mode: UInt32
  public var uid: UInt32
  public var gid: UInt32
  /// True for a template's output, false for a file copied as it is.
  public var rendered: Bool = true
  /// The name the template gave `file` for it (nil for the template's own file).
  public var fileName: String? = nil
}

/// The outcome of rendering one template for one node.
public struct RenderResult: Sendable {
  public var files: [RenderedFile]
  /// False when the template read nothing of the node: the same files come out for every node.
  public var nodeDependent: Bool
  /// True when the template read `.AllNodes`.
  public var readAllNodes: Bool
  /// True when the template called `abort`.
  public var aborted: Bool
  /// True when the template called `nobackup`.
  public var noBackup: Bool
}

/// Parses overlay templates (once each) and renders them for nodes,
/// applying `file`, `softlink`, `abort` and `nobackup` as Warewulf does.
public final class OverlayRenderer {
  public let environment: OverlayEnvironment
  private var parsed: [String: Template] = [:]

  /// Go built-ins, Sprig, and all of Warewulf's functions.
  static let functions: TemplateFunctionRegistry = {
    var registry = TemplateFunctionRegistry.standard
    registry.merge(WarewulfContextFunctions.registry)
    return registry
  }()

  public init(environment: OverlayEnvironment) { self.environment = environment }

  /// The parsed template at `entry.source`, named after its overlay path.
  func template(_ entry: OverlayEntry, overlay: String) throws -> Template {
    if let cached = parsed[entry.source] { return cached }
    guard let data = FileManager.default.contents(atPath: entry.source) else {
      throw OverlayError("cannot read \(entry.source)")
    }
    let template = Template(name: overlay + ":" + entry.path, functions: OverlayRenderer.functions)
    do {
      try template.parse(Array(data), as: template.name)
    } catch var error as TemplateError {
      error.prefix = "overlay \(overlay): "
      throw error
    }
    parsed[entry.source] = template
    return template
  }

  /// Renders template `entry` of overlay `overlay` for `node`.
  public func render(_ entry: OverlayEntry, overlay: String, node: NodeTemplateObject) throws -> RenderResult {
    let template = try template(entry, overlay: overlay)
    let data = OverlayTemplateData(node: node, environment: environment, source: entry.source, overlay: overlay)
    let host = RenderHost(environment: environment, data: data)
    let context = TemplateExecutionContext(host: host, errorPrefix: "overlay \(overlay), node \(node.node.id): ")
    var output: [UInt8] = []
    try template.execute(data: .object(data), context: context, into: &output)
    let effects = context.sideEffects
    if effects.contains(.abort) {
      return RenderResult(files: [], nodeDependent: data.readNode, readAllNodes: data.readAllNodes, aborted: true, noBackup: effects.contains(.noBackup))
    }
    let files = try OverlayRenderer.split(output, effects: effects, templatePath: String(entry.path.dropLast(3)),
                                          mode: entry.mode, uid: entry.uid, gid: entry.gid)
    return RenderResult(files: files, nodeDependent: data.readNode, readAllNodes: data.readAllNodes, aborted: false, noBackup: effects.contains(.noBackup))
  }

  /// Cuts a render's output into files at each `file` call and turns
  /// `softlink`ed ones into symlinks. Output before the first `file` is
  /// dropped if any `file` call happened, unless it was made a symlink.
  static func split(_ output: [UInt8], effects: [TemplateExecutionContext.SideEffect], templatePath: String,
                    mode: UInt32, uid: UInt32, gid: UInt32) throws -> [RenderedFile] {
    struct Pending { var path: String; var start: Int; var link: String?; var name: String? }
    var pieces: [(Pending, Int)] = []
    var current = Pending(path: templatePath, start: 0, link: nil, name: nil)
    // The template's directory ("" at the overlay's top; NSString's
    // deletingLastPathComponent traps on a one-component path here).
    let directory = templatePath.lastIndex(of: "/").map { String(templatePath[..<$0]) } ?? ""
    for effect in effects {
      switch effect {
      case .beginFile(let path, let offset):
        pieces.append((current, min(offset, output.count)))
        let joined = path.hasPrefix("/") ? path : (directory.isEmpty ? path : directory + "/" + path)
        current = Pending(path: try OverlayPath.normalize(joined), start: min(offset, output.count), link: nil, name: path)
      case .symlink(let target, _):
        current.link = target
      default:
        break
      }
    }
    pieces.append((current, output.count))
    let anyNamed = pieces.contains { $0.0.name != nil }
    return pieces.compactMap { piece, end in
      if anyNamed && piece.name == nil && piece.link == nil { return nil }
      let content: RenderedFile.Content = piece.link.map { .symlink(target: $0) }
        ?? .bytes(Array(output[piece.start..<max(piece.start, end)]))
      return RenderedFile(path: piece.path, content: content, mode: mode, uid: uid, gid: gid, fileName: piece.name)
    }
  }
}

/// The render host the context functions reach: where to include from,
/// and the node's Ignition storage (reading it makes the render node-dependent).
private final class RenderHost: WarewulfRenderHost {
  let environment: OverlayEnvironment
  let data: OverlayTemplateData
  init(environment: OverlayEnvironment, data: OverlayTemplateData) {
    self.environment = environment
    self.data = data
  }

  var includeDirectory: String { environment.configDirectory }
  func serverFile(_ path: String) -> String? { environment.serverFile(path) }
  func imageRoot(_ name: String) -> String { environment.imagesDirectory + "/" + name + "/rootfs" }
  func ignitionJSON() -> String {
    data.readNode = true
    return IgnitionStorage.json(disks: data.node.node.fields["disks"], filesystems: data.node.node.fields["filesystems"])
  }
  func warn(_ message: String) { environment.warn(message) }
}
