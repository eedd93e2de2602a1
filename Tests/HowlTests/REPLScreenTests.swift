import Testing

/// The interactive REPL as a person sees it on a colour terminal (tmux):
/// the prompt reads as text in every state, and what is typed and printed
/// stands where it should.
@Suite(.serialized)
struct REPLScreenTests {
  @Test func promptReadsAsTextInEveryState() throws {
    let home = try ScratchDirectory()
    let screen = try TmuxScreen(home: home)
    try screen.waitForLastLine("howl> ")
    #expect(try screen.enter("6 * 7", prompt: "howl> ") == ["42"])
    #expect(try screen.enter("let added = nodes.add(\"sc[001-003]\")", prompt: "howl*> ") == [])
    #expect(try screen.enter("use node \"sc002\"", prompt: "howl node sc002*> ") == [])
    #expect(try screen.enter("fn twice(x) {", prompt: "................> ") == [])
    #expect(try screen.enter("return x * 2", prompt: "................> ") == [])
    #expect(try screen.enter("}", prompt: "howl node sc002*> ") == [])
    #expect(try screen.enter("twice(21)", prompt: "howl node sc002*> ") == ["42"])
    #expect(try screen.enter("commit()", prompt: "howl node sc002> ").contains("+ node sc[001-003]"))
    #expect(try screen.enter("node.id", prompt: "howl node sc002> ") == ["\"sc002\""])

    let shown = try screen.lines()
    #expect(Array(shown.prefix(9)) == [
      "howl> 6 * 7",
      "42",
      "howl> let added = nodes.add(\"sc[001-003]\")",
      "howl*> use node \"sc002\"",
      "howl node sc002*> fn twice(x) {",
      "................> return x * 2",
      "................> }",
      "howl node sc002*> twice(21)",
      "42",
    ])
    #expect(shown.contains("howl node sc002*> commit()"))
    #expect(shown.suffix(3) == ["howl node sc002> node.id", "\"sc002\"", "howl node sc002>"])
    // Still in colour: the selection in cyan, the staged-changes mark in yellow.
    let styled = try screen.styledLines().first { $0.contains("twice(21)") } ?? ""
    #expect(styled.contains("\u{1B}[36mnode sc002"))
    #expect(styled.contains("\u{1B}[33m*"))
  }

  @Test func longEntryWrapsAtTheRightEdgeAfterTheColouredPrompt() throws {
    let home = try ScratchDirectory()
    let screen = try TmuxScreen(home: home)
    try screen.waitForLastLine("howl> ")
    _ = try screen.enter("let added = nodes.add(\"sc001\")", prompt: "howl*> ")
    let long = "\"" + String(repeating: "abcdefghij", count: 13) + "\""
    try screen.type(long)
    let firstRow = screen.columns - "howl*> ".count
    let rest = String(long.dropFirst(firstRow))
    let typed = try screen.wait(for: "the end of the entry") { $0.last == rest }
    #expect(typed.suffix(2).first == "howl*> " + long.prefix(firstRow))
    #expect(try screen.cursor() == (rest.count, typed.count - 1))
    try screen.press("Enter")
    let printed = try screen.waitForLastLine("howl*> ").suffix(3)
    #expect(Array(printed) == [String(long.prefix(screen.columns)), String(long.dropFirst(screen.columns)), "howl*>"])
  }
}
