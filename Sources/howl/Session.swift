import Foundation
import Lang
import Runtime

/// One interpreter with everything installed: the standard library, the
/// module search path for `import`, and (as it grows) the cluster.
final class Session {
  let interpreter = Interpreter()
  /// Whether changes are staged but not committed (the REPL prompt's marker).
  var hasUncommittedChanges: () -> Bool = { false }

  init(arguments: [String]) {
    setvbuf(stdout, nil, _IOFBF, 1 << 16)
    interpreter.output = { text in fputs(text, stdout) }
    Library.installAll(into: interpreter, arguments: arguments)
    RuntimeLibrary.install(into: interpreter)
    interpreter.modulePaths = Session.stdlibPaths()
  }

  deinit { fflush(stdout) }

  /// `$HOWL_STDLIB`, then `stdlib/` beside the install or the source tree.
  static func stdlibPaths() -> [String] {
    var paths: [String] = []
    if let env = ProcessInfo.processInfo.environment["HOWL_STDLIB"] { paths.append(env) }
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for candidate in ["../share/howl/stdlib", "../../../stdlib", "../../stdlib"] {
      let dir = exe.appendingPathComponent(candidate).standardized.path
      if FileManager.default.fileExists(atPath: dir) { paths.append(dir) }
    }
    paths.append("/usr/share/howl/stdlib")
    return paths
  }
}
