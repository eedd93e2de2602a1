import Foundation

/// A QEMU VM of the boot lab: its MAC, firmware and optional NVMe disk.
struct VirtualMachine: Sendable {
  /// `aarch64`: an arm64 VM (`-M virt`) with AAVMF UEFI firmware.
  enum Firmware: String, Sendable { case bios, uefi, aarch64 }

  var name: String
  var mac: String
  var firmware = Firmware.bios
  /// Size of a blank NVMe disk (nvme0n1) to attach, in MiB.
  var diskMiB: Int?
  /// Seconds before the VM is killed (a node that boots powers itself off).
  var timeout = 300
  var memoryMiB = 1024

  /// Boots the VM on `tap` and waits for it to power off or time out.
  func boot(in lab: BootLab, tap: String) -> BootReport {
    let log = lab.root + "/vm/\(name).serial"
    var environment = ProcessInfo.processInfo.environment
    environment["FIRMWARE"] = firmware.rawValue
    environment["TIMEOUT"] = String(timeout)
    environment["MEM"] = String(memoryMiB)
    if let diskMiB {
      let disk = lab.root + "/vm/\(name).disk"
      _ = FileManager.default.createFile(atPath: disk, contents: nil)
      truncate(disk, off_t(diskMiB) << 20)
      environment["DISK"] = disk
    }
    let started = Date()
    let result = try? run([Fixture.packageRoot.appendingPathComponent("scripts/lab/vm").path, lab.namespace, tap, mac, log],
                          timeout: TimeInterval(timeout + 30), environment: environment)
    let serial = (try? String(contentsOfFile: log, encoding: .isoLatin1)) ?? ""
    return BootReport(name: name, serial: serial, status: result?.status ?? -1, seconds: Date().timeIntervalSince(started))
  }
}

/// What a VM printed: the `LAB: key=value` lines of /sbin/labcheck (the
/// lab image's init) and the whole serial log for failure messages.
struct BootReport: Sendable {
  var name: String
  var serial: String
  var status: Int32
  var seconds: TimeInterval

  /// True when the node's init ran to the end (it prints `LAB: DONE`).
  var booted: Bool { serial.contains("LAB: DONE") }

  /// The value of `LAB: key=`; the line may begin with what a getty on
  /// the same console printed (`d1 login: LAB: …`).
  subscript(key: String) -> String? {
    for line in serial.split(whereSeparator: \.isNewline) {
      guard let start = line.range(of: "LAB: \(key)=") else { continue }
      return String(line[start.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
    return nil
  }

  /// The last lines of the serial log, for a failure message.
  var tail: String { "\(name) (status \(status), \(Int(seconds)) s):\n" + serial.split(separator: "\n").suffix(40).joined(separator: "\n") }
}
