import Foundation
import Runtime
import Testing

/// The parallel gzip writer: one stream that `gzip` tests and decompresses
/// to the input, whatever the block boundaries.
struct ArchiveParallelGzipTests {
  func compress(_ input: [UInt8], blockSize: Int, level: Int32 = 6) throws -> (dir: String, file: String) {
    let dir = try Fixtures.scratch("pgzip")
    try Data(input).write(to: URL(fileURLWithPath: dir + "/in"))
    let fd = open(dir + "/in.gz", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    defer { close(fd) }
    let gzip = try ParallelGzipWriter(output: fd, level: level, blockSize: blockSize, threads: 2)
    // Feed in uneven pieces to cross block boundaries at odd offsets.
    var offset = 0
    var piece = 1
    while offset < input.count {
      let n = min(piece, input.count - offset)
      try input.withUnsafeBytes { try gzip.write(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
      offset += n
      piece = piece * 3 + 7
    }
    try gzip.finish()
    return (dir, dir + "/in.gz")
  }

  func mixedInput(count: Int) -> [UInt8] {
    var generator = SeededGenerator(seed: 7)
    let words = ["node", "sc001", "kernel", "initramfs", "overlay", "\n", " ", "/usr/lib64/", "0x"]
    var out: [UInt8] = []
    out.reserveCapacity(count)
    while out.count < count {
      if Int.random(in: 0..<10, using: &generator) == 0 {
        for _ in 0..<200 { out.append(UInt8.random(in: 0...255, using: &generator)) }
      } else {
        out.append(contentsOf: words[Int.random(in: 0..<words.count, using: &generator)].utf8)
      }
    }
    return Array(out.prefix(count))
  }

  @Test func manyBlocksMakeOneValidStream() throws {
    let input = mixedInput(count: 3 * 1024 * 1024 + 12345)
    let (dir, file) = try compress(input, blockSize: 64 * 1024)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(try Shell.run("gzip -t \(file)").status == 0)
    #expect(try Shell.run("gzip -dc \(file) | cmp - \(dir)/in").status == 0)
    // One member: gzip -l reports the whole length from the single trailer.
    #expect(try Shell.run("gzip -l \(file)").output.contains(String(input.count)))
    // Within 3% of gzip -6 on the same data.
    let reference = try Shell.run("gzip -6 -c \(dir)/in | wc -c").output.trimmingCharacters(in: .whitespacesAndNewlines)
    let ours = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
    let ratio = Double(ours) / (Double(reference) ?? 1)
    #expect(ratio < 1.03, "ours \(ours) vs gzip \(reference)")
  }

  @Test func emptyAndTinyInputs() throws {
    for input in [[UInt8](), [0x41], Array(repeating: 0x41, count: 32 * 1024 + 1)] {
      let (dir, file) = try compress(input, blockSize: 32 * 1024)
      defer { try? FileManager.default.removeItem(atPath: dir) }
      #expect(try Shell.run("gzip -t \(file)").status == 0)
      #expect(try Shell.run("gzip -dc \(file) | cmp - \(dir)/in").status == 0)
    }
  }

  @Test func pythonZlibReadsItAsOneMember() throws {
    let input = mixedInput(count: 700_000)
    let (dir, file) = try compress(input, blockSize: 128 * 1024, level: 9)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // zlib's gzip decoder stops at the end of the first member: all bytes must be there.
    let script = "import zlib,sys; d=zlib.decompressobj(31); out=d.decompress(open(sys.argv[1],'rb').read()); print(len(out), d.eof, len(d.unused_data))"
    #expect(try Shell.run("python3 -c \"\(script)\" \(file)").output == "\(input.count) True 0\n")
  }

  @Test func badLevelIsAnError() throws {
    #expect(throws: ArchiveError.self) { try ParallelGzipWriter(output: -1, level: 0) }
  }
}

/// Runs shell commands for tests.
enum Shell {
  @discardableResult
  static func run(_ command: String) throws -> (status: Int32, output: String) {
    try Command.run("/bin/sh", ["-c", command])
  }
}
