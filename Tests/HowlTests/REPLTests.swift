import Foundation
import Testing

/// The interactive REPL, driven through a real pseudo-terminal.
@Suite(.serialized)
struct REPLTests {
  @Test func multiLineFunctionIsOneEntry() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    #expect(try howl.enter("fn f(x) {", until: PseudoTerminal.continuationPrompt) == "")
    #expect(try howl.enter("return x * 2", until: PseudoTerminal.continuationPrompt) == "")
    #expect(try howl.enter("}") == "")
    #expect(try howl.enter("f(21)") == "42\n")
  }

  @Test func tabCompletesNamesKeywordsMembersAndKeys() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)

    try howl.send("pri\t")
    try howl.expect("print")
    #expect(try howl.enter("(6 * 7)") == "42\n")

    _ = try howl.enter("let abcdef = 4")
    try howl.send("abc\t")
    try howl.expect("abcdef")
    #expect(try howl.enter(" * 3") == "12\n")

    _ = try howl.enter("let m = {alpha: 21, beta: 1}")
    try howl.send("m.al\t")
    try howl.expect("m.alpha")
    #expect(try howl.enter(" * 2") == "42\n")

    _ = try howl.enter("let racks = {\"rack-a\": 5}")
    try howl.send("racks[\"ra\t")
    try howl.expect("racks[\"rack-a\"]")
    #expect(try howl.enter(" + 1") == "6\n")

    try howl.send("whil\t")
    try howl.expect("while")
    try howl.send("\u{3}")
    try howl.expect(PseudoTerminal.prompt)
  }

  @Test func tabListsCandidatesWhenAmbiguous() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    _ = try howl.enter("let m = {alpha: 21, beta: 1}")
    try howl.send("m.\t")
    let listing = try howl.expect(PseudoTerminal.prompt + "m.")
    for member in ["alpha", "beta", "keys", "values"] { #expect(listing.contains(member)) }
    #expect(try howl.enter("beta") == "1\n")
  }

  @Test func tabCompletesMembersAfterIndexes() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    _ = try howl.enter("let added = nodes.add(\"sc[001-004]\")", until: "howl*> ")
    _ = try howl.enter("let image = images.add(\"tiny\")", until: "howl*> ")
    _ = try howl.enter("let export = exports.add(env[\"HOME\"], name: \"scratch\")", until: "howl*> ")
    let completions = [
      ("nodes[\"sc001\"].ro", "nodes[\"sc001\"].root"),
      ("nodes[0].ro", "nodes[0].root"),
      ("nodes['sc[001-004]'].hostl", "nodes['sc[001-004]'].hostlist"),
      ("nodes[\"sc001\"].kernel.ar", "nodes[\"sc001\"].kernel.args"),
      ("profiles[\"default\"].na", "profiles[\"default\"].name"),
      ("images[\"tiny\"].ker", "images[\"tiny\"].kernel"),
      ("overlays[\"wwinit\"].fi", "overlays[\"wwinit\"].files"),
      ("exports[\"scratch\"].pa", "exports[\"scratch\"].path"),
      ("server.nfs.ba", "server.nfs.backend"),
    ]
    for (typed, completed) in completions {
      try howl.send(typed + "\t")
      try howl.expect(completed)
      try howl.send("\u{3}")
      try howl.expect("howl*> ")
    }
    try howl.send("nodes[\"sc[001-004]\"].hostl\t")
    try howl.expect("hostlist")
    #expect(try howl.enter("", until: "howl*> ") == "\"sc[001-004]\"\n")
  }

  @Test func tabNeverRunsACallToComplete() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    _ = try howl.enter("fn loud() {", until: PseudoTerminal.continuationPrompt)
    _ = try howl.enter("print(\"ran\" + \"-loud\")", until: PseudoTerminal.continuationPrompt)
    _ = try howl.enter("return {alpha: 1}", until: PseudoTerminal.continuationPrompt)
    _ = try howl.enter("}")
    try howl.send("loud().al\t")
    try howl.send("\u{3}")
    #expect(!(try howl.expect(PseudoTerminal.prompt)).contains("ran-loud"))
    try howl.send("[loud()][0].al\t")
    try howl.send("\u{3}")
    #expect(!(try howl.expect(PseudoTerminal.prompt)).contains("ran-loud"))
    #expect(try howl.enter("loud().alpha").contains("ran-loud"))
  }

  @Test func ctrlCStopsARunningEntryButNotTheSession() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    _ = try howl.enter("let kept = 7")
    try howl.send("while true { }\r")
    Thread.sleep(forTimeInterval: 0.3)
    try howl.sendNow("\u{3}")
    try howl.expect("interrupted")
    try howl.expect(PseudoTerminal.prompt)
    #expect(try howl.enter("kept * 6") == "42\n")
  }

  @Test func promptMarksStagedChangesAndCompletesNodeNames() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    try howl.send("let added = nodes.add(\"sc[001-003]\")\r")
    try howl.expect("howl*> ")
    try howl.send("use node \"sc002\"\r")
    try howl.expect("node sc002*> ")
    try howl.send("nodes[\"sc00\t")
    let listing = try howl.expect("sc003")
    #expect(listing.contains("sc001") || listing.contains("sc002"))
    try howl.send("\u{3}")
    try howl.send("commit()\r")
    try howl.expect("+ node sc[001-003]")
    try howl.expect("howl node sc002> ")
  }

  @Test func errorIsReportedAndSessionContinues() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    #expect(try howl.enter("let kept = 40") == "")
    let report = try howl.enter("print(nodez)")
    #expect(report.contains("error: undefined name 'nodez'"))
    #expect(report.contains("print(nodez)\n"))
    #expect(report.contains("|       ^~~~~"))
    #expect(try howl.enter("1 + 1") == "2\n")
    #expect(try howl.enter("kept + 2") == "42\n")
  }

  @Test func ctrlCDropsTheEntryButNotTheSession() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    _ = try howl.enter("let q = (1 +", until: PseudoTerminal.continuationPrompt)
    try howl.send("2")
    try howl.send("\u{3}")
    try howl.expect("^C")
    try howl.expect(PseudoTerminal.prompt)
    #expect(try howl.enter("1 + 2") == "3\n")
    #expect(try howl.enter("q").contains("undefined name 'q'"))
  }

  @Test func historyPersistsAcrossSessions() throws {
    let home = try ScratchDirectory()
    let first = try HowlProgram.interactive(home: home)
    try first.expect(PseudoTerminal.prompt)
    _ = try first.enter("fn twice(x) {", until: PseudoTerminal.continuationPrompt)
    _ = try first.enter("return x * 2", until: PseudoTerminal.continuationPrompt)
    _ = try first.enter("}")
    #expect(try first.enter("\"zq\" + \"xv\"") == "\"zqxv\"\n")
    try first.send("\u{4}")
    #expect(try first.waitForExit() == 0)

    let saved = try String(contentsOfFile: home.historyPath, encoding: .utf8)
    #expect(saved == "fn twice(x) {\\nreturn x * 2\\n}\n\"zq\" + \"xv\"\n")

    let second = try HowlProgram.interactive(home: home)
    try second.expect(PseudoTerminal.prompt)
    try second.send("\u{1B}[A")
    try second.expect("\"zq\" + \"xv\"")
    try second.send("\r")
    #expect(try second.expect(PseudoTerminal.prompt) == "\n\"zqxv\"\n")
    try second.send("\u{1B}[A\u{1B}[A\u{1B}[A")
    try second.expect("return x * 2")
    try second.send("\r")
    try second.expect(PseudoTerminal.prompt)
    #expect(try second.enter("twice(21)") == "42\n")
  }

  @Test func imageShellRunsInTheImageOnTheTerminalAndUnmountsAfter() throws {
    let home = try ScratchDirectory()
    let tree = home.path + "/tree"
    try FileManager.default.createDirectory(atPath: tree + "/bin", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: tree + "/root", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: tree + "/bin/busybox")
    try FileManager.default.createSymbolicLink(atPath: tree + "/bin/sh", withDestinationPath: "busybox")
    let rootfs = home.path + "/root/var/lib/howl/images/tiny/rootfs"

    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    try howl.send("let img = images.import(\"dir:\(tree)\", name: \"tiny\")\r")
    try howl.expect("howl*> ")
    try howl.send("img.shell()\r")
    try howl.expect("[howl:tiny] /# ", timeout: 10)
    // The shell's own arithmetic, so the echo of the line does not match.
    try howl.sendNow("test -r /proc/self/status && echo proc-$((6 * 7))\r")
    try howl.expect("proc-42")
    try howl.sendNow("echo hi > /root/x; exit\r")
    try howl.expect("howl*> ", timeout: 10)

    #expect(try String(contentsOfFile: rootfs + "/root/x", encoding: .utf8) == "hi\n")
    let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8).split(separator: "\n")
    #expect(!mounts.contains { $0.split(separator: " ").dropFirst(4).first?.hasPrefix(rootfs) == true }, "\(mounts)")
    #expect(!FileManager.default.fileExists(atPath: rootfs + "/proc/self"))
    #expect(try howl.enter("print(img.name)", until: "howl*> ") == "tiny\n")
  }

  @Test func ctrlDOnAnEmptyLineExitsWithStatusZero() throws {
    let home = try ScratchDirectory()
    let howl = try HowlProgram.interactive(home: home)
    try howl.expect(PseudoTerminal.prompt)
    try howl.send("\u{4}")
    #expect(try howl.waitForExit() == 0)
  }
}
