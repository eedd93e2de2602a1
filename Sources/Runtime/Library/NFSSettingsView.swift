import Foundation
import Lang

/// `server.nfs`: how the exports are served. `server.nfs.backend` is
/// `"auto"` (the kernel's nfsd if the machine has one, else nfs-ganesha),
/// `"ganesha"`, `"kernel"` or `"none"`; `server.nfs.ganesha_config` and
/// `server.nfs.ganesha_pid_file` move ganesha's files (nil: the defaults
/// under `$HOWL_ROOT`); `server.nfs.enabled = false` turns it all off.
final class NFSSettingsView: HostObject {
  let cluster: ClusterContext
  init(_ cluster: ClusterContext) { self.cluster = cluster }

  var typeName: String { "nfs settings" }
  static let fields = ["enabled", "backend", "ganesha_config", "ganesha_pid_file"]
  var memberNames: [String] { NFSSettingsView.fields }

  func member(_ name: String, in interpreter: Interpreter) throws -> Value { try value(of: name) }

  func value(of name: String) throws -> Value {
    let nfs = try cluster.session().working.server.nfs
    switch name {
    case "enabled": return .bool(nfs.enabled)
    case "backend": return .string(nfs.backend.rawValue)
    case "ganesha_config": return nfs.ganeshaConfig.isEmpty ? .null : .string(nfs.ganeshaConfig)
    case "ganesha_pid_file": return nfs.ganeshaPidFile.isEmpty ? .null : .string(nfs.ganeshaPidFile)
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
  }

  func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws {
    func path(_ v: Value) throws -> String {
      if v == .null { return "" }
      let text = try ClusterFunctions.text(v, "server.nfs.\(name)")
      guard text.hasPrefix("/") else { throw LangError("server.nfs.\(name) needs an absolute path, not \(Value.quote(text))") }
      return text
    }
    let change: (inout ServerConfig.NFS) -> Void
    switch name {
    case "enabled":
      guard case .bool(let b) = value else { throw LangError("server.nfs.enabled needs true or false") }
      change = { $0.enabled = b }
    case "backend":
      let text = try ClusterFunctions.text(value, "server.nfs.backend")
      guard let backend = ServerConfig.NFSBackend(rawValue: text) else {
        throw LangError("server.nfs.backend is one of \(ServerConfig.NFSBackend.allCases.map(\.rawValue).joined(separator: ", "))",
                        suggestion: Suggestions.didYouMean(text, among: ServerConfig.NFSBackend.allCases.map(\.rawValue)))
      }
      change = { $0.backend = backend }
    case "ganesha_config": let v = try path(value); change = { $0.ganeshaConfig = v }
    case "ganesha_pid_file": let v = try path(value); change = { $0.ganeshaPidFile = v }
    default: throw LangError.noMember(name, of: typeName, candidates: memberNames)
    }
    try cluster.session().stage { state, _ in change(&state.server.nfs) }
  }

  var inlineDescription: String {
    get throws {
      let nfs = try cluster.session().working.server.nfs
      var parts = [nfs.enabled ? "backend \(nfs.backend.rawValue)" : "disabled"]
      if !nfs.ganeshaConfig.isEmpty { parts.append("ganesha config \(nfs.ganeshaConfig)") }
      if !nfs.ganeshaPidFile.isEmpty { parts.append("ganesha pid file \(nfs.ganeshaPidFile)") }
      return parts.joined(separator: ", ")
    }
  }

  var blockDescription: String {
    get throws {
      var lines = ["server.nfs"]
      for name in NFSSettingsView.fields {
        let v = try value(of: name)
        guard v != .null else { continue }
        lines.append("  " + name.padding(toLength: 18, withPad: " ", startingAt: 0) + (v.stringValue ?? v.repr))
      }
      return lines.joined(separator: "\n")
    }
  }
}
