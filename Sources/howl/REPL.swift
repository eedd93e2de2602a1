import Foundation
import Lang

/// The interactive session: reads lines until they parse, runs them, prints
/// the value of a final expression.
struct REPL {
  func run() -> Int32 {
    let session = Session(arguments: [])
    var pending = ""
    while let line = readLine() {
      pending += line + "\n"
      let file = SourceFile(name: "<repl>", text: pending)
      if Parser.parse(file).needsMoreInput { continue }
      pending = ""
      do {
        if let v = try session.interpreter.run(file, recordLastValue: true) {
          if case .null = v { continue }
          print(v.repr)
        }
      } catch let e as LangError {
        Terminal.printError(e)
      } catch {
        Terminal.printError(LangError("\(error)"))
      }
      fflush(stdout)
    }
    return 0
  }
}
