import Foundation
import Lang

/// One image: `image.exclude("/opt/*")`, `image.path("/opt")`,
/// `image.build(compression: "zstd")`, `image.exec("…")`, `image.size`,
/// `image.kernel`, `image.arch` (`"aarch64"`), `image.name = "new"` (a
/// rename, as `images.rename`).
final class ImageRef: HostObject {
  let cluster: ClusterContext
  /// Changes with `image.name = "…"` (a rename).
  private(set) var name: String

  init(_ cluster: ClusterContext, _ name: String) {
    self.cluster = cluster
    self.name = name
  }

  var typeName: String { "image" }
  var memberNames: [String] {
    ["name", "source", "excludes", "exclude", "path", "root", "build", "exec", "shell", "size", "compressed_size", "compression",
     "kernel", "built", "arch"]
  }

  func entry() throws -> ServerConfig.ImageEntry {
    guard let e = try cluster.session().working.server.images[name] else { throw LangError("image '\(name)' no longer exists") }
    return e
  }

  var paths: ImagePaths { ImagePaths(name: name, stateDirectory: cluster.store.stateDirectory) }

  /// Where the image's root file system lives under HOWL_ROOT.
  var rootDirectory: String { paths.rootfs }

  /// What the last build recorded, if the image was built.
  var buildRecord: BuildRecord? { BuildRecord.read(paths.buildRecord) }

  func member(_ member: String, in interpreter: Interpreter) throws -> Value {
    switch member {
    case "name": return .string(name)
    case "root": return .string(rootDirectory)
    case "excludes": return .list(try entry().excludes.map { .string($0) })
    case "source": return try entry().source.map { .string($0) } ?? .null
    case "size": return buildRecord.map { .size($0.size) } ?? .null
    case "compressed_size": return buildRecord.map { .size($0.compressedSize) } ?? .null
    case "compression": return .string(try entry().compression.rawValue)
    case "kernel":
      _ = try entry()
      return KernelDiscovery.defaultKernel(rootfs: rootDirectory).map { .string($0.version) } ?? .null
    case "built": return buildRecord.map { .int($0.builtAt) } ?? .null
    case "arch":
      _ = try entry()
      return try cluster.session().working.architecture(ofImage: name, stateDirectory: cluster.store.stateDirectory)
        .map { .string($0.rawValue) } ?? .null
    case "build":
      return .function(NativeFunction("image.build") { [self] _, args in
        try args.expect("image.build", count: 0...0, labels: ["force", "level", "compression"])
        return try build(args)
      })
    case "exec":
      return .function(NativeFunction("image.exec") { [self] _, args in
        try args.expect("image.exec", count: 1...1)
        let command = try ClusterFunctions.text(args[0], "a command")
        _ = try entry()
        try wrapped { try ImageExec(rootfs: rootDirectory, imageName: name).run(command) }
        return .null
      })
    case "shell":
      return .function(NativeFunction("image.shell") { [self] _, args in
        try args.expect("image.shell", count: 0...0)
        _ = try entry()
        try wrapped { try ImageExec(rootfs: rootDirectory, imageName: name).shell() }
        return .null
      })
    case "exclude":
      return .function(NativeFunction("image.exclude") { [self] _, args in
        try args.expect("image.exclude", count: 1...Int.max)
        let patterns = try args.positional.flatMap { v -> [String] in
          if case .list(let l) = v { return try l.items.map { try ClusterFunctions.text($0, "an exclude pattern") } }
          return [try ClusterFunctions.text(v, "an exclude pattern")]
        }
        for p in patterns where !p.hasPrefix("/") {
          throw LangError("exclude patterns are absolute paths in the image, such as \"/opt/*\", not \(Value.quote(p))")
        }
        let name = self.name
        try cluster.session().stage { state, _ in
          guard var entry = state.server.images[name] else { throw LangError("image '\(name)' no longer exists") }
          for p in patterns where !entry.excludes.contains(p) { entry.excludes.append(p) }
          state.server.images[name] = entry
        }
        return .null
      })
    case "path":
      return .function(NativeFunction("image.path") { [self] _, args in
        try args.expect("image.path", count: 1...1)
        let inside = try ClusterFunctions.text(args[0], "a path in the image")
        guard inside.hasPrefix("/"), !inside.split(separator: "/").contains("..") else {
          throw LangError("image.path() takes an absolute path inside the image, such as \"/opt\"")
        }
        return .string(rootDirectory + (inside == "/" ? "" : inside))
      })
    default:
      throw LangError.noMember(member, of: typeName, candidates: memberNames)
    }
  }

  func setMember(_ member: String, to value: Value, in interpreter: Interpreter) throws {
    guard member == "name" else {
      if memberNames.contains(member) { throw LangError("image.\(member) cannot be assigned") }
      throw LangError.noMember(member, of: typeName, candidates: memberNames)
    }
    let new = try ClusterFunctions.text(value, "the new image name")
    guard new != name else { return }
    try ImageRenaming.rename(name, to: new, cluster: cluster)
    name = new
  }

  /// `image.build(force: false, level: 6, compression: "gzip")`: builds (or
  /// skips an unchanged tree) and records the build in the registry entry:
  /// the compression (kept for later builds and `howl serve`) and, in its
  /// extra keys, the sizes, kernel and time. Arguments are checked before
  /// anything is written.
  private func build(_ args: Arguments) throws -> Value {
    let entry = try entry()
    var builder = ImageBuilder(paths: paths, excludes: entry.excludes)
    builder.compression = try args.named("compression").map(ImageRef.compression) ?? entry.compression
    if let force = args.named("force") {
      guard case .bool(let b) = force else { throw LangError("force: takes true or false") }
      builder.force = b
    }
    if let level = args.named("level") {
      let levels = builder.compression.levels
      guard case .int(let n) = level, levels.contains(n) else {
        throw LangError("level: takes a \(builder.compression.rawValue) level from \(levels.lowerBound) to \(levels.upperBound)")
      }
      builder.level = n
    }
    builder.progress = Progress()
    let result = try wrapped { try builder.build() }
    if result.skipped {
      FileHandle.standardError.write(Data("build \(name): unchanged since the last build, skipped\n".utf8))
    }
    let record = result.record
    let name = self.name
    try cluster.session().stage { state, _ in
      guard var entry = state.server.images[name] else { throw LangError("image '\(name)' no longer exists") }
      entry.compression = record.compression
      entry.extra["kernel version"] = record.kernelVersion.map { .scalar($0, .string) }
      entry.extra["size"] = .scalar(String(record.size), .int)
      entry.extra["compressed size"] = .scalar(String(record.compressedSize), .int)
      entry.extra["built"] = .scalar(String(record.builtAt), .int)
      if let arch = record.arch { entry.extra[ServerConfig.ImageEntry.architectureKey] = .scalar(arch, .string) }
      state.server.images[name] = entry
    }
    return .null
  }

  /// `"gzip"` or `"zstd"`; anything else is an error naming both.
  static func compression(_ value: Value) throws -> ImageCompression {
    let text = try ClusterFunctions.text(value, "compression")
    guard let compression = ImageCompression(rawValue: text) else {
      throw LangError("compression: takes \(ImageCompression.accepted), not \(Value.quote(text))")
    }
    return compression
  }

  var inlineDescription: String { "image \(name)" }
  var blockDescription: String {
    get throws {
      let excludes = try entry().excludes
      var lines = ["image \(name)", "  root       \(rootDirectory)", "  excludes   \(Value.list(excludes.map { .string($0) }).repr)"]
      if let record = buildRecord {
        lines.append("  size       \(Units.formatSize(record.size)) (\(Units.formatSize(record.compressedSize)) \(record.compression.rawValue))")
        lines.append("  kernel     \(record.kernelVersion ?? "none found")")
        lines.append("  arch       \(record.arch ?? "unknown")")
      } else {
        lines.append("  built      never")
      }
      return lines.joined(separator: "\n")
    }
  }

  func isEqual(to other: HostObject) -> Bool { (other as? ImageRef)?.name == name }
}
