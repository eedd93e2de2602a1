import Foundation
import Testing
@testable import Runtime

/// Hostlists against ClusterShell's `nodeset` as the oracle (installed by
/// scripts/setup); the oracle tests are skipped where it is missing.
@Suite struct HostlistTests {
  static let nodeset = "/usr/bin/nodeset"
  static var haveNodeset: Bool { FileManager.default.isExecutableFile(atPath: nodeset) }

  /// Runs `nodeset` with `arguments`, returning its output without the final newline.
  static func run(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: nodeset)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
  }

  static let patterns = [
    "sc[001-004,010]", "r[1-2]-n[08-09]", "a,b,c[1-3]", "node[1-3],node5,node[7-8,10]", "n[08-11]", "n[8-11]",
    "n[98-101]", "n[098-101]", "n[0-3]", "n[00-03]", "x[1-3]y[1-2]z[5,7]", "rack[1-2]-node[001-003]", "gpu01",
    "login", "n[1-5/2]", "cn[1-2,4-6]-ib", "a[1-2],b[3-4],a[5]", "n[9-10],n[09-10]", "s[1-3]p[1,3]",
    "r[1-3]n[1-2],r4n[1-5]", "r1n[1-3],r2n[2-4]", "c[0-1]-[0-2]",
  ]

  @Test(arguments: patterns)
  func matchesNodeset(pattern: String) throws {
    let names = try Hostlist.expand(pattern)
    try #require(!names.isEmpty)
    guard Self.haveNodeset else { return }
    let expanded = try Self.run(["-e", "-S", "\n", pattern]).split(separator: "\n").map(String.init)
    #expect(Set(names) == Set(expanded), "expand \(pattern)")
    #expect(Hostlist.compress(names) == (try Self.run(["-f", pattern])), "compress \(pattern)")
    #expect(Set(try Hostlist.expand(Hostlist.compress(names))) == Set(names))
  }

  @Test func expandKeepsWrittenOrderAndPadding() throws {
    #expect(try Hostlist.expand("sc[001-004,010]") == ["sc001", "sc002", "sc003", "sc004", "sc010"])
    #expect(try Hostlist.expand("r[1-2]-n[08-09]") == ["r1-n08", "r1-n09", "r2-n08", "r2-n09"])
    #expect(try Hostlist.expand("a,b,c[1-3]") == ["a", "b", "c1", "c2", "c3"])
    #expect(try Hostlist.expand("node[4,1]") == ["node4", "node1"])
    #expect(try Hostlist.expand("n[08-10]") == ["n08", "n09", "n10"])
    #expect(try Hostlist.expand("n[1-7/3]") == ["n1", "n4", "n7"])
  }

  @Test(arguments: ["n[", "n]", "n[]", "n[a-b]", "n[4-1]", "n[1-]", "n[1-2-3]", "n[[1]]", "a,,b", "", "n[1-2/0]",
                    "n[0-999999],m[0-1]", "x[1-1000]y[1-1001]"])
  func badPatternsThrow(pattern: String) {
    #expect(throws: Hostlist.SyntaxError.self) { try Hostlist.expand(pattern) }
  }

  @Test func aMillionNamesIsTheLimit() throws {
    #expect(try Hostlist.expand("n[0-999999]").count == 1_000_000)
  }

  @Test func compressBasics() {
    #expect(Hostlist.compress([]) == "")
    #expect(Hostlist.compress(["b", "a", "a"]) == "a,b")
    #expect(Hostlist.compress(["sc003", "sc001", "sc002", "sc010"]) == "sc[001-003,010]")
    #expect(Hostlist.compress(["x%s1", "x%s2", "a%b"]) == "a%b,x%s[1-2]")
  }

  /// Random sets of names over several shapes, compressed by Howl and by nodeset.
  @Test func randomSetsMatchNodeset() throws {
    guard Self.haveNodeset else { return }
    var generator = SeededGenerator(seed: 2026)
    for round in 0..<60 {
      var names = Set<String>()
      let count = Int.random(in: 1...40, using: &generator)
      for _ in 0..<count {
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: names.insert("sc" + Hostlist.pad(Int.random(in: 0...30, using: &generator), 3))
        case 1: names.insert("n\(Int.random(in: 0...25, using: &generator))")
        case 2: names.insert("r\(Int.random(in: 1...3, using: &generator))-n" + Hostlist.pad(Int.random(in: 1...6, using: &generator), 2))
        case 3: names.insert("c\(Int.random(in: 0...2, using: &generator))s\(Int.random(in: 0...2, using: &generator))p\(Int.random(in: 0...2, using: &generator))")
        default: names.insert(["login", "head", "n08", "n009", "gpu\(Int.random(in: 8...11, using: &generator))"].randomElement(using: &generator)!)
        }
      }
      let list = Array(names).shuffled(using: &generator)
      let expected = try Self.run(["-f"] + list)
      #expect(Hostlist.compress(list) == expected, "round \(round): \(list.sorted())")
      #expect(Set(try Hostlist.expand(expected)) == names)
    }
  }
}
