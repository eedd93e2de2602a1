import Foundation
import Lang
import Runtime
import Testing

/// Overlay bindings that spec files cannot reach: `overlay.edit` with `$EDITOR`,
/// and stock overlays seen from the language.
struct OverlayBindingTests {
  @Test func editOpensEditorOnTheSiteCopy() throws {
    let fixture = try OverlayFixture()
    let interpreter = Interpreter()
    Library.installAll(into: interpreter)
    RuntimeLibrary.install(into: interpreter)
    ClusterLibrary.install(into: interpreter, cluster: ClusterContext(store: fixture.store))
    let saved = OverlaySettings.stockDirectory
    OverlaySettings.stockDirectory = OverlayFixture.stock
    defer { OverlaySettings.stockDirectory = saved }
    let previousEditor = ProcessInfo.processInfo.environment["EDITOR"]
    setenv("EDITOR", "sh -c 'echo edited >> \"$0\"'", 1)
    defer { if let previousEditor { setenv("EDITOR", previousEditor, 1) } else { unsetenv("EDITOR") } }
    var printed = ""
    interpreter.output = { printed += $0 }
    try interpreter.run(SourceFile(name: "t", text: """
      print(overlays["hostname"].site)
      overlays["hostname"].edit("etc/hostname.ww")
      overlays["hostname"].edit("etc/new")
      print(overlays["hostname"].site, overlays["hostname"].files)
      """))
    #expect(printed == "false\ntrue [\"etc/hostname.ww\", \"etc/new\"]\n")
    #expect(try fixture.overlays.read("hostname", path: "etc/hostname.ww") == Array("{{.Id}}\nedited\n".utf8))
    #expect(try fixture.overlays.read("hostname", path: "etc/new") == Array("edited\n".utf8))
    #expect(try String(contentsOfFile: OverlayFixture.stock + "/hostname/rootfs/etc/hostname.ww", encoding: .utf8) == "{{.Id}}\n")
  }
}
