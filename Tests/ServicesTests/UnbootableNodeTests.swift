import Foundation
import Runtime
import Testing

/// A node the readiness check says cannot boot: `howl serve` logs it once at
/// start and after each reload, and its iPXE script, fetched with curl,
/// prints the reason and the fix on the node's console instead of booting
/// it into a kernel panic; once fixed, it gets its boot script again.
@Suite(.serialized)
struct UnbootableNodeTests {
  @Test func theIPXEScriptOfAnUnbootableNodePrintsWhyAndTheLogSaysItOncePerLoad() throws {
    var state = Fixture.state()
    state.cluster.profiles["default"]![FieldPath(["system overlay"])] = .strings(["hostname"])
    let scratch = try ScratchRoot(state: state)
    let server = try ServeProcess(root: scratch.path, arguments: ["--no-dhcp", "--bind", "127.0.0.1", "--address", "127.0.0.1",
                                                                  "--tftp-port", "16991", "--http-port", "19891"])
    defer { #expect(server.stop() == 0) }
    let problem = #"no overlay provides /init (the kernel would panic); fix: profiles["default"].overlays += ["wwinit"]"#
    let logged = "cannot boot: n[1-2]: " + problem
    #expect(server.log.components(separatedBy: logged).count - 1 == 1, "logged once at start:\n\(server.log)")

    let url = "http://127.0.0.1:19891/ipxe/52-54-00-77-00-11"
    let script = try run(["curl", "-sS", "--max-time", "10", url]).output
    #expect(script.hasPrefix("#!ipxe\n"), "\(script)")
    #expect(script.contains("echo Howl: node n1 (52:54:00:77:00:11) cannot boot:\necho - \(problem)\n"), "\(script)")
    #expect(script.contains("sleep 60\nreboot"))
    #expect(!script.contains("kernel --name"), "no boot into a panic")

    // A commit that leaves it broken: logged again after the reload.
    let store = Store(root: scratch.path)
    var next = try store.load()
    next.cluster.nodes["n1"]![FieldPath(["comment"])] = .string("rack 7")
    _ = try store.commit(base: try store.load(), state: next)
    #expect(server.waitForLog("reloaded: 2 nodes"))
    #expect(server.waitForLog(logged + "\n") && server.log.components(separatedBy: logged).count - 1 == 2, "\(server.log)")

    // Fixed: the node gets its boot script.
    var fixed = try store.load()
    fixed.cluster.profiles["default"]![FieldPath(["system overlay"])] = .strings(["wwinit", "hostname"])
    _ = try store.commit(base: try store.load(), state: fixed)
    let deadline = Date().addingTimeInterval(10)
    var boot = ""
    while Date() < deadline {
      boot = try run(["curl", "-sS", "--max-time", "10", url]).output
      if boot.contains("kernel --name kernel") { break }
      usleep(100_000)
    }
    #expect(boot.contains("kernel --name kernel"), "\(boot)\n\(server.log)")
    #expect(server.log.components(separatedBy: logged).count - 1 == 2, "not logged once fixed")
  }
}
