import Foundation
import Lang
@testable import Runtime

/// A cluster in a scratch `HOWL_ROOT`, driven by scripts run in-process
/// the way `howl FILE` runs them: each in a fresh interpreter with the
/// standard library, the cluster and the stdlib modules; committed when it
/// succeeds, rolled back when it fails.
final class ScratchCluster {
  let root: String
  /// What each script's `exports.apply()` calls.
  var exportApplier: (any ExportApplying)?

  init(_ label: String) throws { root = try Fixtures.scratch(label) }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  var store: Store { Store(root: root) }
  var stateDirectory: String { store.stateDirectory }

  /// Runs `text` as one script; returns what it printed, or throws its error.
  @discardableResult
  func script(_ text: String) throws -> String {
    let interpreter = Interpreter()
    Library.installAll(into: interpreter)
    RuntimeLibrary.install(into: interpreter)
    interpreter.modulePaths = [ScriptSpecTests.stdlib]
    let cluster = ClusterContext(store: store)
    cluster.exportApplier = exportApplier
    ClusterLibrary.install(into: interpreter, cluster: cluster)
    var printed = ""
    interpreter.output = { printed += $0 }
    do {
      try interpreter.run(SourceFile(name: "script", text: text))
      try cluster.commit()
    } catch {
      cluster.rollback()
      throw error
    }
    return printed
  }

  /// The message of the error `text` fails with (nil if it succeeds).
  func failure(_ text: String) -> String? {
    do {
      try script(text)
      return nil
    } catch let error as LangError {
      return error.diagnostics.map { $0.message + ($0.suggestion.map { " (\($0))" } ?? "") }.joined(separator: "\n")
    } catch {
      return "\(error)"
    }
  }

  /// A small root file system to import with `dir:`: /bin/sh, /etc/hostname,
  /// and `optBytes` bytes of tools under /opt/tools.
  func tree(_ name: String, optBytes: Int = 200_000) throws -> String {
    let dir = root + "/src/" + name
    let files = FileManager.default
    for sub in ["bin", "etc", "opt/tools"] { try files.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
    try Data("#!/bin/true\n".utf8).write(to: URL(fileURLWithPath: dir + "/bin/sh"))
    try Data("\(name)\n".utf8).write(to: URL(fileURLWithPath: dir + "/etc/hostname"))
    var generator = SeededGenerator(seed: 7)
    let bytes = (0..<optBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/opt/tools/blob"))
    try Data("hello from /opt\n".utf8).write(to: URL(fileURLWithPath: dir + "/opt/tools/README"))
    return dir
  }

  /// The committed state.
  func committed() throws -> ClusterState { try store.load() }
}
