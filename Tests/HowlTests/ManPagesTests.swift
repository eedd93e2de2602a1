import Foundation
import Testing

/// The man pages of `dist/man/` as the package installs them: each renders
/// with `man -l` and groff's warnings on, with none, under its own title;
/// and every `docs/` page one names is a page of the checkout.
struct ManPagesTests {
  static let pages = ["howl.1", "howl-serve.8", "howl-language.7"]

  @Test(arguments: pages)
  func renders(_ name: String) throws {
    let path = HowlProgram.packageRoot.appendingPathComponent("dist/man/" + name).path
    let environment = ["MANWIDTH": "80", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"]
    let page = try Shell.run(["/usr/bin/man", "--warnings", "-E", "UTF-8", "-l", "-P", "cat", path],
                             timeout: 60, environment: environment)
    #expect(page.status == 0, "man -l \(name): \(page)")
    #expect(page.errors.isEmpty, "man -l \(name) warns: \(page.errors)")
    let title = name.split(separator: ".")[0].uppercased() + "(" + name.split(separator: ".")[1] + ")"
    #expect(page.output.hasPrefix(title), "\(name) renders under \(title): \(page.output.prefix(200))")
    #expect(page.output.contains("NAME") && page.output.contains("SEE ALSO"), "\(name): \(page.output)")
  }

  @Test(arguments: pages)
  func namesOnlyDocsPagesThatExist(_ name: String) throws {
    let source = try String(contentsOf: HowlProgram.packageRoot.appendingPathComponent("dist/man/" + name), encoding: .utf8)
    let named = source.components(separatedBy: "/usr/share/doc/howl/").dropFirst()
      .map { String($0.prefix { !$0.isWhitespace && $0 != "," && $0 != "\\" }) }
      .filter { $0.hasSuffix(".md") }
    for page in named {
      #expect(FileManager.default.fileExists(atPath: HowlProgram.packageRoot.appendingPathComponent(page).path),
              "\(name) names \(page), which is not in the checkout")
    }
  }
}
