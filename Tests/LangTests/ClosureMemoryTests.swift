import Lang
import Testing

/// What a script's closures keep alive is freed with the interpreter, even
/// when a closure sits in a list of the very frame it closes over.
struct ClosureMemoryTests {
  /// A host value that reports when it is freed.
  private final class Token: HostObject {
    let typeName = "token"
  }

  /// Runs `script` with a `token` global; whether the token outlived the interpreter.
  private func tokenOutlives(_ script: String) throws -> Bool {
    weak var freed: Token?
    try {
      let token = Token()
      freed = token
      let interpreter = Interpreter()
      interpreter.define("token", .object(token))
      try interpreter.run(script)
    }()
    return freed != nil
  }

  @Test(arguments: [
    // A closure kept in a list of the frame it closes over.
    "fn keep(t) { let fs = []; fs += [() => t]; return 1 }\nlet kept = keep(token)",
    // Closures over loop iterations, kept in a list of the function's frame.
    "fn keep(t) { let fs = []; for i in [1, 2] { fs += [() => [i, t]] }; return 1 }\nlet kept = keep(token)",
    // The same, leaving the loop by return.
    "fn keep(t) { let fs = []; for i in [1, 2] { fs += [() => [i, t]]; if i == 1 { return 1 } }; return 0 }\nlet kept = keep(token)",
    // A while loop's per-iteration binding, kept in a map.
    "fn keep(t) { let m = {}; let n = 0; while n < 2 { let k = n; m[\"${k}\"] = () => [k, t]; n += 1 }; return 1 }\nlet kept = keep(token)",
  ])
  func closuresInContainersAreFreed(script: String) throws {
    #expect(try tokenOutlives(script) == false)
  }
}
