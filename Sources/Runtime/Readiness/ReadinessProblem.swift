/// Something that would stop nodes from booting, or make them boot wrong,
/// found by `ReadinessCheck` before any node tries: what is wrong, the nodes
/// it concerns, and how to fix it.
public struct ReadinessProblem: Equatable, Sendable {
  /// The kinds of problem, in the order a report lists them.
  public enum Kind: Int, Comparable, Sendable {
    case noImage, noKernel, noBootLoader, noInit, unknownOverlay, diskRootWithoutDisks, noHwaddr, imageNotBuilt, imageStale,
         imageTooBigForBIOS, addressOutsideNetwork, mountNotServed, overlaysWriteSameFile, archTagDisagrees

    public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
  }

  public var kind: Kind
  /// The nodes it concerns, in cluster order.
  public var nodes: [String]
  /// What is wrong, without the nodes: `no overlay provides /init`.
  public var what: String
  /// How to fix it, often a line to type; `{nodes}` stands for the nodes' hostlist.
  var fixTemplate: String
  /// True when a node with this problem cannot boot at all: its iPXE script
  /// says why instead of booting it into a panic.
  public var blocksBoot: Bool

  init(_ kind: Kind, nodes: [String], what: String, fix: String, blocksBoot: Bool) {
    self.kind = kind
    self.nodes = nodes
    self.what = what
    self.fixTemplate = fix
    self.blocksBoot = blocksBoot
  }

  /// The text of a check of the nodes `checked`: one line per problem, or
  /// `n[1-4]: ready to boot (4 nodes)` when there is none.
  public static func report(_ problems: [ReadinessProblem], checked: [String]) -> String {
    guard problems.isEmpty else { return problems.map(\.line).joined(separator: "\n") }
    if checked.isEmpty { return "no nodes to check" }
    return "\(Hostlist.compress(checked)): ready to boot (\(checked.count) node\(checked.count == 1 ? "" : "s"))"
  }

  /// How to fix it for `nodes`, one node or a hostlist.
  public func fix(for nodes: String) -> String { fixTemplate.replacingOccurrences(of: "{nodes}", with: nodes) }

  /// One line: `n[1-4]: no overlay provides /init; fix: profiles["default"].overlays += ["wwinit"]`.
  public var line: String { line(joining: ": ") }

  /// The nodes' hostlist (compressed once: it is slow for many thousands),
  /// `separator`, what is wrong, then the fix.
  func line(joining separator: String) -> String {
    let hostlist = Hostlist.compress(nodes)
    return "\(hostlist)\(separator)\(what); fix: \(fix(for: hostlist))"
  }
}
