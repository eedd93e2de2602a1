import Foundation
import Runtime
import Testing

/// The zstd writer: one checksummed frame, compressed by two workers, that
/// `zstd` tests, lists and decompresses to the input.
struct ArchiveZstdTests {
  @Test func twoWorkersMakeOneChecksummedFrame() throws {
    let dir = try Fixtures.scratch("zstd")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let input = ArchiveParallelGzipTests().mixedInput(count: 24 * 1024 * 1024 + 4321)
    try Data(input).write(to: URL(fileURLWithPath: dir + "/in"))
    let fd = open(dir + "/in.zst", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let writer = try ZstdWriter(output: fd, level: 3, threads: 2)
    // Uneven pieces, as libarchive hands them over.
    for range in [0..<1, 1..<10_241, 10_241..<9_000_000, 9_000_000..<input.count] {
      try input.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
    try writer.finish()
    close(fd)

    #expect(try Shell.run("zstd -qt \(dir)/in.zst").status == 0)
    #expect(try Shell.run("zstd -qdc \(dir)/in.zst | cmp - \(dir)/in").status == 0)
    let listing = try Shell.run("zstd -lv \(dir)/in.zst").output
    #expect(listing.contains("Zstandard Frames: 1") && listing.contains("Check: XXH64"), "\(listing)")
    let size = try FileManager.default.attributesOfItem(atPath: dir + "/in.zst")[.size] as? Int
    #expect(size == writer.compressedBytes)
    // Within 3% of `zstd -3` on one core.
    let reference = try Shell.run("zstd -q -3 -T1 -c \(dir)/in | wc -c").output.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(Double(writer.compressedBytes) / (Double(reference) ?? 1) < 1.03, "ours \(writer.compressedBytes) vs zstd \(reference)")
  }

  @Test func anEmptyInputIsAValidFrameAndBadLevelsAreRefused() throws {
    let dir = try Fixtures.scratch("zstd-empty")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let fd = open(dir + "/empty.zst", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    defer { close(fd) }
    try ZstdWriter(output: fd).finish()
    #expect(try Shell.run("zstd -qdc \(dir)/empty.zst | wc -c").output == "0\n")
    #expect { try ZstdWriter(output: fd, level: 20) } throws: { "\($0)".contains("zstd level must be 1 to 19, not 20") }
  }
}
