import Foundation
import OrderedCollections
import Testing
@testable import Runtime

/// The store: transactions, refusal to overwrite a broken file, crash safety
/// under SIGKILL and concurrent writers in separate processes. The other
/// processes are this test binary again, running `childCommits` with
/// `HOWL_STORE_CHILD` set.
@Suite(.serialized) struct StoreTests {
  static func node(_ id: String, _ address: String) -> Entity {
    var entity = Entity(fields: ["profiles": .strings(["default"])])
    entity[FieldPath("network devices", "default", "ipaddr")] = .string(address)
    return entity
  }

  static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

  @Test func loadOfAnEmptyRootIsFreshAndWritesNothing() throws {
    let root = try Fixtures.scratch("store")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let store = Store(root: root)
    #expect(try store.load() == ClusterState())
    #expect(!FileManager.default.fileExists(atPath: root + "/etc"))
    #expect(store.nodesConfPath == root + "/etc/howl/nodes.conf")
    #expect(store.serverConfPath == root + "/etc/howl/howl.conf")
    #expect(store.stateDirectory == root + "/var/lib/howl")
  }

  @Test func commitWritesAndLoadReadsBack() throws {
    let store = Store(root: try Fixtures.scratch("store"))
    defer { try? FileManager.default.removeItem(atPath: store.root) }
    let base = try store.load()
    var state = base
    state.cluster.nodes["n1"] = Self.node("n1", "10.0.0.1")
    state.server.ipaddr = "10.0.0.254"
    let committed = try store.commit(base: base, state: state) { _ in Issue.record("no reapply expected"); return state }
    #expect(committed == state)
    #expect(try Store(root: store.root).load() == state)
    #expect(String(decoding: Self.bytes(store.nodesConfPath)!, as: UTF8.self) == NodesConf.serialize(state.cluster))
  }

  @Test func unchangedFilesAreNotRewritten() throws {
    let store = Store(root: try Fixtures.scratch("store"))
    defer { try? FileManager.default.removeItem(atPath: store.root) }
    let base = try store.load()
    var state = base
    state.cluster.nodes["n1"] = Self.node("n1", "10.0.0.1")
    _ = try store.commit(base: base, state: state)
    #expect(!FileManager.default.fileExists(atPath: store.serverConfPath), "server settings unchanged: no howl.conf")
    let before = try FileManager.default.attributesOfItem(atPath: store.nodesConfPath)[.systemFileNumber] as? Int
    _ = try store.commit(base: state, state: state)
    let after = try FileManager.default.attributesOfItem(atPath: store.nodesConfPath)[.systemFileNumber] as? Int
    #expect(before == after)
  }

  @Test func staleBaseCallsReapplyOnTheFreshState() throws {
    let root = try Fixtures.scratch("store")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let mine = Store(root: root), theirs = Store(root: root)
    let base = try mine.load()
    var other = try theirs.load()
    other.cluster.nodes["theirs"] = Self.node("theirs", "10.0.0.2")
    _ = try theirs.commit(base: try theirs.load(), state: other)
    var state = base
    state.cluster.nodes["mine"] = Self.node("mine", "10.0.0.1")
    var calls = 0
    let result = try mine.commit(base: base, state: state) { fresh in
      calls += 1
      var next = fresh
      next.cluster.nodes["mine"] = Self.node("mine", "10.0.0.1")
      return next
    }
    #expect(calls == 1)
    #expect(Array(result.cluster.nodes.keys) == ["theirs", "mine"])
    #expect(try Store(root: root).load() == result)
  }

  @Test func reapplyThrowingLeavesFilesByteIdentical() throws {
    let root = try Fixtures.scratch("store")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let mine = Store(root: root), theirs = Store(root: root)
    let base = try mine.load()
    var other = base
    other.cluster.nodes["theirs"] = Self.node("theirs", "10.0.0.2")
    other.server.ipaddr = "10.0.0.254"
    _ = try theirs.commit(base: base, state: other)
    let nodesBefore = Self.bytes(mine.nodesConfPath), serverBefore = Self.bytes(mine.serverConfPath)
    var state = base
    state.cluster.nodes["mine"] = Self.node("mine", "10.0.0.1")
    #expect(throws: Store.ConflictError.self) { try mine.commit(base: base, state: state) }
    struct Refused: Error {}
    #expect(throws: Refused.self) { try mine.commit(base: base, state: state) { _ in throw Refused() } }
    #expect(Self.bytes(mine.nodesConfPath) == nodesBefore)
    #expect(Self.bytes(mine.serverConfPath) == serverBefore)
  }

  @Test func aBrokenNodesConfIsNeverOverwritten() throws {
    let store = Store(root: try Fixtures.scratch("store"))
    defer { try? FileManager.default.removeItem(atPath: store.root) }
    try FileManager.default.createDirectory(atPath: store.root + "/etc/howl", withIntermediateDirectories: true)
    let broken = "nodes:\n  n1: {profiles: [default\n"
    try broken.write(toFile: store.nodesConfPath, atomically: false, encoding: .utf8)
    #expect(throws: ConfigError.self) { try store.load() }
    let state = ClusterState(cluster: ClusterConfig(nodes: ["n2": Entity()]))
    #expect(throws: ConfigError.self) { try store.commit(base: ClusterState(), state: state) { $0 } }
    #expect(String(decoding: Self.bytes(store.nodesConfPath)!, as: UTF8.self) == broken)
  }

  @Test func aStateNodesConfCannotHoldIsRefused() throws {
    let store = Store(root: try Fixtures.scratch("store"))
    defer { try? FileManager.default.removeItem(atPath: store.root) }
    var state = try store.load()
    state.cluster.nodes["n1"] = Entity(fields: ["system overlay": .list([.map(["a": .string("b")])])])
    #expect(throws: ModelError.self) { try store.commit(base: try store.load(), state: state) }
    #expect(!FileManager.default.fileExists(atPath: store.nodesConfPath))
  }

  @Test func warewulfNodesConfLoadsAndCommitsWithoutChangingOtherNodes() throws {
    let store = Store(root: try Fixtures.scratch("store"))
    defer { try? FileManager.default.removeItem(atPath: store.root) }
    try FileManager.default.createDirectory(atPath: store.root + "/etc/howl", withIntermediateDirectories: true)
    try Fixtures.nodesConf("ww47.conf").write(toFile: store.nodesConfPath, atomically: false, encoding: .utf8)
    let base = try store.load()
    var state = base
    state.cluster.nodes["sc003"] = Self.node("sc003", "10.1.2.3")
    _ = try store.commit(base: base, state: state)
    let back = try store.load()
    #expect(back.cluster.nodes["sc001"] == base.cluster.nodes["sc001"])
    #expect(back.cluster.profiles == base.cluster.profiles)
  }

  // MARK: - Other processes

  /// The state the crash child commits in round `round`: a growing and
  /// shrinking set of nodes, all tagged with the round.
  static func crashState(_ round: Int) -> ClusterState {
    var cluster = ClusterConfig.fresh
    for index in 0..<(round % 40 + 1) * 25 {
      var entity = node("n\(index)", "10.0.\(index / 250).\(index % 250 + 1)")
      entity[FieldPath("tags", "round")] = .string(String(round))
      cluster.nodes["n" + Hostlist.pad(index, 4)] = entity
    }
    return ClusterState(cluster: cluster)
  }

  /// Starts this test binary running `childCommits` with `environment`.
  static func spawnChild(_ environment: [String: String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    process.arguments = ["--testing-library", "swift-testing", "--filter", "StoreTests/childCommits"]
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Does nothing unless started by `spawnChild`: then commits in a loop
  /// (`crash`: `crashState` forever; `add`: 50 nodes with a prefix, each with reapply).
  @Test func childCommits() throws {
    let environment = ProcessInfo.processInfo.environment
    guard let root = environment["HOWL_STORE_CHILD"] else { return }
    let store = Store(root: root)
    if environment["HOWL_STORE_CHILD_MODE"] == "crash" {
      var round = 0
      let deadline = Date().addingTimeInterval(60)  // in case the parent died without killing us
      while Date() < deadline {
        let base = try store.load()
        _ = try store.commit(base: base, state: Self.crashState(round)) { _ in Self.crashState(round) }
        round += 1
      }
      return
    }
    let prefix = environment["HOWL_STORE_CHILD_PREFIX"] ?? "x"
    for index in 0..<50 {
      let id = "\(prefix)\(index)"
      let entity = Self.node(id, "10.9.0.\(index + 1)")
      var state = try store.load()
      let base = state
      state.cluster.nodes[id] = entity
      _ = try store.commit(base: base, state: state) { fresh in
        var next = fresh
        next.cluster.nodes[id] = entity
        return next
      }
    }
  }

  @Test func sigkillNeverLeavesAHalfWrittenFile() throws {
    let root = try Fixtures.scratch("crash")
    defer { try? FileManager.default.removeItem(atPath: root) }
    var generator = SeededGenerator(seed: 99)
    var seenRounds = Set<Int>()
    for _ in 0..<12 {
      let child = try Self.spawnChild(["HOWL_STORE_CHILD": root, "HOWL_STORE_CHILD_MODE": "crash"])
      usleep(UInt32.random(in: 150_000...600_000, using: &generator))
      kill(child.processIdentifier, SIGKILL)
      child.waitUntilExit()
      let store = Store(root: root)
      let state = try store.load()
      guard let first = state.cluster.nodes.values.first else {
        #expect(state == ClusterState())
        continue
      }
      let round = try #require(Int(first[FieldPath("tags", "round")]?.stringValue ?? ""))
      seenRounds.insert(round)
      #expect(state == Self.crashState(round).canonicalizedForTest, "round \(round) read back whole")
    }
    #expect(!seenRounds.isEmpty, "the children committed something")
    let store = Store(root: root)
    var next = try store.load()
    next.cluster.nodes["after"] = Self.node("after", "10.0.9.9")
    _ = try store.commit(base: try store.load(), state: next)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/etc/howl").filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty, "a commit removes what killed writers left")
  }

  @Test func concurrentWritersLoseNothing() throws {
    let root = try Fixtures.scratch("concurrent")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let a = try Self.spawnChild(["HOWL_STORE_CHILD": root, "HOWL_STORE_CHILD_PREFIX": "a"])
    let b = try Self.spawnChild(["HOWL_STORE_CHILD": root, "HOWL_STORE_CHILD_PREFIX": "b"])
    a.waitUntilExit()
    b.waitUntilExit()
    #expect(a.terminationStatus == 0 && b.terminationStatus == 0)
    let nodes = try Store(root: root).load().cluster.nodes
    #expect(nodes.count == 100)
    for index in 0..<50 {
      #expect(nodes["a\(index)"] != nil && nodes["b\(index)"] != nil)
    }
  }
}

extension ClusterState {
  var canonicalizedForTest: ClusterState { ClusterState(cluster: cluster.canonicalized(), server: server) }
}
