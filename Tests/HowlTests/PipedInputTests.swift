import Testing

/// `howl` with input on a pipe: no line editing and no prompts, but the same
/// multi-line entries, values and errors as the interactive REPL.
struct PipedInputTests {
  @Test func printsValuesWithoutPrompts() throws {
    let home = try ScratchDirectory()
    let input = "let a = 20\na + 22\nfn g(x) {\n  return x * 2\n}\ng(4)\n\n# a comment\nprint(\"done\")\n"
    let result = try HowlProgram.piped(input, home: home)
    #expect(result.output == "42\n8\ndone\n")
    #expect(result.errors == "")
    #expect(result.status == 0)
  }

  @Test func exitStatusFollowsTheLastEntry() throws {
    let home = try ScratchDirectory()
    let recovered = try HowlProgram.piped("nodez\n1\n", home: home)
    #expect(recovered.status == 0)
    #expect(recovered.output == "1\n")
    #expect(recovered.errors.contains("undefined name 'nodez'"))

    let failedLast = try HowlProgram.piped("1\nnodez\n", home: home)
    #expect(failedLast.status == 1)

    let unfinished = try HowlProgram.piped("fn h() {\n  return 1\n", home: home)
    #expect(unfinished.status == 1)
    #expect(unfinished.errors.contains("error:"))
  }
}
