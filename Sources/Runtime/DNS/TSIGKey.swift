import Foundation

/// A TSIG key (RFC 8945) that signs `dns.sync`'s messages: a name, the
/// algorithm (hmac-sha256) and the shared secret. The secret is never printed.
public struct TSIGKey: Equatable, Sendable, CustomStringConvertible {
  /// Lowercase, without a trailing dot.
  public var name: String
  public var algorithm: String
  public var secret: [UInt8]

  public static let algorithms = ["hmac-sha256"]

  /// - Throws: `DNSZoneError` for a bad name, an algorithm Howl does not sign with, or a secret that is not base64.
  public init(name: String, algorithm: String, base64Secret: String) throws {
    if let problem = DNSName.problem(name) { throw DNSZoneError("tsig: bad key name \"\(name)\": \(problem)") }
    let algorithm = DNSName.normalized(algorithm)
    guard TSIGKey.algorithms.contains(algorithm) else {
      throw DNSZoneError("tsig: algorithm \"\(algorithm)\" is not supported (use \(TSIGKey.algorithms.joined(separator: ", ")))")
    }
    guard let secret = Data(base64Encoded: base64Secret), !secret.isEmpty else {
      throw DNSZoneError("tsig: the secret of key \"\(name)\" is not base64")
    }
    self.name = DNSName.normalized(name)
    self.algorithm = algorithm
    self.secret = Array(secret)
  }

  /// The first key in a BIND key file (`key "NAME" { algorithm hmac-sha256; secret "BASE64"; };`,
  /// as `tsig-keygen` writes it).
  public init(file path: String) throws {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DNSZoneError("tsig: cannot read \(path)") }
    let code = text.split(separator: "\n").map { line in line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.components(separatedBy: "//")[0] } ?? "" }
    let words = code.joined(separator: " ").split(whereSeparator: { " \t\r{};".contains($0) })
      .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    func after(_ word: String) -> String? { words.firstIndex(of: word).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil } }
    guard let name = after("key"), let algorithm = after("algorithm"), let secret = after("secret") else {
      throw DNSZoneError("tsig: \(path) is not a key file (key \"NAME\" { algorithm hmac-sha256; secret \"BASE64\"; };)")
    }
    try self.init(name: name, algorithm: algorithm, base64Secret: secret)
  }

  public var description: String { "tsig(\"\(name)\", \"\(algorithm)\", \(Secrets.mask))" }
}
