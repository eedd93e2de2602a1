import Foundation
import Lang
import Testing
@testable import Runtime

/// The zones' data from the model: the names /etc/hosts gets (primary,
/// per device, BMC, IPv6, the head node), PTRs for all, hosts added with
/// `dns.add` kept in howl.conf, `server.dns` settings, and bad input
/// refused without staging anything.
@Suite struct DNSRecordsTests {
  static func cluster() throws -> ScratchCluster {
    let cluster = try ScratchCluster("dns")
    try cluster.script("""
      server.ipaddr = 10.139.0.1/16
      server.dns.domain = "sol.rc.asu.edu"
      nodes.add("sc[001-002]", ipaddr: 10.139.1.1)
      let n = nodes["sc001"]
      n.netdevs.ib0.ipaddr = 10.140.1.1
      n.netdevs.ib0.netmask = 255.255.0.0
      n.netdevs.ib0.device = "ib0"
      n.netdevs.default.ipaddr6 = "fd00::1/64"
      n.ipmi.ipaddr = 10.139.100.1
      dns.add("login1", 10.139.0.5)
      """)
    return cluster
  }

  func records(_ cluster: ScratchCluster) throws -> Set<String> {
    let zone = try DNSZoneData(state: try cluster.committed())
    return Set(zone.records.map { "\($0.name) \($0.kind.rawValue) \($0.value)" })
  }

  @Test func namesFromTheModel() throws {
    let cluster = try DNSRecordsTests.cluster()
    let records = try records(cluster)
    for expected in [
      "howl.sol.rc.asu.edu A 10.139.0.1",
      "sc001.sol.rc.asu.edu A 10.139.1.1", "sc001-default.sol.rc.asu.edu A 10.139.1.1",
      "sc002.sol.rc.asu.edu A 10.139.1.2",
      "sc001-ib0.sol.rc.asu.edu A 10.140.1.1",
      "sc001.sol.rc.asu.edu AAAA fd00::1",
      "sc001-ipmi.sol.rc.asu.edu A 10.139.100.1",
      "login1.sol.rc.asu.edu A 10.139.0.5",
      "1.1.139.10.in-addr.arpa PTR sc001.sol.rc.asu.edu",
      "1.1.140.10.in-addr.arpa PTR sc001-ib0.sol.rc.asu.edu",
      "1.100.139.10.in-addr.arpa PTR sc001-ipmi.sol.rc.asu.edu",
      "5.0.139.10.in-addr.arpa PTR login1.sol.rc.asu.edu",
      "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa PTR sc001.sol.rc.asu.edu",
    ] {
      #expect(records.contains(expected), "\(expected) missing from \(records.sorted())")
    }
    let zone = try DNSZoneData(state: try cluster.committed())
    #expect(zone.records.filter { $0.name == "1.1.139.10.in-addr.arpa" }.count == 1, "one PTR per address")
    #expect(zone.reverse.map(\.name) == ["139.10.in-addr.arpa", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa", "140.10.in-addr.arpa"])
  }

  @Test func addedHostsAreKeptInHowlConfAndRemoved() throws {
    let cluster = try DNSRecordsTests.cluster()
    let text = try String(contentsOfFile: cluster.store.serverConfPath, encoding: .utf8)
    #expect(text.contains("dns:\n  enabled: false\n  domain: sol.rc.asu.edu"))
    #expect(text.contains("  hosts:\n    login1:\n      - 10.139.0.5"))
    #expect(try cluster.committed().server.dns.hosts == ["login1": ["10.139.0.5"]])
    let printed = try cluster.script("print(dns)\nprint(dns.hosts)")
    #expect(printed == "NAME                   ADDRESS\nlogin1.sol.rc.asu.edu  10.139.0.5\n(1 host added; DNS off)\n{login1: 10.139.0.5}\n")
    try cluster.script("dns.remove(\"login1.sol.rc.asu.edu\")")
    #expect(try cluster.committed().server.dns.hosts.isEmpty)
    #expect(try !records(cluster).contains("login1.sol.rc.asu.edu A 10.139.0.5"))
  }

  @Test func settingsRoundTrip() throws {
    let cluster = try DNSRecordsTests.cluster()
    let printed = try cluster.script("""
      server.dns.enabled = true
      server.dns.ttl = 60
      server.dns.forward = [192.0.2.53]
      server.dns.listen = 10.139.0.1
      server.dns.port = 5353
      print(server.dns.reverse)
      server.dns.reverse = [10.139.0.0/16]
      print(server.dns.enabled, server.dns.ttl, server.dns.forward, server.dns.listen, server.dns.port, server.dns.reverse)
      """)
    #expect(printed == "[10.139.0.0/16, \"fd00::/64\", 10.140.0.0/16]\ntrue 60 [192.0.2.53] 10.139.0.1 5353 [10.139.0.0/16]\n")
    let dns = try cluster.committed().server.dns
    #expect(dns == DNSSettings(enabled: true, domain: "sol.rc.asu.edu", reverse: ["10.139.0.0/16"], ttl: 60, forward: ["192.0.2.53"],
                               listen: "10.139.0.1", port: 5353, hosts: ["login1": ["10.139.0.5"]]))
    let zone = try DNSZoneData(state: try cluster.committed())
    #expect(zone.records.filter { $0.name == "1.1.139.10.in-addr.arpa" }.count == 1, "one PTR per address")
    #expect(zone.reverse.map(\.name) == ["139.10.in-addr.arpa"])
    #expect(!zone.records.contains { $0.kind == .ptr && $0.value == "sc001-ib0.sol.rc.asu.edu" })
  }

  @Test func aConfWithoutDNSWritesNoDNSSection() throws {
    let cluster = try ScratchCluster("dns-none")
    try cluster.script("server.ipaddr = 10.0.0.1/24")
    #expect(try !String(contentsOfFile: cluster.store.serverConfPath, encoding: .utf8).contains("dns:"))
  }

  @Test(arguments: [
    ("dns.add(\"bad name\", 10.139.0.9)", "dns.add: bad name \"bad name\": label bad name has characters other than letters, digits, - and _"),
    ("dns.add(\"-x\", 10.139.0.9)", "label -x starts or ends with -"),
    ("dns.add(\"\(String(repeating: "a", count: 64))\", 10.139.0.9)", "is longer than 63 bytes"),
    ("dns.add(\"login1\", 10.139.0.6)", "dns.add: login1.sol.rc.asu.edu already exists (from dns.add) (dns.remove(\"login1\") first)"),
    ("dns.add(\"sc001-ipmi\", 10.139.0.6)", "dns.add: sc001-ipmi.sol.rc.asu.edu already exists (from sc001)"),
    ("dns.add(\"web\", 192.168.7.7)", "dns.add: 192.168.7.7 is outside every zone of the cluster (139.10.in-addr.arpa, 0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa, 140.10.in-addr.arpa)"),
    ("dns.add(\"web\", \"nope\")", "dns.add needs an IP address or a list of them, not \"nope\""),
    ("dns.remove(\"login2\")", "no host \"login2\" was added to dns"),
    ("server.dns.domain = \"a..b\"", "server.dns.domain: empty label in a..b"),
    ("server.dns.reverse = [10.139.0.0/20]", "needs a prefix on a byte (8, 16, 24) boundary"),
    ("server.dns.forward = [\"resolver\"]", "server.dns.forward needs IP addresses, not \"resolver\""),
  ])
  func badInputStagesNothing(line: String, message: String) throws {
    let cluster = try DNSRecordsTests.cluster()
    let before = try cluster.committed()
    let failure = cluster.failure("dns.add(\"ok\", 10.139.0.7)\n" + line + "\nprint(1)")
    #expect(failure?.contains(message) == true, "\(failure ?? "no error")")
    #expect(try cluster.committed() == before)
  }

  @Test(arguments: [
    ("sc001", nil), ("sc001.", nil), ("A-b_c.d9", nil), (String(repeating: "a", count: 63), nil),
    ("", "a name needs at least one label"), (".", "a name needs at least one label"),
    ("a..b", "empty label in a..b"), ("a..", "empty label in a.."), (".a", "empty label in .a"),
    ("a-.b", "label a- starts or ends with -"), ("a.-b", "label -b starts or ends with -"), ("a-", "label a- starts or ends with -"),
    (String(repeating: "a", count: 64), "label \(String(repeating: "a", count: 64)) is longer than 63 bytes"),
    (Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: "."), "a name is at most 253 bytes"),
    ("é.x", "label é has characters other than letters, digits, - and _"), ("a b", "label a b has characters other than letters, digits, - and _"),
  ] as [(String, String?)])
  func nameChecks(name: String, problem: String?) {
    #expect(DNSName.problem(name) == problem)
  }

  @Test func badDNSSectionIsAClearError() {
    #expect(throws: ConfigError.self) { try ServerConfig.parse("dns:\n  ttl: soon\n", file: "howl.conf") }
    #expect(throws: ConfigError.self) { try ServerConfig.parse("dns:\n  hosts:\n    x: [not-an-ip]\n", file: "howl.conf") }
    #expect(throws: ConfigError.self) { try ServerConfig.parse("dns:\n  colour: red\n", file: "howl.conf") }
  }
}
