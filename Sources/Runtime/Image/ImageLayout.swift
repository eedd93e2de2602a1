import Foundation

/// The layers of an image found in an unpacked image directory, in order,
/// each as a file and the digest it must have (verified before use).
struct LayerList {
  /// One layer file and the digest it must have.
  struct Layer {
    var file: String
    /// `sha256:…` of the file as stored (OCI), or of the uncompressed tar
    /// (a docker-archive's `diff_ids`, checked only on uncompressed layers).
    var digest: String
    var digestOfUncompressed: Bool
  }

  var layers: [Layer]
  /// What the image config says (`architecture`), if it names one Howl knows.
  var architecture: Architecture?

  /// An OCI image layout (`oci-layout`, `index.json`, `blobs/`); `tag`
  /// picks a manifest by its `org.opencontainers.image.ref.name`, and
  /// `platform` one of a multi-architecture index (this host's if nil).
  static func ociLayout(_ directory: String, tag: String?, platform: Platform? = nil) throws -> LayerList {
    guard FileManager.default.fileExists(atPath: directory + "/index.json") else {
      throw ImageError("\(directory) is not an OCI image layout (no index.json)")
    }
    let index = try json(directory + "/index.json", "the OCI index")
    var manifests = index["manifests"] as? [[String: Any]] ?? []
    if let tag {
      manifests = manifests.filter { ($0["annotations"] as? [String: Any])?["org.opencontainers.image.ref.name"] as? String == tag }
      guard !manifests.isEmpty else { throw ImageError("the OCI layout \(directory) has no image tagged '\(tag)'") }
    }
    var descriptor = try pick(manifests, in: directory, platform: platform)
    // An index inside the index (a multi-architecture image): resolve it.
    var depth = 0
    while (descriptor["mediaType"] as? String)?.contains("index") == true
            || (descriptor["mediaType"] as? String)?.contains("manifest.list") == true {
      depth += 1
      guard depth < 4 else { throw ImageError("the OCI layout \(directory) nests indexes too deeply") }
      let nested = try json(try blob(descriptor, in: directory), "an image index")
      descriptor = try pick(nested["manifests"] as? [[String: Any]] ?? [], in: directory, platform: platform)
    }
    let manifest = try json(try blob(descriptor, in: directory), "the image manifest")
    guard let layers = manifest["layers"] as? [[String: Any]] else { throw ImageError("the image manifest lists no layers") }
    var architecture: Architecture?
    if let config = manifest["config"] as? [String: Any], let file = try? blob(config, in: directory),
       let name = (try? json(file, "the image config"))?["architecture"] as? String {
      architecture = Architecture(name: name)
    }
    return LayerList(layers: try layers.map { layer in
      guard let digest = layer["digest"] as? String else { throw ImageError("a layer in the manifest has no digest") }
      return Layer(file: try blob(layer, in: directory, verify: false), digest: digest, digestOfUncompressed: false)
    }, architecture: architecture)
  }

  /// What `docker save` / `podman save` write: `manifest.json` naming the
  /// config and the layer files (or, in newer Docker, an OCI layout).
  static func dockerArchive(_ directory: String, platform: Platform? = nil) throws -> LayerList {
    guard let data = FileManager.default.contents(atPath: directory + "/manifest.json") else {
      if FileManager.default.fileExists(atPath: directory + "/index.json") { return try ociLayout(directory, tag: nil, platform: platform) }
      throw ImageError("not a docker archive: it has no manifest.json")
    }
    guard let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]], let first = list.first else {
      throw ImageError("the docker archive's manifest.json is not valid")
    }
    guard list.count == 1 else { throw ImageError("the docker archive holds \(list.count) images; import one at a time") }
    guard let files = first["Layers"] as? [String], let configName = first["Config"] as? String else {
      throw ImageError("the docker archive's manifest.json names no config or layers")
    }
    let config = try json(try inside(directory, configName), "the image config")
    let diffIDs = (config["rootfs"] as? [String: Any])?["diff_ids"] as? [String] ?? []
    guard diffIDs.count == files.count else {
      throw ImageError("the docker archive lists \(files.count) layers but its config \(diffIDs.count)")
    }
    return LayerList(layers: try zip(files, diffIDs).map { file, digest in
      Layer(file: try inside(directory, file), digest: digest, digestOfUncompressed: true)
    }, architecture: (config["architecture"] as? String).flatMap(Architecture.init(name:)))
  }

  /// Checks every layer is present with the digest it should have.
  func verify() throws {
    for layer in layers {
      guard FileManager.default.fileExists(atPath: layer.file) else {
        throw ImageError("layer \(layer.digest) is missing from the image")
      }
      guard layer.digest.hasPrefix("sha256:") else { throw ImageError("layer digest \(layer.digest) is not sha256") }
      if layer.digestOfUncompressed && Self.isCompressed(layer.file) { continue }
      let actual = "sha256:" + (try SHA256.file(layer.file))
      guard actual == layer.digest else {
        throw ImageError("layer \(layer.digest) does not match its digest (the file hashes to \(actual)): the archive is corrupt")
      }
    }
  }

  private static func isCompressed(_ file: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: file) else { return false }
    defer { try? handle.close() }
    let magic = [UInt8](handle.readData(ofLength: 4))
    return magic.starts(with: [0x1f, 0x8b]) || magic.starts(with: [0x28, 0xb5, 0x2f, 0xfd])
  }

  /// The manifest for `platform` (this host's if nil) among an index's
  /// entries; a lone entry is taken as it is unless a platform is asked
  /// for (the importer then checks the config's architecture).
  private static func pick(_ manifests: [[String: Any]], in directory: String, platform: Platform?) throws -> [String: Any] {
    guard !manifests.isEmpty else { throw ImageError("the OCI layout \(directory) holds no image") }
    if manifests.count == 1 && (platform == nil || manifests[0]["platform"] == nil) { return manifests[0] }
    return try choose(manifests, platform: platform, in: "the OCI layout \(directory)")
  }

  /// The entry of an index for `platform` (this host's if nil), or an
  /// error listing the platforms the index has.
  static func choose(_ manifests: [[String: Any]], platform: Platform?, in what: String) throws -> [String: Any] {
    let wanted = platform ?? .host
    if let match = manifests.first(where: { wanted.matches($0["platform"] as? [String: Any]) }) { return match }
    let offered = manifests.map { Platform.describe($0["platform"] as? [String: Any]) }
    throw ImageError("\(what) has no image for \(wanted) (it has \(offered.joined(separator: ", ")))")
  }

  /// The file of a blob a descriptor names (`blobs/sha256/<hex>`), verified.
  private static func blob(_ descriptor: [String: Any], in directory: String, verify: Bool = true) throws -> String {
    guard let digest = descriptor["digest"] as? String else { throw ImageError("a descriptor in the OCI layout has no digest") }
    let parts = digest.split(separator: ":", maxSplits: 1)
    guard parts.count == 2, parts[0] == "sha256", parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else {
      throw ImageError("unsupported digest \(digest)")
    }
    let file = directory + "/blobs/sha256/" + parts[1]
    guard FileManager.default.fileExists(atPath: file) else { throw ImageError("blob \(digest) is missing from the image") }
    if verify, try SHA256.file(file) != parts[1] {
      throw ImageError("blob \(digest) does not match its digest: the image is corrupt")
    }
    return file
  }

  /// A file named inside the unpacked archive, refusing names that leave it.
  private static func inside(_ directory: String, _ name: String) throws -> String {
    directory + "/" + (try LayerApplier.confined(name, in: "manifest.json"))
  }

  private static func json(_ path: String, _ what: String) throws -> [String: Any] {
    guard let data = FileManager.default.contents(atPath: path) else { throw ImageError("\(what) is missing (\(path))") }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw ImageError("\(what) is not valid JSON (\(path))")
    }
    return object
  }
}
