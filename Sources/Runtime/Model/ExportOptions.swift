import Foundation

/// An export's options as `exports(5)` writes them (`rw,sync,no_root_squash`),
/// checked and parsed into what an NFS server needs to know. Options that
/// only tune the kernel's nfsd (`sync`, `no_subtree_check`, `wdelay`, …)
/// are accepted and kept in `kernelOnly`; any other word is an error.
public struct ExportOptions: Equatable, Sendable {
  public enum Access: String, Sendable { case readWrite = "rw", readOnly = "ro" }
  public enum Squash: String, Sendable { case root = "root_squash", none = "no_root_squash", all = "all_squash" }

  /// `ro` unless `rw` is given, as in exports(5).
  public var access: Access = .readOnly
  /// `root_squash` unless another is given, as in exports(5).
  public var squash: Squash = .root
  public var anonUID: Int?
  public var anonGID: Int?
  /// `secure` (the default): clients must use a source port below 1024.
  public var securePort = true
  /// `sec=sys:krb5`: the security flavours, in order; empty means `sys`.
  public var security: [String] = []
  /// Options the kernel's nfsd understands and nfs-ganesha has no use for.
  public var kernelOnly: [String] = []

  /// Every option word this parser knows (for suggestions).
  public static var knownWords: [String] {
    ["rw", "ro", "root_squash", "no_root_squash", "all_squash", "secure", "insecure", "anonuid", "anongid", "sec", "fsid"]
      + kernelWords.sorted()
  }

  /// The words that tune the kernel's nfsd only.
  static let kernelWords: Set<String> = [
    "sync", "async", "wdelay", "no_wdelay", "subtree_check", "no_subtree_check", "hide", "nohide",
    "crossmnt", "nocrossmnt", "secure_locks", "insecure_locks", "auth_nlm", "no_auth_nlm", "no_all_squash",
    "acl", "no_acl", "pnfs", "no_pnfs",
  ]
  static let flavours: Set<String> = ["sys", "krb5", "krb5i", "krb5p"]

  /// An error in an export's options, worded for the sysadmin.
  public struct Problem: Error, CustomStringConvertible {
    public var description: String
    /// The unknown word, when that is the problem.
    public var unknown: String?
    init(description: String, unknown: String? = nil) {
      self.description = description
      self.unknown = unknown
    }
  }

  /// Parses `text`; throws `Problem` for an unknown option, a bad value,
  /// or two options that contradict each other (`rw,ro`).
  public init(_ text: String) throws {
    var seen: [String: String] = [:]
    func once(_ group: String, _ word: String) throws {
      if let earlier = seen[group], earlier != word {
        throw Problem(description: "export options '\(earlier)' and '\(word)' contradict each other")
      }
      seen[group] = word
    }
    for raw in text.split(separator: ",", omittingEmptySubsequences: true) {
      let word = raw.trimmingCharacters(in: .whitespaces)
      let (key, value) = ExportOptions.split(word)
      switch key {
      case "rw", "ro":
        try once("access", key)
        access = key == "rw" ? .readWrite : .readOnly
      case "root_squash", "no_root_squash", "all_squash":
        try once("squash", key)
        squash = Squash(rawValue: key)!
      case "secure", "insecure":
        try once("secure", key)
        securePort = key == "secure"
      case "anonuid", "anongid":
        guard let value, let id = Int(value), id >= 0 else { throw Problem(description: "export option '\(word)' needs a number: \(key)=65534") }
        if key == "anonuid" { anonUID = id } else { anonGID = id }
      case "sec":
        let list = (value ?? "").split(separator: ":").map(String.init)
        guard !list.isEmpty, list.allSatisfy(ExportOptions.flavours.contains) else {
          throw Problem(description: "export option '\(word)' takes flavours among \(ExportOptions.flavours.sorted().joined(separator: ", ")), such as sec=sys")
        }
        security = list
      case "fsid", "mountpoint", "mp", "refer", "replicas":
        kernelOnly.append(word)
      default:
        guard ExportOptions.kernelWords.contains(word) else {
          throw Problem(description: "unknown export option '\(word)'", unknown: word)
        }
        kernelOnly.append(word)
      }
    }
  }

  private static func split(_ word: String) -> (String, String?) {
    guard let eq = word.firstIndex(of: "=") else { return (word, nil) }
    return (String(word[..<eq]), String(word[word.index(after: eq)...]))
  }
}
