import Foundation

extension ServerConfig.ImageEntry {
  /// The registry key where an import or a build records the architecture.
  public static let architectureKey = "arch"

  /// The architecture an import or a build recorded, if any.
  public var architecture: Architecture? {
    extra[Self.architectureKey]?.stringValue.flatMap(Architecture.init(name:))
  }
}

extension ClusterState {
  /// An image's architecture: what its import or last build recorded in
  /// the registry, else its build record's, else that of its tree's
  /// `/bin/sh`. Nil for an unknown image or a tree that does not tell.
  public func architecture(ofImage name: String, stateDirectory: String) -> Architecture? {
    guard let entry = server.images[name] else { return nil }
    if let recorded = entry.architecture { return recorded }
    let paths = ImagePaths(name: name, stateDirectory: stateDirectory)
    return BuildRecord.read(paths.buildRecord)?.arch.flatMap(Architecture.init(name:)) ?? Architecture.ofRoot(paths.rootfs)
  }

  /// A node's architecture: its image's (nil without one).
  public func architecture(ofNode id: String, stateDirectory: String) -> Architecture? {
    guard let image = (try? cluster.merged(id, sources: false))?.value(at: FieldPath("image name"))?.stringValue else { return nil }
    return architecture(ofImage: image, stateDirectory: stateDirectory)
  }
}
