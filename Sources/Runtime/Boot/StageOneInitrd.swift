import Foundation

/// Howl's stage-one initrd for one architecture (two-stage boot): the
/// stage-one script (`stdlib/stage1/init`) as `/init`, a static busybox and
/// the toolset's other programs, as a gzip'd newc cpio. Built once and
/// kept beside a stamp of its inputs (paths, sizes, mtimes, the script's
/// text); rebuilt when one changes.
public struct StageOneInitrd: Sendable {
  public var toolset: StageOneToolset
  /// The stage-one script.
  public var script: String
  /// Where the built initrd and its stamp live (one per architecture).
  public var directory: String

  public init(toolset: StageOneToolset, script: String, directory: String) {
    self.toolset = toolset
    self.script = script
    self.directory = directory
  }

  public var path: String { directory + "/stage1.img.gz" }

  /// The initrd, built first if missing or stale.
  public func ensure() throws -> String {
    let stamp = try fingerprint()
    let stampPath = directory + "/stage1.stamp"
    if FileManager.default.fileExists(atPath: path),
       (try? String(contentsOfFile: stampPath, encoding: .utf8)) == stamp { return path }
    let archive = try GzippedCpio(path: path)
    try write(archive)
    try archive.finish(level: 9)
    try stamp.write(toFile: stampPath, atomically: true, encoding: .utf8)
    return path
  }

  func fingerprint() throws -> String {
    let text = try String(contentsOfFile: script, encoding: .utf8)
    var digest = SHA256()
    digest.update(text)
    var lines = ["arch \(toolset.arch)", "script \(digest.hexDigest())"]
    let files = [toolset.busybox] + toolset.tools.sorted { $0.key < $1.key }.map(\.value)
      + toolset.libraries.sorted { $0.key < $1.key }.map(\.value)
    for file in files {
      var st = stat()
      guard stat(file, &st) == 0 else { throw ArchiveError("stage one: cannot read \(file)") }
      lines.append("\(file) \(st.st_size) \(st.st_mtim.tv_sec)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func write(_ archive: GzippedCpio) throws {
    try archive.directory(".")
    for name in ["bin", "sbin", "dev", "proc", "sys", "run", "tmp", "newroot", "lib/modules"] { try archive.directory(name) }
    try archive.characterDevice("dev/console", major: 5, minor: 1, mode: 0o600)
    try archive.copy(script, as: "init", mode: 0o755)
    try archive.copy(toolset.busybox, as: "bin/busybox", mode: 0o755)
    try archive.symlink("bin/sh", to: "busybox")
    for (name, program) in toolset.tools.sorted(by: { $0.key < $1.key }) { try archive.copy(program, as: "bin/" + name, mode: 0o755) }
    for (inside, library) in toolset.libraries.sorted(by: { $0.key < $1.key }) { try archive.copy(library, as: inside, mode: 0o755) }
  }
}
