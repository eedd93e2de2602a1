import Foundation
import Testing

/// Two-stage boot (`ipxe template: two-stage`) on the boot lab: an image of
/// about 200 MiB (160 MiB of random ballast, gzip'd and zstd'd) on VMs of
/// 320 MiB, less than twice the image. Single-stage cannot boot it (the
/// firmware's copy and the unpacked initramfs do not fit together); Howl's
/// stage one streams it into a tmpfs (BIOS, gzip, `howl serve` restarted
/// mid-stream) and onto an XFS root on NVMe (UEFI, zstd). One boot of
/// three VMs proves all of it.
@Suite(.serialized, .largeImageBootLab(cluster: "Tests/Fixtures/bootlab/twostage.howl")) struct TwoStageBootTests {
  var lab: BootLab { BootLab.current! }
  static let memoryMiB = 320
  static let imageMiB = 160 + 40

  /// What the one boot of the three VMs showed.
  struct Outcome {
    var single, stream, disk: BootReport
    /// `howl status`'s progress for `stream` when the test restarted `howl serve`.
    var restartedAt: String?
  }
  static let outcome = LockedBox<Outcome?>(nil)

  /// Boots the three VMs, the first time only; restarts `howl serve` when
  /// `stream` reports that it is in the middle of its image.
  func boots() throws -> Outcome {
    if let done = TwoStageBootTests.outcome.value { return done }
    let restarted = LockedBox<String?>(nil)
    let booted = LockedBox(false)
    let watcher = Thread { [lab] in
      while !booted.value {
        if let sent = TwoStageBootTests.streamProgress(lab), let percent = Int(sent.split(separator: " ")[1]), percent >= 15, percent < 85 {
          restarted.value = sent
          // Down long enough that the node's next chunk finds no server.
          try? lab.restartServe(pause: 3)
          return
        }
        usleep(100_000)
      }
    }
    watcher.start()
    let reports = lab.bootOnce([
      VirtualMachine(name: "single", mac: "52:54:00:99:00:21", timeout: 240, memoryMiB: TwoStageBootTests.memoryMiB),
      VirtualMachine(name: "stream", mac: "52:54:00:99:00:22", timeout: 500, memoryMiB: TwoStageBootTests.memoryMiB),
      VirtualMachine(name: "streamdisk", mac: "52:54:00:99:00:23", firmware: .uefi, diskMiB: 1024, timeout: 500,
                     memoryMiB: TwoStageBootTests.memoryMiB),
    ])
    booted.value = true
    while watcher.isExecuting { usleep(100_000) }
    let done = Outcome(single: reports[0], stream: reports[1], disk: reports[2], restartedAt: restarted.value)
    TwoStageBootTests.outcome.value = done
    return done
  }

  /// What `howl status` shows as sent for `stream` while it is in stage one's image.
  static func streamProgress(_ lab: BootLab) -> String? {
    guard let status = try? run([Fixture.howl, "status"], environment: ["HOWL_ROOT": lab.root]) else { return nil }
    for line in status.output.split(separator: "\n") where line.hasPrefix("stream ") {
      let columns = line.split(separator: " ", omittingEmptySubsequences: true)
      if columns.count > 4, columns[1] == "stage1", columns[2] == "image", columns[4] == "%" { return "image \(columns[3]) %" }
    }
    return nil
  }

  @Test func anImageTooBigForSingleStageStreamsIntoATmpfsAcrossAServerRestart() throws {
    let booted = try boots()
    let (single, stream, restartedAt) = (booted.single, booted.stream, booted.restartedAt)
    #expect(!single.booted, "single-stage cannot hold the image twice in \(TwoStageBootTests.memoryMiB) MiB:\n\(single.tail)")
    #expect(stream.booted, "\(stream.tail)")
    #expect(stream["root"] == "tmpfs tmpfs")
    #expect(stream["hostname"] == "stream")
    #expect(stream.serial.contains("howl-stage1: runtime overlay: applied"), "from a privileged port:\n\(stream.tail)")
    #expect(stream["file"] == "node stream at 10.99.0.22")
    #expect(stream.serial.contains("howl-stage1: network: eth0 10.99.0.22 (from iPXE)"), "\(stream.tail)")
    let available = Int(stream["memavailable"] ?? "") ?? 0
    #expect(available > 16 << 10 && available < (TwoStageBootTests.memoryMiB - TwoStageBootTests.imageMiB) << 10,
            "the image lives in the tmpfs: MemAvailable \(available) kB")
    #expect(restartedAt != nil, "howl status showed stage1 image progress")
    #expect(stream.serial.contains("failed (try 1), again in 1 s"), "the stream was cut by the restart:\n\(stream.tail)")
  }

  @Test func aUEFINodeStreamsAZstdImageOntoXFSWithNoCopyInRAM() throws {
    let disk = try boots().disk
    #expect(disk.booted, "\(disk.tail)")
    #expect(disk["root"] == "xfs /dev/nvme0n1p1")
    #expect(disk["hostname"] == "streamdisk")
    #expect(disk.serial.contains("howl-stage1: runtime overlay: applied"), "from a privileged port:\n\(disk.tail)")
    let available = Int(disk["memavailable"] ?? "") ?? 0
    #expect(available > TwoStageBootTests.imageMiB << 10, "the image is on the disk, not in RAM: MemAvailable \(available) kB")
  }

  @Test func howlStatusShowsWhereEachNodeGotTo() throws {
    _ = try boots()
    let status = try run([Fixture.howl, "status"], environment: ["HOWL_ROOT": lab.root])
    let line = status.output.split(separator: "\n").first { $0.hasPrefix("stream ") } ?? ""
    #expect(line.contains("stage1") && line.contains("switch_root"), "\(status.output)")
  }
}

/// A value shared between the test and its watcher thread.
final class LockedBox<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value
  init(_ value: Value) { stored = value }
  var value: Value {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}
