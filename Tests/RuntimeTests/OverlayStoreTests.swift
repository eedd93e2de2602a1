import Foundation
import Runtime
import Testing

/// Site overlays shadow stock ones entirely; writes clone a stock overlay to the site; paths stay inside.
struct OverlayStoreTests {
  @Test func siteShadowsStockEntirely() throws {
    let fixture = try OverlayFixture()
    let store = fixture.overlays
    #expect(store.overlay("hosts")?.isSite == false)
    #expect(store.names().contains("wwinit"))
    try FileManager.default.createDirectory(atPath: store.siteDirectory + "/hosts/rootfs/etc", withIntermediateDirectories: true)
    try "site\n".write(toFile: store.siteDirectory + "/hosts/rootfs/etc/other", atomically: true, encoding: .utf8)
    let site = try #require(store.overlay("hosts"))
    #expect(site.isSite)
    #expect(try site.files() == ["etc/other"], "no per-file merge with the stock overlay")
  }

  @Test func writingToStockClonesItFirst() throws {
    let fixture = try OverlayFixture()
    let store = fixture.overlays
    try store.write("hostname", path: "etc/extra", contents: Array("x\n".utf8))
    let overlay = try #require(store.overlay("hostname"))
    #expect(overlay.isSite)
    #expect(try overlay.files() == ["etc/extra", "etc/hostname.ww"])
    #expect(FileManager.default.fileExists(atPath: OverlayFixture.stock + "/hostname/rootfs/etc/extra") == false)
    #expect(try store.read("hostname", path: "/etc/extra") == Array("x\n".utf8))
  }

  /// Git keeps only 0644 and 0755, so private stock files list their modes in
  /// `modes`: the built entries and a site clone both get them.
  @Test func privateStockFilesKeepTheirModes() throws {
    let fixture = try OverlayFixture()
    let store = fixture.overlays
    let stock = try #require(store.overlay("ssh.host_keys"))
    let modes = Dictionary(uniqueKeysWithValues: try stock.entries().map { ($0.path, $0.mode) })
    #expect(modes["etc/ssh/ssh_host_rsa_key.ww"] == 0o600)
    #expect(modes["etc/ssh/ssh_host_rsa_key.pub.ww"] == 0o644)
    try store.write("ssh.host_keys", path: "etc/ssh/extra", contents: Array("x\n".utf8))
    let site = try #require(store.overlay("ssh.host_keys"))
    #expect(site.isSite)
    var info = stat()
    #expect(stat(site.rootfs + "/etc/ssh/ssh_host_rsa_key.ww", &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600, "the site copy's file itself is private")
    #expect(FileManager.default.fileExists(atPath: store.siteDirectory + "/ssh.host_keys/modes") == false)
  }

  @Test func pathsAndNamesAreChecked() throws {
    #expect(try OverlayPath.normalize("/etc//./hosts") == "etc/hosts")
    for bad in ["../../etc/shadow", "etc/../../x", "", "/", "./"] {
      #expect(throws: OverlayError.self) { try OverlayPath.normalize(bad) }
    }
    let fixture = try OverlayFixture()
    for bad in ["", "..", "a/b", "sp ace", "é"] {
      #expect(throws: OverlayError.self) { try fixture.overlays.create(bad) }
    }
    try fixture.overlays.create("ok-1.2:x_y")
    #expect(throws: OverlayError.self) { try fixture.overlays.create("ok-1.2:x_y") }
    #expect(throws: OverlayError.self) { try fixture.overlays.write("nope", path: "a", contents: []) }
    #expect(fixture.overlays.overlay("../etc") == nil)
  }

  @Test func overlayWithoutRootfsUsesItsDirectory() throws {
    let fixture = try OverlayFixture()
    let dir = fixture.overlays.siteDirectory + "/plain/etc"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "".write(toFile: dir + "/f", atomically: true, encoding: .utf8)
    #expect(try fixture.overlays.overlay("plain")?.files() == ["etc/f"])
  }
}
