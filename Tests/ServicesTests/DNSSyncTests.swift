import Foundation
import Runtime
import Testing
@testable import Services

/// `dns.sync` against a real BIND 9 on the loopback of a namespace of its
/// own: a zone and its reverse zone that accept updates signed with a TSIG
/// key; the forward zone read by transfer, the reverse one by queries
/// (its transfer refused). Records appear, a second sync sends nothing, a
/// changed address changes only that record, a removed node's names go,
/// records made by hand stay, and a wrong or unentitled key is refused.
@Suite(.serialized) struct DNSSyncTests {
  static let secret = "c2VjcmV0LWtleS1mb3ItaG93bC1kbnMtc3luYy10ZXN0cw=="

  /// A namespace with BIND 9 serving lab.example and 0.77.10.in-addr.arpa on 127.0.0.1.
  final class BindLab {
    let scratch: ScratchRoot
    let netns = "howltest-bind\(getpid() % 100_000)-\(UInt16.random(in: 0...9999))"
    let named = Process()

    init() throws {
      var state = Fixture.state(server: ServerConfig(ipaddr: "10.77.0.1", netmask: "255.255.255.0", network: "10.77.0.0"))
      state.cluster.nodes["n1"]?.fields["ipmi"] = .map(["ipaddr": .string("10.77.0.101")])
      state.server.dns = DNSSettings(domain: "lab.example", ttl: 120, hosts: ["login1": ["10.77.0.5"]])
      scratch = try ScratchRoot(state: state)
      let dir = scratch.path
      try run(["ip", "netns", "add", netns])
      try run(["ip", "-n", netns, "link", "set", "lo", "up"])
      let soa = "$TTL 60\n@ IN SOA ns.lab.example. root.lab.example. 1 3600 600 86400 60\n@ IN NS ns.lab.example.\n"
      try (soa + "ns IN A 127.0.0.1\nprinter IN A 10.77.0.200\n").write(toFile: dir + "/lab.zone", atomically: true, encoding: .utf8)
      try (soa + "200 IN PTR printer.lab.example.\n").write(toFile: dir + "/rev.zone", atomically: true, encoding: .utf8)
      try "key \"howl-sync\" {\n\talgorithm hmac-sha256;\n\tsecret \"\(DNSSyncTests.secret)\";\n};\n"
        .write(toFile: dir + "/sync.key", atomically: true, encoding: .utf8)
      try """
        include "\(dir)/sync.key";
        key "reader" { algorithm hmac-sha256; secret "cmVhZGVyLW9ubHkta2V5"; };
        options { directory "\(dir)"; pid-file "\(dir)/named.pid"; listen-on port 53 { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; };
        zone "lab.example" { type primary; file "\(dir)/lab.zone"; allow-update { key howl-sync; }; allow-transfer { key howl-sync; key reader; }; };
        zone "0.77.10.in-addr.arpa" { type primary; file "\(dir)/rev.zone"; allow-update { key howl-sync; }; allow-transfer { none; }; };
        """.write(toFile: dir + "/named.conf", atomically: true, encoding: .utf8)
      named.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
      named.arguments = ["netns", "exec", netns, "named", "-g", "-u", "root", "-c", dir + "/named.conf"]
      let log = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/named.log", isDirectory: false).creating())
      named.standardOutput = log
      named.standardError = log
      try named.run()
      for _ in 0..<100 where !(try dig(["+short", "lab.example", "SOA"])).contains("ns.lab.example.") { usleep(100_000) }
    }

    deinit {
      kill(named.processIdentifier, SIGKILL)
      named.waitUntilExit()
      _ = try? run(["ip", "netns", "del", netns])
    }

    func dig(_ arguments: [String]) throws -> String {
      try run(["ip", "netns", "exec", netns, "dig", "@127.0.0.1", "+time=2", "+tries=1"] + arguments, timeout: 15).output
    }

    /// Runs a Howl script in the namespace; its status and output.
    func howl(_ script: String) throws -> (status: Int32, output: String) {
      var environment = ProcessInfo.processInfo.environment
      environment["HOWL_ROOT"] = scratch.path
      environment["HOWL_STDLIB"] = Fixture.packageRoot.appendingPathComponent("stdlib").path
      return try run(["ip", "netns", "exec", netns, Fixture.howl, "-c", script], timeout: 60, environment: environment)
    }

    func sync(key: String = "tsig(file: \"KEYFILE\")") throws -> (status: Int32, output: String) {
      try howl("print(dns.sync(server: 127.0.0.1, key: \(key.replacingOccurrences(of: "KEYFILE", with: scratch.path + "/sync.key"))))")
    }

    var serial: String { (try? dig(["+short", "lab.example", "SOA"]))?.split(separator: " ").dropFirst(2).first.map(String.init) ?? "" }

    func commit(_ change: (inout ClusterState) -> Void) throws {
      let store = Store(root: scratch.path)
      var next = try store.load()
      change(&next)
      _ = try store.commit(base: try store.load(), state: next)
    }
  }

  @Test func recordsAppearAndOnlyDifferencesAreSentThereafter() throws {
    let lab = try BindLab()
    let first = try lab.sync()
    #expect(first.status == 0, "\(first.output)")
    #expect(first.output == """
      lab.example           added howl,login1,n[1-2],n[1-2]-default,n1-ipmi
      0.77.10.in-addr.arpa  added 10.77.0.[1,5,11-12,101]

      """, "\(first.output)")
    #expect(try lab.dig(["+short", "n1.lab.example"]) == "10.77.0.11\n")
    #expect(try lab.dig(["+short", "n1-ipmi.lab.example"]) == "10.77.0.101\n")
    #expect(try lab.dig(["+short", "login1.lab.example"]) == "10.77.0.5\n")
    #expect(try lab.dig(["+short", "-x", "10.77.0.12"]) == "n2.lab.example.\n")
    #expect(try lab.dig(["n2-default.lab.example"]).contains("n2-default.lab.example.\t120\tIN\tA\t10.77.0.12"))

    let serial = lab.serial
    let second = try lab.sync()
    #expect(second.output == "lab.example           no change\n0.77.10.in-addr.arpa  no change\n", "\(second.output)")
    #expect(lab.serial == serial, "a sync with nothing changed must send nothing")

    try lab.commit { state in
      state.cluster.nodes["n1"]?.fields["network devices"] = .map(["default": .map(["ipaddr": .string("10.77.0.21"), "netmask": .string("255.255.255.0")])])
      state.cluster.nodes["n2"] = nil
    }
    let third = try lab.sync()
    #expect(third.output == """
      lab.example           changed n1,n1-default; removed n2,n2-default
      0.77.10.in-addr.arpa  added 10.77.0.21; removed 10.77.0.[11-12]

      """, "\(third.output)")
    #expect(try lab.dig(["+short", "n1.lab.example"]) == "10.77.0.21\n")
    #expect(try lab.dig(["+short", "-x", "10.77.0.21"]) == "n1.lab.example.\n")
    #expect(try lab.dig(["n2.lab.example"]).contains("status: NXDOMAIN"))
    #expect(try lab.dig(["-x", "10.77.0.12"]).contains("status: NXDOMAIN"))
    #expect(try lab.dig(["+short", "printer.lab.example"]) == "10.77.0.200\n", "a record made by hand stays")
    #expect(try lab.dig(["+short", "-x", "10.77.0.200"]) == "printer.lab.example.\n")
    #expect(try lab.dig(["+short", "n1-ipmi.lab.example"]) == "10.77.0.101\n", "an unchanged record stays")
  }

  @Test func aWrongOrUnentitledKeyIsRefusedWithAClearError() throws {
    let lab = try BindLab()
    let serial = lab.serial
    let wrong = try lab.sync(key: "tsig(\"howl-sync\", \"hmac-sha256\", \"d3Jvbmctc2VjcmV0\")")
    #expect(wrong.status != 0)
    #expect(wrong.output.contains("dns.sync: reading lab.example from 127.0.0.1: the server rejected the signature: the secret of key \"howl-sync\" does not match the server's (BADSIG)"), "\(wrong.output)")
    #expect(!(wrong.output.split(separator: "\n").first ?? "").contains("d3Jvbmctc2VjcmV0"), "the message never shows the secret")
    let unknown = try lab.sync(key: "tsig(\"nobody\", \"hmac-sha256\", \"d3Jvbmctc2VjcmV0\")")
    #expect(unknown.output.contains("the server does not know key \"nobody\" with hmac-sha256 (BADKEY)"), "\(unknown.output)")
    let reader = try lab.sync(key: "tsig(\"reader\", \"hmac-sha256\", \"cmVhZGVyLW9ubHkta2V5\")")
    #expect(reader.status != 0)
    #expect(reader.output.contains("dns.sync: 127.0.0.1 refused the update of lab.example: key \"reader\" may not do this in lab.example (REFUSED)"), "\(reader.output)")
    #expect(reader.output.contains("nothing of it was applied: added howl,login1,n[1-2],n[1-2]-default,n1-ipmi"), "\(reader.output)")
    #expect(lab.serial == serial)
    #expect(try lab.dig(["n1.lab.example"]).contains("status: NXDOMAIN"))
    #expect(try lab.howl("print(tsig(file: \"\(lab.scratch.path)/sync.key\"))").output == "tsig(\"howl-sync\", \"hmac-sha256\", ********)\n")
    let unreachable = try lab.howl("dns.sync(server: 127.0.0.1, port: 5, key: tsig(file: \"\(lab.scratch.path)/sync.key\"))")
    #expect(unreachable.output.contains("cannot reach 127.0.0.1 port 5 over TCP: Connection refused"), "\(unreachable.output)")
  }
}

private extension URL {
  /// The URL after creating an empty file there.
  func creating() -> URL {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    return self
  }
}
