import Lang

/// `tsig("NAME", "hmac-sha256", "BASE64SECRET")` or `tsig(file: PATH)`
/// (a BIND key file, as `tsig-keygen` writes it): a key for `dns.sync`.
/// It prints with its secret masked.
final class TSIGKeyValue: HostObject {
  let key: TSIGKey
  init(_ key: TSIGKey) { self.key = key }

  static func make(_ args: Arguments) throws -> Value {
    try args.expect("tsig", count: 0...3, labels: ["file"])
    do {
      if let file = args.named("file") {
        guard args.count == 0 else { throw LangError("tsig() takes a file or a name, algorithm and secret, not both") }
        return .object(TSIGKeyValue(try TSIGKey(file: try ClusterFunctions.text(file, "a key file path"))))
      }
      guard args.count == 3 else { throw LangError("tsig() takes a key name, its algorithm and its base64 secret, or file: PATH") }
      return .object(TSIGKeyValue(try TSIGKey(name: try ClusterFunctions.text(args[0], "a key name"),
                                              algorithm: try ClusterFunctions.text(args[1], "an algorithm such as hmac-sha256"),
                                              base64Secret: try ClusterFunctions.text(args[2], "a base64 secret"))))
    } catch let error as DNSZoneError { throw LangError(error.description) }
  }

  var typeName: String { "tsig key" }
  var memberNames: [String] { ["name", "algorithm"] }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "name": return .string(key.name)
    case "algorithm": return .string(key.algorithm)
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String { key.description }
  var blockDescription: String { key.description }
}
