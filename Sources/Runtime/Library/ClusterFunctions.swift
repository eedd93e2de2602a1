import Lang

/// Helpers shared by the cluster bindings.
enum ClusterFunctions {
  static func text(_ v: Value, _ what: String) throws -> String {
    guard case .string(let s) = v else { throw LangError("\(what) must be a string, not \(v.typeName)") }
    return s
  }

  static func expand(_ pattern: String) throws -> [String] {
    do { return try Hostlist.expand(pattern) } catch let e as LangError { throw e } catch {
      throw LangError("bad hostlist \(Value.quote(pattern)): \(error)")
    }
  }

  /// Names from a hostlist string or a list of names.
  static func names(_ v: Value) throws -> [String] {
    switch v {
    case .string(let s): return try expand(s)
    case .list(let l): return try l.items.flatMap { try names($0) }
    case .object(let e as EntityRef): return [e.id]
    case .object(let set as NodeSet): return try set.ids()
    default: throw LangError("expected node names (a hostlist such as \"sc[001-004]\"), not \(v.typeName)")
    }
  }

  /// Which profile each contribution to a node's field came from.
  static func explain(_ node: EntityRef, field: String) throws -> String {
    let keys = try path(for: field)
    let contributions: [Contribution]
    do { contributions = try node.cluster.session().working.cluster.explain(node: node.id, path: keys) }
    catch let e as LangError { throw e } catch { throw LangError("\(error)") }
    if contributions.isEmpty { return "\(node.id) \(field): not set" }
    var lines = ["\(node.id) \(field):"]
    for c in contributions {
      lines.append("  \(String(describing: c.effect).padding(toLength: 10, withPad: " ", startingAt: 0)) \(ConfConversion.data(Secrets.masked(c.value, at: keys)).repr)  (\(c.source))")
    }
    return lines.joined(separator: "\n")
  }

  /// `kernel.args` → the nodes.conf path `kernel/args`.
  static func path(for field: String) throws -> FieldPath {
    var specs = FieldSpec.entity
    var keys: [String] = []
    let parts = field.split(separator: ".").map(String.init)
    for (i, part) in parts.enumerated() {
      if keys.first == "network devices" && keys.count == 1 {
        keys.append(part)
        specs = FieldSpec.netdev
        continue
      }
      guard let spec = FieldSpec.find(part, in: specs) else {
        if FieldSpec.primaryShortcuts.contains(part) && i == 0 { return FieldPath(["network devices", "default", part]) }
        if keys.last == "tags" || keys.first == "resources" { keys.append(part); continue }
        throw LangError("no field '\(part)'", suggestion: Suggestions.didYouMean(part, among: specs.map(\.name)))
      }
      keys.append(spec.key)
      if case .section(let inner) = spec.kind { specs = inner }
    }
    return FieldPath(keys)
  }
}

/// What `diff()` returns: the staged changes, one per line.
final class DiffView: HostObject {
  let lines: [String]
  init(_ lines: [String]) { self.lines = lines }
  var typeName: String { "diff" }
  var count: Int? { lines.count }
  func elements(in interpreter: Interpreter) throws -> [Value] { lines.map { .string($0) } }
  var inlineDescription: String { lines.isEmpty ? "no changes" : lines.joined(separator: "\n") }
}
