import Lang
import Testing

/// Deep recursion ends in an error, not a crash, whatever the stack's size.
struct CallStackTests {
  @Test func aFullStackIsAnErrorNotACrash() {
    let message = CallStack.runOnLargeStack(size: 4 << 20) { () -> String in
      let interpreter = Interpreter()
      do {
        try interpreter.run("fn sum(n) { if n == 0 { return 0 }; return n + sum(n - 1) }\nsum(150000)")
        return "no error"
      } catch {
        return (error as? LangError)?.message ?? "\(error)"
      }
    }
    #expect(message.hasPrefix("too many nested calls"))
  }

  @Test func theDepthLimitIsAnError() throws {
    let interpreter = Interpreter()
    interpreter.maxCallDepth = 50
    #expect(throws: LangError.self) { try interpreter.run("fn down(n) { return down(n + 1) }\ndown(0)") }
    try interpreter.run("fn sum(n) { if n == 0 { return 0 }; return n + sum(n - 1) }\nlet x = sum(40)")
    #expect(interpreter.globals["x"].map { $0 == .int(820) } == true)
  }
}
