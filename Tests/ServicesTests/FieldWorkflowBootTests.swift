import Foundation
import Testing

/// The two field workflows on VMs booting a Debian image (mmdebstrap) from
/// `howl serve`, as examples/field-workflows.howl sets them up with the
/// stdlib recipes: `split_image(img, at: "/opt")` serves the image's /opt
/// over NFS (nfs-ganesha, started by `howl serve`) to the nodes of that
/// image only; `diskful(…, device: nvme0n1, fs: "xfs")` moves a node's
/// root from RAM to its disk.
@Suite(.serialized, .debianBootLab(cluster: "examples/field-workflows.howl")) struct FieldWorkflowBootTests {
  var lab: BootLab { BootLab.current! }

  /// The three nodes of field-workflows.howl, booted together once for the
  /// suite: d1 (split image, root in RAM), d2 (split image, root on NVMe),
  /// d3 (the unsplit image, root in RAM).
  var nodes: (d1: BootReport, d2: BootReport, d3: BootReport) {
    let reports = lab.bootOnce([
      VirtualMachine(name: "d1", mac: "52:54:00:99:00:21", timeout: 600, memoryMiB: 1536),
      VirtualMachine(name: "d2", mac: "52:54:00:99:00:22", diskMiB: 2048, timeout: 600, memoryMiB: 1536),
      VirtualMachine(name: "d3", mac: "52:54:00:99:00:23", timeout: 600, memoryMiB: 1536),
    ])
    return (reports[0], reports[1], reports[2])
  }

  @Test func splitImageServesOptOverNFSToItsNodesOnly() {
    #expect(lab.clusterOutput.contains("split_image debian: /opt moved to the export debian-opt"), "\(lab.clusterOutput)")
    #expect(lab.clusterOutput.contains("before  410") && lab.clusterOutput.contains("after   346"), "Howl prints the sizes:\n\(lab.clusterOutput)")
    let (split, _, full) = nodes
    #expect(split.booted, "\(split.tail)")
    #expect(split["opt"] == "nfs4 10.99.0.1:\(lab.root)/var/lib/howl/images/debian/rootfs/opt")
    #expect(split["optfile"] == "hello from the image's /opt", "the file comes over NFS: the image itself has no /opt/*")
    #expect(full.booted, "\(full.tail)")
    #expect(full["opt"] == "", "a node of another image does not mount the export:\n\(full.tail)")
    #expect(full["optfile"] == "hello from the image's /opt", "its own image still has /opt inside")
  }

  /// The stock howl-agent overlay on a systemd image: systemd starts the
  /// agent from its unit, and the agent gets the node's key (secure mode)
  /// and applies the runtime overlay.
  @Test func systemdRunsTheNodeAgentWhichAppliesTheRuntimeOverlay() {
    let (d1, d2, d3) = nodes
    for report in [d1, d2, d3] {
      #expect(report["agentunit"] == "active", "\(report.name): \(report.tail)")
      #expect(report["agentapplied"]?.contains("applied runtime overlay") == true, "\(report.name): \(report["agentlog"] ?? "")")
    }
  }

  @Test func rootOnDiskGivesTheImageMemoryBackToJobs() throws {
    let (inRAM, onDisk, _) = nodes
    #expect(inRAM.booted && inRAM["root"] == "tmpfs tmpfs", "\(inRAM.tail)")
    #expect(onDisk.booted && onDisk["root"] == "xfs /dev/nvme0n1p1", "\(onDisk.tail)")
    #expect(onDisk["optfile"] == "hello from the image's /opt", "the split image's /opt is mounted on a disk root too")
    let imageBytes = try #require(lab.clusterOutput.split(separator: "\n").first { $0.hasPrefix("image debian: ") }
      .flatMap { Int($0.split(separator: " ")[2]) })
    let ram = try #require(inRAM["memavailable"].flatMap(Int.init))
    let disk = try #require(onDisk["memavailable"].flatMap(Int.init))
    let freed = (disk - ram) * 1024
    print("MemAvailable: root in RAM \(ram) kB, on disk \(disk) kB; freed \(freed >> 20) MiB of a \(imageBytes >> 20) MiB image")
    #expect(freed >= imageBytes * 8 / 10, "the disk root frees at least 80% of the image's size")
  }
}
