import Foundation
import Runtime
import Testing
@testable import Services

/// `howl serve` answering DNS, asked by `dig` from another network
/// namespace: nodes, BMCs and added hosts forward and reverse, NXDOMAIN
/// with the SOA, TCP after a truncated answer, refusal without a
/// forwarder, malformed queries dropped, a commit served within a second.
@Suite(.serialized) struct DNSServeTests {
  static func state(forward: [String] = []) -> ClusterState {
    var state = Fixture.state(server: ServerConfig(ipaddr: "10.77.0.1", netmask: "255.255.255.0", network: "10.77.0.0"))
    state.cluster.nodes["n1"]?.fields["ipmi"] = .map(["ipaddr": .string("10.77.0.101")])
    state.server.dns = DNSSettings(enabled: true, domain: "lab.example", ttl: 120, forward: forward, hosts: [
      "login1": ["10.77.0.5"],
      "many": (1...100).map { "10.77.0.\($0 + 120)" },
    ])
    return state
  }

  /// A client namespace with 10.77.0.50 that asks with dig.
  func dig(_ pair: VethPair, _ arguments: [String]) throws -> String {
    try run(["ip", "netns", "exec", pair.client, "dig", "@10.77.0.1", "+time=2", "+tries=1"] + arguments, timeout: 15).output
  }

  func withServer(dhcp: Bool = false, forward: [String] = [], _ body: (VethPair, ServeProcess, ScratchRoot) throws -> Void) throws {
    let scratch = try ScratchRoot(state: DNSServeTests.state(forward: forward))
    let pair = try VethPair(clientMAC: Fixture.mac1)
    if !dhcp { try run(["ip", "-n", pair.client, "addr", "add", "10.77.0.50/24", "dev", "vc0"]) }
    let server = try ServeProcess(root: scratch.path, arguments: (dhcp ? [] : ["--no-dhcp"]) + ["--interface", "vs0", "--tftp-port", "16981", "--http-port", "19881"],
                                  netns: pair.server)
    defer { #expect(server.stop() == 0) }
    #expect(server.waitForLog("DNS: zone lab.example"), "\(server.log)")
    try body(pair, server, scratch)
  }

  @Test func namesOfNodesBMCsAndAddedHostsForwardAndReverse() throws {
    try withServer { pair, server, _ in
      #expect(try dig(pair, ["+short", "n1.lab.example"]) == "10.77.0.11\n", "\(server.log)")
      #expect(try dig(pair, ["+short", "N2-Default.LAB.example"]) == "10.77.0.12\n")
      #expect(try dig(pair, ["+short", "n1-ipmi.lab.example"]) == "10.77.0.101\n")
      #expect(try dig(pair, ["+short", "login1.lab.example"]) == "10.77.0.5\n")
      #expect(try dig(pair, ["+short", "howl.lab.example"]) == "10.77.0.1\n")
      #expect(try dig(pair, ["+short", "-x", "10.77.0.11"]) == "n1.lab.example.\n")
      #expect(try dig(pair, ["+short", "-x", "10.77.0.101"]) == "n1-ipmi.lab.example.\n")
      #expect(try dig(pair, ["+short", "-x", "10.77.0.5"]) == "login1.lab.example.\n")
      let a = try dig(pair, ["n1.lab.example"])
      #expect(a.contains("flags: qr aa rd;") && a.contains("n1.lab.example.\t\t120\tIN\tA\t10.77.0.11"), "\(a)")
      let ns = try dig(pair, ["lab.example", "NS"])
      #expect(ns.contains("lab.example.\t\t120\tIN\tNS\thowl.lab.example.") && ns.contains("howl.lab.example.\t120\tIN\tA\t10.77.0.1"), "\(ns)")
      #expect(try dig(pair, ["+short", "0.77.10.in-addr.arpa", "SOA"]).hasPrefix("howl.lab.example. hostmaster.lab.example. "))
    }
  }

  @Test func missingNamesAndTypesCarryTheSOA() throws {
    try withServer { pair, _, _ in
      let missing = try dig(pair, ["nope.lab.example"])
      #expect(missing.contains("status: NXDOMAIN") && missing.contains("flags: qr aa rd;"), "\(missing)")
      #expect(missing.contains("AUTHORITY SECTION:\nlab.example.\t\t120\tIN\tSOA\thowl.lab.example. hostmaster.lab.example."), "\(missing)")
      let nodata = try dig(pair, ["n1.lab.example", "AAAA"])
      #expect(nodata.contains("status: NOERROR") && nodata.contains("ANSWER: 0, AUTHORITY: 1"), "\(nodata)")
      let apex = try dig(pair, ["0.77.10.in-addr.arpa", "PTR"])
      #expect(apex.contains("status: NOERROR") && apex.contains("ANSWER: 0, AUTHORITY: 1"), "\(apex)")
      let reverseMissing = try dig(pair, ["-x", "10.77.0.99"])
      #expect(reverseMissing.contains("status: NXDOMAIN") && reverseMissing.contains("AUTHORITY SECTION:\n0.77.10.in-addr.arpa.\t120\tIN\tSOA"), "\(reverseMissing)")
    }
  }

  @Test func aLargeAnswerIsTruncatedAndDigRetriesOverTCP() throws {
    try withServer { pair, _, _ in
      let big = try dig(pair, ["many.lab.example"])
      #expect(big.contains(";; Truncated, retrying in TCP mode."), "\(big)")
      #expect(big.contains("ANSWER: 100,") && big.contains("10.77.0.220"), "\(big)")
      let tcp = try dig(pair, ["+tcp", "+short", "n2.lab.example"])
      #expect(tcp == "10.77.0.12\n")
    }
  }

  @Test func otherNamesAreRefusedWithoutAForwarderAndMalformedQueriesDropped() throws {
    try withServer { pair, server, _ in
      let outside = try dig(pair, ["example.com"])
      #expect(outside.contains("status: REFUSED") && !outside.contains("flags: qr aa"), "\(outside)")
      let script = "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(bytes([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1]), ('10.77.0.1', 53))"
      try run(["ip", "netns", "exec", pair.client, "python3", "-c", script])
      #expect(server.waitForLog("dropped malformed DNS query from"), "\(server.log)")
      #expect(server.log.contains("does not point backwards"))
      #expect(try dig(pair, ["+short", "n1.lab.example"]) == "10.77.0.11\n")
    }
  }

  @Test func aCommitIsServedWithinASecondAndMovesTheSerial() throws {
    try withServer { pair, _, scratch in
      let serial = { (text: String) in text.split(separator: " ").dropFirst(2).first.flatMap { UInt32($0) } }
      let before = try #require(serial(try dig(pair, ["+short", "lab.example", "SOA"])))
      let store = Store(root: scratch.path)
      var next = try store.load()
      next.cluster.nodes["n3"] = Entity(fields: ["network devices": .map(["default": .map(["ipaddr": .string("10.77.0.13")])])])
      _ = try store.commit(base: try store.load(), state: next)
      let committed = Date()
      var answer = ""
      while Date().timeIntervalSince(committed) < 3 {
        answer = try dig(pair, ["+short", "n3.lab.example"])
        if answer == "10.77.0.13\n" { break }
        usleep(20_000)
      }
      let elapsed = Date().timeIntervalSince(committed)
      #expect(answer == "10.77.0.13\n")
      #expect(elapsed < 1, "served after \(elapsed) s")
      let after = try #require(serial(try dig(pair, ["+short", "lab.example", "SOA"])))
      #expect(after > before)
    }
  }

  @Test func theDHCPLeaseNamesTheServerDomainAndSearchList() throws {
    try withServer(dhcp: true) { pair, server, scratch in
      let script = scratch.path + "/udhcpc.sh"
      try "#!/bin/sh\n[ \"$1\" = bound ] && echo \"LEASE ip=$ip dns=$dns domain=$domain search=$search\" >> \(scratch.path)/udhcpc.out\nexit 0\n"
        .write(toFile: script, atomically: true, encoding: .utf8)
      chmod(script, 0o755)
      try run(["ip", "netns", "exec", pair.client, "busybox", "udhcpc", "-i", "vc0", "-n", "-q", "-t", "3", "-T", "1", "-O", "search", "-s", script], timeout: 20)
      let lease = (try? String(contentsOfFile: scratch.path + "/udhcpc.out", encoding: .utf8)) ?? ""
      #expect(lease == "LEASE ip=10.77.0.11 dns=10.77.0.1 domain=lab.example search=lab.example\n", "\(lease)\n\(server.log)")
    }
  }

  /// BIND 9 truncates UDP answers over 512 bytes here and logs every query
  /// with its transport (`T` in the flags is TCP).
  @Test func otherNamesGoToTheForwarderOverUDPAndTCP() throws {
    try withServer(forward: ["127.0.0.1"]) { pair, server, scratch in
      // BIND 9 on the server namespace's loopback, authoritative for example.com.
      let mid = (1...40).map { "mid IN A 192.0.2.\($0)\n" }.joined()
      try ("$TTL 60\n@ IN SOA ns.example.com. root.example.com. 1 3600 600 86400 60\n@ IN NS ns.example.com.\nns IN A 127.0.0.1\n"
        + "www IN A 192.0.2.80\ntcp IN A 192.0.2.81\n" + mid)
        .write(toFile: scratch.path + "/example.zone", atomically: true, encoding: .utf8)
      try """
        options { directory "\(scratch.path)"; pid-file "\(scratch.path)/named.pid"; listen-on port 53 { 127.0.0.1; }; listen-on-v6 { none; };
                  recursion no; max-udp-size 512; querylog yes; };
        zone "example.com" { type primary; file "\(scratch.path)/example.zone"; };
        """.write(toFile: scratch.path + "/named.conf", atomically: true, encoding: .utf8)
      let logPath = scratch.path + "/named.log"
      _ = FileManager.default.createFile(atPath: logPath, contents: nil)
      let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
      let named = Process()
      named.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
      named.arguments = ["netns", "exec", pair.server, "named", "-g", "-u", "root", "-c", scratch.path + "/named.conf"]
      named.standardOutput = log
      named.standardError = log
      try named.run()
      defer {
        kill(named.processIdentifier, SIGKILL)
        named.waitUntilExit()
      }
      var answer = ""
      for _ in 0..<50 {
        answer = try dig(pair, ["+short", "www.example.com"])
        if answer == "192.0.2.80\n" { break }
        usleep(100_000)
      }
      #expect(answer == "192.0.2.80\n", "\(server.log)")
      #expect(try dig(pair, ["+short", "n1.lab.example"]) == "10.77.0.11\n")
      // Over 512 bytes: BIND truncates over UDP, Howl asks again over TCP and the client gets it whole over UDP.
      let whole = try dig(pair, ["mid.example.com"])
      #expect(whole.contains("ANSWER: 40,") && !whole.contains("Truncated"), "\(whole)")
      let tcp = try dig(pair, ["+tcp", "+short", "tcp.example.com"])
      #expect(tcp == "192.0.2.81\n")
      let queries = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
      func transports(_ name: String) -> [Bool] {
        queries.split(separator: "\n").filter { $0.contains("query: \(name) IN A ") }.map { line in
          line.components(separatedBy: "query: \(name) IN A ")[1].split(separator: " ")[0].contains("T")
        }
      }
      #expect(transports("mid.example.com") == [false, true], "\(queries)")
      #expect(transports("tcp.example.com") == [true], "\(queries)")
    }
  }
}
