import Foundation
import Testing
@testable import Runtime

/// What `dns.sync` would send, worked out without a server: only the record
/// sets that differ, removals only at names Howl manages, changes grouped
/// into messages that fit, and TSIG keys read from BIND key files with their
/// secret never printed.
@Suite struct DNSSyncPlanTests {
  func set(_ name: String, _ values: [String], _ kind: DNSRecord.Kind = .a, ttl: Int = 300) -> DNSRRSet {
    DNSRRSet(name: name, kind: kind, ttl: ttl, values: values)
  }

  @Test func onlyDifferencesAreChangedAndOnlyManagedNamesRemoved() {
    let desired = [set("n1.lab", ["10.0.0.1"]), set("n2.lab", ["10.0.0.2"]), set("n3.lab", ["10.0.0.3"])]
    let held = [
      set("n1.lab", ["10.0.0.1"]), set("n2.lab", ["10.0.0.9"]), set("printer.lab", ["10.0.0.200"]),
      set("n4.lab", ["10.0.0.4"]), set("n1.lab", ["fd00::1"], .aaaa),
    ]
    let plan = DNSSyncPlan(zone: "lab", desired: desired, held: held, managed: ["n1.lab", "n4.lab"])
    #expect(plan.changes == [
      DNSRRSetChange(before: set("n2.lab", ["10.0.0.9"]), after: set("n2.lab", ["10.0.0.2"])),
      DNSRRSetChange(before: nil, after: set("n3.lab", ["10.0.0.3"])),
      DNSRRSetChange(before: set("n4.lab", ["10.0.0.4"]), after: nil),
      DNSRRSetChange(before: set("n1.lab", ["fd00::1"], .aaaa), after: nil),
    ])
    #expect(DNSSyncPlan(zone: "lab", desired: desired, held: desired, managed: ["n1.lab"]).changes.isEmpty)
    let ttl = DNSSyncPlan(zone: "lab", desired: [set("n1.lab", ["10.0.0.1"])], held: [set("n1.lab", ["10.0.0.1"], ttl: 60)], managed: [])
    #expect(ttl.changes.count == 1, "a different TTL is a change")
  }

  @Test func changesAreGroupedIntoMessagesThatFit() {
    let desired = (1...10_000).map { set("n\($0).bench.cluster", ["10.97.\($0 / 250).\($0 % 250)"]) }
    let plan = DNSSyncPlan(zone: "bench.cluster", desired: desired, held: [], managed: [])
    let messages = plan.messages()
    #expect(messages.flatMap { $0 } == plan.changes)
    // Each add costs its prerequisite (name, 10 bytes) and its record (name, 10, 4): names of at most 6 bytes and a pointer.
    #expect(messages.count == 7, "\(messages.map(\.count))")
    #expect(DNSSyncPlan(zone: "bench.cluster", desired: Array(desired.prefix(800)), held: [], managed: []).messages().count == 1)
  }

  @Test func keysComeFromBINDKeyFilesAndNeverShowTheirSecret() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("howl-tsig-\(UUID().uuidString).key").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "# made by tsig-keygen\nkey \"Howl-Sync.\" {\n\talgorithm hmac-sha256;\n\tsecret \"c2VjcmV0\";\n};\n".write(toFile: path, atomically: true, encoding: .utf8)
    let key = try TSIGKey(file: path)
    #expect(key.name == "howl-sync" && key.algorithm == "hmac-sha256" && key.secret == Array("secret".utf8))
    #expect(key.description == "tsig(\"howl-sync\", \"hmac-sha256\", ********)")
    #expect(throws: DNSZoneError.self) { try TSIGKey(name: "k", algorithm: "hmac-md5", base64Secret: "c2VjcmV0") }
    #expect(throws: DNSZoneError.self) { try TSIGKey(name: "k", algorithm: "hmac-sha256", base64Secret: "not base64!") }
  }

  @Test func hmacSHA256MatchesRFC4231() {
    // RFC 4231 test case 2.
    let mac = HMAC.sha256(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
    #expect(mac.map { String(format: "%02x", $0) }.joined() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }
}
