import Foundation
import Testing
@testable import Runtime

/// The store at 10,000 nodes; run by scripts/bench/store.sh (release build,
/// `HOWL_BENCH=1`, `HOWL_BENCH_DIR` for the files). Prints `bench <name> <ms>`.
@Suite struct StoreBenchTests {
  static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
  }

  @Test(.enabled(if: ProcessInfo.processInfo.environment["HOWL_BENCH"] == "1"))
  func benchStore() throws {
    let environment = ProcessInfo.processInfo.environment
    let root = try environment["HOWL_BENCH_DIR"] ?? Fixtures.scratch("bench")
    try? FileManager.default.removeItem(atPath: root + "/etc")
    let count = 10_000
    let store = Store(root: root)
    var state = try store.load()

    let add = try Self.milliseconds {
      let base = state
      for index in 0..<count {
        var node = Entity(fields: ["profiles": .strings(["default"])])
        node[FieldPath("network devices", "default", "hwaddr")] = .string(String(format: "02:00:00:00:%02x:%02x", index >> 8, index & 255))
        node[FieldPath("network devices", "default", "ipaddr")] = .string("10.\(index >> 16).\(index >> 8 & 255).\(index & 255)")
        node[FieldPath("ipmi", "ipaddr")] = .string("10.\(100 + index >> 16).\(index >> 8 & 255).\(index & 255)")
        state.cluster.nodes["n" + Hostlist.pad(index, 5)] = node
      }
      state = try store.commit(base: base, state: state)
    }
    print("bench add_10000_and_commit \(add)")

    var loaded = ClusterState()
    let load = try Self.milliseconds { loaded = try Store(root: root).load() }
    #expect(loaded.cluster.nodes.count == count)
    print("bench load_10000_and_count \(load)")

    let set = try Self.milliseconds {
      let base = state
      for id in state.cluster.nodes.keys { state.cluster.nodes[id]![FieldPath("root")] = .string("tmpfs") }
      state = try store.commit(base: base, state: state)
    }
    #expect(try Store(root: root).load().cluster.nodes.values.allSatisfy { $0[FieldPath("root")] == .string("tmpfs") })
    print("bench set_field_on_10000_and_commit \(set)")

    var merged = 0
    let merge = try Self.milliseconds {
      for id in state.cluster.nodes.keys where try state.cluster.merged(id).primaryNetwork != nil { merged += 1 }
    }
    #expect(merged == count)
    print("bench merge_all_10000 \(merge)")
  }
}
