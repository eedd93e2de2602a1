import Foundation
import Lang

/// `overlays`: the site and stock overlays by name. `overlays.add(name)`
/// creates a site overlay; `overlays.build(nodes)` builds the nodes' images
/// (as parts; `complete: true` also writes `__SYSTEM__.img.gz`/`__RUNTIME__.img.gz`).
/// Overlay changes are immediate file operations, outside the nodes.conf
/// transaction (`commit`/`rollback` don't touch them).
final class OverlayCollection: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var store: OverlayStore { OverlayStore(stateDirectory: cluster.store.stateDirectory) }

  var typeName: String { "overlays" }
  var count: Int? { store.names().count }
  var indexKeys: [String] { store.names() }
  var memberNames: [String] { ["add", "build", "names"] }

  func ref(_ name: String) throws -> OverlayRef {
    guard store.overlay(name) != nil else {
      throw LangError("no overlay named '\(name)'", suggestion: Suggestions.didYouMean(name, among: store.names()))
    }
    return OverlayRef(cluster, name)
  }

  func index(_ key: Value, in interpreter: Interpreter) throws -> Value {
    .object(try ref(try ClusterFunctions.text(key, "an overlay name")))
  }

  func elements(in interpreter: Interpreter) throws -> [Value] {
    store.names().map { .object(OverlayRef(cluster, $0)) }
  }

  func contains(_ value: Value, in interpreter: Interpreter) throws -> Bool {
    if case .object(let o as OverlayRef) = value { return store.overlay(o.name) != nil }
    return store.overlay(value.description) != nil
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "names": return .list(store.names().map { .string($0) })
    case "add":
      return .function(NativeFunction("overlays.add") { [self] _, args in
        try args.expect("overlays.add", count: 1...1)
        let name = try ClusterFunctions.text(args[0], "an overlay name")
        do { try store.create(name) } catch let e as OverlayError { throw LangError(e.description) }
        return .object(OverlayRef(cluster, name))
      })
    case "build":
      return .function(NativeFunction("overlays.build") { [self] _, args in
        try args.expect("overlays.build", count: 0...1, labels: ["force", "complete"])
        let state = try cluster.session().working
        let ids = args.count == 0 ? Array(state.cluster.nodes.keys) : try ClusterFunctions.names(args[0])
        for id in ids where state.cluster.nodes[id] == nil {
          throw LangError("no node named '\(id)'", suggestion: Suggestions.didYouMean(id, among: state.cluster.nodes.keys))
        }
        let force = args.named("force")?.isTruthy ?? false
        let complete = args.named("complete")?.isTruthy ?? false
        let builder: OverlayBuilder
        do { builder = try OverlayBuilder(state: state, root: cluster.store.root) } catch { throw LangError("\(error)") }
        let results = builder.build(ids, force: force, complete: complete)
        if args.count == 0 || Set(ids) == Set(state.cluster.nodes.keys) { builder.removeUnusedParts() }
        return .object(OverlayBuildReport(results, warnings: builder.environment.warnings))
      })
    default:
      throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String { "overlays \(store.names().joined(separator: ", "))" }
  var blockDescription: String {
    get throws {
      var table = TextTable(header: ["NAME", "SITE", "FILES"])
      for name in store.names() {
        guard let overlay = store.overlay(name) else { continue }
        table.rows.append([name, overlay.isSite ? "yes" : "", String(try overlay.files().count)])
      }
      return table.render()
    }
  }
}

/// What `overlays.build` did: nodes built, already current, and failed (with
/// why), and the templates' warnings (e.g. `IncludeFrom` of a missing file).
final class OverlayBuildReport: HostObject {
  let results: [OverlayBuilder.NodeResult]
  let warnings: [String]
  init(_ results: [OverlayBuilder.NodeResult], warnings: [String]) {
    self.results = results
    var seen = Set<String>()
    self.warnings = warnings.filter { seen.insert($0).inserted }
  }

  var typeName: String { "overlay build" }
  var memberNames: [String] { ["built", "current", "failed", "warnings"] }

  private func ids(_ match: (OverlayBuilder.NodeResult.Status) -> Bool) -> [String] {
    results.filter { match($0.status) }.map(\.node)
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "built": return .list(ids { $0 == .built }.map { .string($0) })
    case "current": return .list(ids { $0 == .current }.map { .string($0) })
    case "warnings": return .list(warnings.map { .string($0) })
    case "failed":
      return .list(results.compactMap { result -> Value? in
        if case .failed(let why) = result.status { return .string("\(result.node): \(why)") }
        return nil
      })
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  var inlineDescription: String {
    var parts: [String] = []
    let built = ids { $0 == .built }, current = ids { $0 == .current }
    parts.append("built \(built.isEmpty ? "nothing" : Hostlist.compress(built))")
    if !current.isEmpty { parts.append("current \(Hostlist.compress(current))") }
    for result in results {
      if case .failed(let why) = result.status { parts.append("failed \(result.node): \(why)") }
    }
    parts += warnings.map { "warning: " + $0 }
    return parts.joined(separator: "; ")
  }

  var blockDescription: String { inlineDescription }
  func isEqual(to other: HostObject) -> Bool { other === self }
}
