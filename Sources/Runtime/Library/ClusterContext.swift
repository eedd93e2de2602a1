import Foundation
import Lang

/// The cluster an interpreter works on, loaded from the store the first
/// time a script touches it (so `howl -c 'print(1)'` reads no files).
public final class ClusterContext {
  public let store: Store
  /// What `exports.apply()` calls; nil where no NFS manager is installed.
  public var exportApplier: (any ExportApplying)?
  /// What `node.power`, `boot_once`, `sensors` and `console` use; nil where no BMC controller is installed.
  public var bmc: (any BMCController)?
  /// Operations across nodes whose failures the script has yet to look at.
  public let operations = OperationLedger()
  /// What `nodes[...].refresh()` calls; nil where no agent client is installed.
  public var agentRefresher: (any AgentRefreshing)?
  /// What `nodes[...].exec()` and `node.ssh()` use; nil where no SSH client is installed.
  public var remote: (any RemoteShell)?
  /// What `dns.sync` reads and updates a site's DNS server with; nil where no DNS update client is installed.
  public var dnsSync: (any DNSSyncing)?
  private var loaded: ClusterSession?

  public init(store: Store) { self.store = store }

  public func session() throws -> ClusterSession {
    if let loaded { return loaded }
    do {
      let s = try ClusterSession(store: store)
      loaded = s
      reconcileRenames()
      return s
    } catch let e as LangError {
      throw e
    } catch {
      throw LangError("\(error)")
    }
  }

  /// Staged changes not yet committed.
  public var hasChanges: Bool { loaded?.hasChanges ?? false }

  /// The node's merged (effective) values in the working state; `sources`
  /// as in `ClusterConfig.merged`.
  func merged(_ id: String, sources: Bool = true) throws -> MergedNode {
    do { return try session().working.cluster.merged(id, sources: sources) } catch let e as LangError { throw e } catch {
      throw LangError("\(error)")
    }
  }

  /// The readiness check of the working state (staged changes included).
  public func readiness() throws -> ReadinessCheck {
    let state = try session().working
    return ReadinessCheck(state: state, root: store.root, servedExports: exportApplier?.servedExports(state.server))
  }

  /// Commits staged changes (a no-op without any); the diff that was written.
  /// A commit that leaves nodes unable to boot (`ReadinessProblem.blocksBoot`)
  /// that could before says so on stderr, and is not refused.
  @discardableResult
  public func commit() throws -> [String] {
    guard let loaded else { return [] }
    let before = loaded.base
    let lines: [String]
    do { lines = try loaded.commit() } catch let e as LangError { throw e } catch { throw LangError("\(error)") }
    for warning in ReadinessCheck.newlyUnbootable(from: before, to: loaded.base, root: store.root) {
      FileHandle.standardError.write(Data(("warning: " + warning + "\n").utf8))
    }
    return lines
  }

  /// Drops the staged changes, and moves back the files of images renamed since the last commit.
  public func rollback() {
    loaded?.rollback()
    reconcileRenames()
  }

  /// Settles the files of renamed images with the registry (`ImageRename`).
  private func reconcileRenames() {
    guard let loaded else { return }
    for name in ImageRename.markedNames(stateDirectory: store.stateDirectory) {
      ImageRename.reconcile(ImagePaths(name: name, stateDirectory: store.stateDirectory),
                            committed: loaded.base.server.images[name] != nil, working: loaded.working.server.images[name] != nil)
    }
  }

  public func diff() -> [String] { loaded?.diff() ?? [] }
}
