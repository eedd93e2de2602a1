/// The two overlay images of a node: system (boot only) and runtime (boot and refresh).
public enum OverlayKind: String, CaseIterable, Sendable {
  case system, runtime

  /// The image's file name, Warewulf's: `__SYSTEM__.img.gz`, `__RUNTIME__.img.gz`.
  public var fileName: String { "__\(rawValue.uppercased())__.img.gz" }

  /// The file of the node's own part of the image: `__SYSTEM__.node.gz`.
  var ownPartName: String { "__\(rawValue.uppercased())__.node.gz" }

  /// The nodes.conf key listing the overlays of this kind.
  var listKey: String { "\(rawValue) overlay" }
}
