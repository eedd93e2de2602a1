import Foundation
import Lang

/// One overlay by name: `overlay.files`, `overlay.write(path, text)`,
/// `overlay.show(path, render: node)` (`render: "host"` renders for the
/// server itself, as Warewulf does for its `host` overlay), `overlay.edit(path)`. Writing to a
/// stock overlay first copies it to the site (as Warewulf does).
final class OverlayRef: HostObject {
  let cluster: ClusterContext
  let name: String

  init(_ cluster: ClusterContext, _ name: String) {
    self.cluster = cluster
    self.name = name
  }

  var store: OverlayStore { OverlayStore(stateDirectory: cluster.store.stateDirectory) }

  var typeName: String { "overlay" }
  var memberNames: [String] { ["name", "files", "site", "path", "write", "read", "show", "edit"] }

  private func overlay() throws -> Overlay {
    guard let overlay = store.overlay(name) else { throw LangError("no overlay named '\(name)'") }
    return overlay
  }

  private func wrap<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as OverlayError { throw LangError(e.description) } catch let e as LangError {
      throw e
    } catch { throw LangError("\(error)") }
  }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value {
    switch name {
    case "name": return .string(self.name)
    case "site": return .bool(try overlay().isSite)
    case "path": return .string(try overlay().rootfs)
    case "files": return .list(try wrap { try overlay().files() }.map { .string($0) })
    case "write":
      return .function(NativeFunction("overlay.write") { [self] _, args in
        try args.expect("overlay.write", count: 2...2, labels: ["mode"])
        let path = try ClusterFunctions.text(args[0], "a path in the overlay")
        let text = try ClusterFunctions.text(args[1], "the file's text")
        let mode = args.named("mode").flatMap { v -> UInt32? in if case .int(let i) = v { return UInt32(truncatingIfNeeded: i) } else { return nil } }
        try wrap { try store.write(self.name, path: path, contents: Array(text.utf8), mode: mode ?? 0o644) }
        return .null
      })
    case "read":
      return .function(NativeFunction("overlay.read") { [self] _, args in
        try args.expect("overlay.read", count: 1...1)
        let path = try ClusterFunctions.text(args[0], "a path in the overlay")
        return .string(String(decoding: try wrap { try store.read(self.name, path: path) }, as: UTF8.self))
      })
    case "show":
      return .function(NativeFunction("overlay.show") { [self] _, args in
        try args.expect("overlay.show", count: 1...1, labels: ["render"])
        let path = try ClusterFunctions.text(args[0], "a path in the overlay")
        guard let target = args.named("render") else {
          return .string(String(decoding: try wrap { try store.read(self.name, path: path) }, as: UTF8.self))
        }
        let node: String
        switch target {
        case .object(let e as EntityRef) where e.kind == .node: node = e.id
        case .string(let s): node = s
        default: throw LangError("overlay.show(path, render: node) needs a node, not \(target.typeName)")
        }
        let state = try cluster.session().working
        return .string(try wrap {
          try OverlayBuilder(state: state, root: cluster.store.root).show(overlay: self.name, path: path, node: node)
        })
      })
    case "edit":
      return .function(NativeFunction("overlay.edit") { [self] _, args in
        try args.expect("overlay.edit", count: 1...1)
        let path = try ClusterFunctions.text(args[0], "a path in the overlay")
        let file = try wrap { () -> String in
          _ = try store.siteOverlay(self.name)
          let location = try store.location(self.name, path: path)
          if !FileManager.default.fileExists(atPath: location) { try store.write(self.name, path: path, contents: []) }
          return location
        }
        let editor = ProcessInfo.processInfo.environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        let status = OverlayRef.run(editor, file)
        if status != 0 { throw LangError("\(editor) exited with status \(status)") }
        return .null
      })
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  /// Runs `editor file` on the terminal, waiting for it.
  static func run(_ editor: String, _ file: String) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "exec \(editor) \"$1\"", "sh", file]
    do { try process.run() } catch { return 127 }
    process.waitUntilExit()
    return process.terminationStatus
  }

  var inlineDescription: String { "overlay \(name)" }
  var blockDescription: String {
    get throws {
      guard let overlay = try? overlay() else { return "overlay \(name) (missing)" }
      let files = try overlay.files()
      return (["overlay \(name)\(overlay.isSite ? " (site)" : " (stock)")"] + files.map { "  " + $0 }).joined(separator: "\n")
    }
  }

  func isEqual(to other: HostObject) -> Bool { (other as? OverlayRef)?.name == name }
}
