import Foundation
import Testing

/// The operator's path: `scripts/package` builds the .deb; lintian finds no
/// error in it; in a fresh Debian 12 root made by mmdebstrap, `apt-get
/// install` resolves every dependency from Debian, the installed `howl`
/// works on the FHS paths, `man howl` shows the page, the unit verifies, an
/// upgrade keeps the cluster and a purge removes the package's files only.
@Suite(.serialized)
struct DebianPackageTests {
  @Test func theDebInstallsUpgradesAndPurgesInAFreshDebianRoot() throws {
    let scratch = try ScratchDirectory()
    let out = scratch.path + "/debs"
    // `swift test` holds the lock on .build: the release build goes beside it.
    let build = ["--scratch-path", HowlProgram.packageRoot.path + "/.build/package"]
    let first = try Shell.run([HowlProgram.packageRoot.path + "/scripts/package", "--out", out] + build, timeout: 2400)
    try #require(first.status == 0, "scripts/package failed: \(first.errors)")
    let second = try Shell.run([HowlProgram.packageRoot.path + "/scripts/package", "--no-build", "--revision", "2", "--out", out] + build)
    try #require(second.status == 0, "scripts/package --revision 2 failed: \(second.errors)")
    let deb = first.output.trimmingCharacters(in: .whitespacesAndNewlines)
    let upgrade = second.output.trimmingCharacters(in: .whitespacesAndNewlines)
    let version = try Shell.run(["dpkg-deb", "-f", deb, "Version"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    let upstream = String(version.prefix { $0 != "-" })

    let lintian = try Shell.run(["lintian", "--fail-on", "error", deb], timeout: 600)
    #expect(lintian.status == 0, "lintian: \(lintian.output)\(lintian.errors)")
    #expect(!lintian.output.contains("E: "), "lintian errors: \(lintian.output)")

    let root = scratch.path + "/debian"
    let made = try Shell.run(["mmdebstrap", "--quiet", "--variant=minbase", "--include=man-db,systemd",
                              "bookworm", root, "http://deb.debian.org/debian"], timeout: 1800)
    try #require(made.status == 0, "mmdebstrap: \(made.errors)")
    for file in [deb, upgrade] {
      try FileManager.default.copyItem(atPath: file, toPath: root + "/tmp/" + (file as NSString).lastPathComponent)
    }
    let chroot = DebianRoot(path: root)

    let install = try chroot.run("apt-get update -qq && apt-get install -y --no-install-recommends /tmp/\((deb as NSString).lastPathComponent)")
    try #require(install.status == 0, "apt-get install: \(install.output)\(install.errors)")
    #expect(try chroot.run("howl --version").output == upstream + "\n")
    for doc in ["README.md", "docs/language.md", "docs/boot.md"] {
      #expect(FileManager.default.fileExists(atPath: root + "/usr/share/doc/howl/" + doc), "\(doc) is installed")
    }
    let conf = root + "/etc/howl/nodes.conf"
    #expect(try String(contentsOfFile: conf, encoding: .utf8).contains("default:"), "the fresh state has the default profile")
    #expect(try chroot.run("dpkg -S /etc/howl/nodes.conf").status != 0, "nodes.conf is the site's, not the package's")
    let empty = try chroot.run("howl -c 'print(len(nodes)); print(profiles[\"default\"].overlays)'")
    #expect(empty.status == 0 && empty.output.hasPrefix("0\n") && empty.output.contains("wwinit"), "\(empty)")
    #expect(try chroot.run("howl serve --help").output.contains("--dhcp-mode"))
    let page = try chroot.run("MANWIDTH=80 man -P cat howl")
    #expect(page.output.contains("howl - provision HPC clusters"), "man howl: \(page.output)\(page.errors)")
    #expect(try chroot.run("MANWIDTH=80 man -P cat 8 howl-serve").output.contains("--dhcp-mode"))
    #expect(try chroot.run("MANWIDTH=80 man -P cat 7 howl-language").output.contains("xfs(nvme0n1)"))
    let verify = try chroot.run("systemd-analyze verify /lib/systemd/system/howl.service")
    #expect(verify.status == 0 && !verify.errors.contains("howl.service"), "systemd-analyze verify: \(verify.errors)")
    for field in ["Recommends", "Suggests"] {
      let names = try Shell.run(["dpkg-deb", "-f", deb, field]).output.split(separator: ",")
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
      for name in names {
        #expect(try chroot.run("apt-cache show \(name) >/dev/null").status == 0, "\(field) \(name) is not in Debian 12")
      }
    }

    let added = try chroot.run("howl -c 'nodes.add(\"n[1-2]\", profile: \"default\", ipaddr: 10.0.0.11)'")
    try #require(added.status == 0, "\(added)")
    let cluster = try String(contentsOfFile: conf, encoding: .utf8)
    #expect(cluster.contains("n1:") && cluster.contains("n2:"))

    let upgraded = try chroot.run("apt-get install -y --no-install-recommends /tmp/\((upgrade as NSString).lastPathComponent)")
    try #require(upgraded.status == 0, "upgrade: \(upgraded.output)\(upgraded.errors)")
    #expect(try chroot.run("dpkg-query -W -f '${Version}' howl").output == upstream + "-2")
    #expect(try String(contentsOfFile: conf, encoding: .utf8) == cluster, "the upgrade kept nodes.conf")
    #expect(try chroot.run("howl -c 'print(nodes[\"n2\"].ipaddr)'").output == "10.0.0.12\n")

    let purged = try chroot.run("apt-get purge -y howl")
    try #require(purged.status == 0, "purge: \(purged.output)\(purged.errors)")
    for path in ["/usr/bin/howl", "/usr/share/howl", "/lib/systemd/system/howl.service",
                 "/usr/share/man/man1/howl.1.gz", "/usr/share/doc/howl"] {
      #expect(!FileManager.default.fileExists(atPath: root + path), "\(path) is still there after the purge")
    }
    #expect(try String(contentsOfFile: conf, encoding: .utf8) == cluster, "the purge left the site's nodes.conf")
  }
}

/// A Debian root made by mmdebstrap; each command runs chrooted into it in a
/// mount namespace of its own with /proc mounted, so nothing is left mounted.
struct DebianRoot {
  let path: String

  func run(_ command: String) throws -> Shell.Result {
    try Shell.run(["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                   "mount -t proc proc \"$0/proc\" && exec chroot \"$0\" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -c \"$1\"",
                   path, command], timeout: 900)
  }
}
