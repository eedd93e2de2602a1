import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An image reference in a registry: `docker://REGISTRY/REPO:TAG` or
/// `…/REPO@sha256:…`. A first component without a dot, a colon or
/// `localhost` is a Docker Hub repository (`rockylinux` → `library/rockylinux`).
public struct RegistryReference: Equatable, Sendable {
  public var registry: String
  public var repository: String
  /// A tag or a `sha256:` digest.
  public var reference: String

  public init(registry: String, repository: String, reference: String) {
    self.registry = registry
    self.repository = repository
    self.reference = reference
  }

  public init(_ text: String) throws {
    var rest = text.hasPrefix("docker://") ? String(text.dropFirst("docker://".count)) : text
    var registry = "registry-1.docker.io"
    if let slash = rest.firstIndex(of: "/") {
      let first = String(rest[..<slash])
      if first.contains(".") || first.contains(":") || first == "localhost" {
        registry = first == "docker.io" ? "registry-1.docker.io" : first
        rest = String(rest[rest.index(after: slash)...])
      }
    }
    var reference = "latest"
    if let at = rest.firstIndex(of: "@") {
      reference = String(rest[rest.index(after: at)...])
      rest = String(rest[..<at])
    } else if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
      reference = String(rest[rest.index(after: colon)...])
      rest = String(rest[..<colon])
    }
    if registry == "registry-1.docker.io" && !rest.contains("/") { rest = "library/" + rest }
    guard !rest.isEmpty, !reference.isEmpty,
          rest.split(separator: "/").allSatisfy({ !$0.isEmpty && $0 != ".." && $0 != "." }) else {
      throw ImageError("not a registry image reference: \(text) (expected docker://REGISTRY/REPO:TAG)")
    }
    self.registry = registry
    repository = rest
    self.reference = reference
  }

  /// Plain HTTP only for a registry on this machine, as Docker allows.
  var scheme: String {
    let host = registry.split(separator: ":").first.map(String.init) ?? registry
    return ["localhost", "127.0.0.1", "[::1]"].contains(host) || registry.hasPrefix("[::1]") ? "http" : "https"
  }
}

/// Pulls an image through the OCI distribution API into an OCI image
/// layout (`index.json`, `blobs/sha256/…`) that `LayerList` then reads:
/// bearer-token or basic authentication on a 401 challenge (credentials
/// from `HOWL_REGISTRY_USERNAME` / `HOWL_REGISTRY_PASSWORD`), manifest
/// lists resolved to this host's architecture, every manifest and blob
/// verified against its sha256 digest while it downloads.
struct RegistryClient {
  let image: RegistryReference
  let session = URLSession(configuration: .ephemeral)
  private var authorization: String?

  init(_ image: RegistryReference) { self.image = image }

  static let manifestTypes = [
    "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json",
  ]

  /// Writes the image as an OCI layout in `directory`. (Blobs are held in
  /// memory while they are checked, so a layer needs as much free memory.)
  /// `platform` picks the manifest of a multi-architecture index (this host's if nil).
  mutating func pull(into directory: String, platform: Platform?, progress: Progress?) throws {
    let blobs = directory + "/blobs/sha256"
    try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
    var (manifest, digest, mediaType, body) = try fetchManifest(image.reference)
    if let list = manifest["manifests"] as? [[String: Any]] {
      let chosen = try LayerList.choose(list, platform: platform, in: "\(image.repository):\(image.reference)")
      guard let chosenDigest = chosen["digest"] as? String else { throw ImageError("an entry of the index has no digest") }
      (manifest, digest, mediaType, body) = try fetchManifest(chosenDigest)
    }
    guard let config = manifest["config"] as? [String: Any], let layers = manifest["layers"] as? [[String: Any]] else {
      throw ImageError("the manifest of \(image.repository):\(image.reference) names no config or layers")
    }
    let descriptors = [config] + layers
    let total = layers.reduce(Int64(0)) { $0 + (($1["size"] as? Int).map(Int64.init) ?? 0) }
    progress?.start("pull \(image.repository):\(image.reference)", total: total)
    var done: Int64 = 0
    for descriptor in descriptors {
      guard let blobDigest = descriptor["digest"] as? String else { throw ImageError("a descriptor in the manifest has no digest") }
      let hex = try Self.sha256Hex(blobDigest)
      try download(blobDigest, to: blobs + "/" + hex)
      done += (descriptor["size"] as? Int).map(Int64.init) ?? 0
      progress?.advance(to: done)
    }
    progress?.end("\(layers.count) layer\(layers.count == 1 ? "" : "s")")
    try body.write(to: URL(fileURLWithPath: blobs + "/" + (try Self.sha256Hex(digest))))
    let index: [String: Any] = ["schemaVersion": 2, "manifests": [["mediaType": mediaType, "digest": digest, "size": body.count]]]
    try JSONSerialization.data(withJSONObject: index).write(to: URL(fileURLWithPath: directory + "/index.json"))
  }

  /// A manifest by tag or digest, checked against its digest: the parsed
  /// manifest, its digest, its media type and its bytes.
  private mutating func fetchManifest(_ reference: String) throws -> ([String: Any], String, String, Data) {
    var request = URLRequest(url: try url("manifests/" + reference))
    request.setValue(Self.manifestTypes.joined(separator: ", "), forHTTPHeaderField: "Accept")
    let (data, response) = try send(request)
    var hash = SHA256()
    hash.update([UInt8](data))
    let digest = "sha256:" + hash.hexDigest()
    if reference.hasPrefix("sha256:") && reference != digest {
      throw ImageError("manifest \(reference) of \(image.repository) does not match its digest (got \(digest))")
    }
    if let header = response.value(forHTTPHeaderField: "Docker-Content-Digest"), header.hasPrefix("sha256:"), header != digest {
      throw ImageError("manifest of \(image.repository):\(reference) does not match the digest the registry sent")
    }
    guard let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw ImageError("the manifest of \(image.repository):\(reference) is not valid JSON")
    }
    let mediaType = manifest["mediaType"] as? String ?? response.value(forHTTPHeaderField: "Content-Type") ?? Self.manifestTypes[1]
    return (manifest, digest, mediaType, data)
  }

  /// Downloads a blob to `file`, refusing it unless its sha256 matches.
  private mutating func download(_ digest: String, to file: String) throws {
    let (data, _) = try send(URLRequest(url: try url("blobs/" + digest)))
    var hash = SHA256()
    hash.update([UInt8](data))
    guard "sha256:" + hash.hexDigest() == digest else {
      throw ImageError("blob \(digest) of \(image.repository) does not match its digest: the download is corrupt")
    }
    try data.write(to: URL(fileURLWithPath: file))
  }

  private func url(_ path: String) throws -> URL {
    guard let url = URL(string: "\(image.scheme)://\(image.registry)/v2/\(image.repository)/\(path)") else {
      throw ImageError("cannot make a URL for \(image.registry)/\(image.repository)")
    }
    return url
  }

  /// Sends a request, answering one authentication challenge.
  private mutating func send(_ original: URLRequest) throws -> (Data, HTTPURLResponse) {
    var request = original
    if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
    var (data, response) = try perform(request)
    if response.statusCode == 401, let challenge = response.value(forHTTPHeaderField: "WWW-Authenticate") {
      authorization = try authenticate(challenge)
      request.setValue(authorization, forHTTPHeaderField: "Authorization")
      (data, response) = try perform(request)
    }
    guard (200..<300).contains(response.statusCode) else {
      let what = original.url?.path ?? "?"
      throw ImageError("\(image.registry) answered \(response.statusCode) for \(what)")
    }
    return (data, response)
  }

  /// The `Authorization` value for a `Bearer realm=…,service=…,scope=…` or `Basic` challenge.
  private func authenticate(_ challenge: String) throws -> String {
    let environment = ProcessInfo.processInfo.environment
    let basic = environment["HOWL_REGISTRY_USERNAME"].map { user in
      "Basic " + Data("\(user):\(environment["HOWL_REGISTRY_PASSWORD"] ?? "")".utf8).base64EncodedString()
    }
    if challenge.lowercased().hasPrefix("basic") {
      guard let basic else { throw ImageError("\(image.registry) wants a user name and password (HOWL_REGISTRY_USERNAME, HOWL_REGISTRY_PASSWORD)") }
      return basic
    }
    guard challenge.lowercased().hasPrefix("bearer") else { throw ImageError("\(image.registry) asks for unsupported authentication: \(challenge)") }
    var parameters: [String: String] = [:]
    let pattern = try NSRegularExpression(pattern: #"(\w+)="([^"]*)""#)
    for match in pattern.matches(in: challenge, range: NSRange(challenge.startIndex..., in: challenge)) {
      if let key = Range(match.range(at: 1), in: challenge), let value = Range(match.range(at: 2), in: challenge) {
        parameters[String(challenge[key])] = String(challenge[value])
      }
    }
    guard let realm = parameters["realm"], var components = URLComponents(string: realm) else {
      throw ImageError("\(image.registry) sent a token challenge without a realm")
    }
    components.queryItems = [("service", parameters["service"]), ("scope", parameters["scope"] ?? "repository:\(image.repository):pull")]
      .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
    guard let tokenURL = components.url else { throw ImageError("bad token realm \(realm)") }
    var request = URLRequest(url: tokenURL)
    if let basic { request.setValue(basic, forHTTPHeaderField: "Authorization") }
    let (data, response) = try perform(request)
    guard response.statusCode == 200, let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let token = body["token"] as? String ?? body["access_token"] as? String else {
      throw ImageError("cannot get a token from \(realm) (status \(response.statusCode))")
    }
    return "Bearer " + token
  }

  /// The answer to one request, handed from URLSession's queue to the
  /// waiting thread (the semaphore orders the write before the read).
  private final class Answer: @unchecked Sendable {
    var result: Result<(Data, HTTPURLResponse), Error> = .failure(ImageError("no answer"))
  }

  private func perform(_ request: URLRequest) throws -> (Data, HTTPURLResponse) {
    let done = DispatchSemaphore(value: 0)
    let answer = Answer()
    let task = session.dataTask(with: request) { data, response, error in
      if let error {
        answer.result = .failure(ImageError("cannot reach \(request.url?.host ?? "the registry"): \(error.localizedDescription)"))
      } else if let response = response as? HTTPURLResponse {
        answer.result = .success((data ?? Data(), response))
      }
      done.signal()
    }
    task.resume()
    done.wait()
    return try answer.result.get()
  }

  private static func sha256Hex(_ digest: String) throws -> String {
    let parts = digest.split(separator: ":", maxSplits: 1)
    guard parts.count == 2, parts[0] == "sha256", parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else {
      throw ImageError("unsupported digest \(digest)")
    }
    return String(parts[1])
  }
}
