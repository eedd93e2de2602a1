import Foundation
import Runtime

/// `howl init`: the fresh cluster state on disk (nodes.conf with the
/// `default` profile, howl.conf), for the files that are missing. The Debian
/// package runs it on installation; it never overwrites a site's file.
enum InitCommand {
  static func run(_ arguments: [String]) -> Int32 {
    if arguments == ["--help"] || arguments == ["-h"] {
      print("usage: howl init\n\nWrites the fresh state (nodes.conf with the default profile, howl.conf) where none exists; never overwrites.")
      return 0
    }
    guard arguments.isEmpty else { return ScriptRunner.usage("howl init takes no arguments") }
    let root = HowlRoot.path
    do {
      let written = try Store(root: root).initialize()
      print(written.isEmpty ? "howl init: the cluster's state is already there" : written.map { "howl init: wrote \($0)" }.joined(separator: "\n"))
      return 0
    } catch {
      FileHandle.standardError.write(Data("howl init: \(error)\n".utf8))
      return 1
    }
  }
}
