import Foundation

/// What Warewulf's context-dependent template functions need from whoever
/// renders: where files come from, the node's Ignition storage, a place for
/// warnings. The overlay renderer passes one as the execution context's host.
public protocol WarewulfRenderHost: AnyObject {
  /// Where a relative `Include` path resolves (Warewulf's `<sysconfdir>/warewulf`).
  var includeDirectory: String { get }
  /// The root directory of image `name`, for `IncludeFrom`.
  func imageRoot(_ name: String) -> String
  /// The text of a server file the renderer provides in place of the one at
  /// `path` (Warewulf's own files where Howl keeps its own), or nil to read `path`.
  func serverFile(_ path: String) -> String?
  /// The node's native disks and file systems as Ignition JSON ("" if none).
  func ignitionJSON() -> String
  /// Records a warning (e.g. `IncludeFrom` of a missing file).
  func warn(_ message: String)
}

/// Warewulf's functions that depend on the render: `Include`, `IncludeFrom`
/// (both drop one trailing newline), `IncludeBlock` (just the marker when the
/// file cannot be read), `file`, `softlink`, `ImportLink`, `readlink`, `abort`,
/// `nobackup`, `UniqueField` and `IgnitionJson`. `file`, `softlink`,
/// `ImportLink`, `abort` and `nobackup` record side effects in the execution
/// context; the caller splits the output accordingly.
public enum WarewulfContextFunctions {
  public static let registry: TemplateFunctionRegistry = {
    var r = TemplateFunctionRegistry()
    typealias C = SprigConvert
    r.register("Include", TemplateFunction(arity: .exactly(1), parameterTypes: [.string]) { args, context in
      let path = try C.requireString(args, 0)
      guard let text = serverFile(resolve(path, in: context), in: context) else { return "" }
      return .string(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    })
    r.register("IncludeFrom", TemplateFunction(arity: .exactly(2), parameterTypes: [.string, .string]) { args, context in
      let image = try C.requireString(args, 0), path = try C.requireString(args, 1)
      guard let host = context.host as? WarewulfRenderHost else { return "" }
      guard !image.contains("/"), let text = read(host.imageRoot(image) + "/" + path) else {
        host.warn("IncludeFrom: no file \(path) in image \(image)")
        return ""
      }
      return .string(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    })
    r.register("IncludeBlock", TemplateFunction(arity: .exactly(2), parameterTypes: [.string, .string]) { args, context in
      let path = try C.requireString(args, 0), marker = try C.requireString(args, 1)
      guard let text = serverFile(resolve(path, in: context), in: context) else { return .string(marker) }
      var out = ""
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.contains(marker) { break }
        out += line + "\n"
      }
      return .string(out + marker)
    })
    r.register("file", TemplateFunction(arity: .exactly(1), parameterTypes: [.string]) { args, context in
      let path = try C.requireString(args, 0)
      if path.split(separator: "/").contains("..") { throw TemplateFunctionError("file \(path): path climbs out of the overlay") }
      context.record(.beginFile(path: path, outputOffset: context.outputOffset))
      return ""
    })
    r.register("softlink", TemplateFunction(arity: .exactly(1), parameterTypes: [.string]) { args, context in
      context.record(.symlink(target: try C.requireString(args, 0), outputOffset: context.outputOffset))
      return ""
    })
    r.register("ImportLink", TemplateFunction(arity: .exactly(1), parameterTypes: [.string]) { args, context in
      let path = try C.requireString(args, 0)
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
        throw TemplateFunctionError("\(path) is not a symlink")
      }
      context.record(.symlink(target: target, outputOffset: context.outputOffset))
      return ""
    })
    r.register("readlink", TemplateFunction(arity: .exactly(1), parameterTypes: [.string]) { args, _ in
      let path = try C.requireString(args, 0)
      guard let resolved = realpath(path, nil) else { return "" }
      defer { free(resolved) }
      return .string(String(cString: resolved))
    })
    r.register("abort", TemplateFunction(arity: .exactly(0)) { _, context in
      context.record(.abort)
      throw TemplateHalt()
    })
    r.register("nobackup", TemplateFunction(arity: .exactly(0)) { _, context in
      context.record(.noBackup)
      return ""
    })
    r.register("UniqueField", .fixed(3, [.string, .int, .string]) { args in
      .string(uniqueField(separator: try C.requireString(args, 0), index: try C.requireInt(args, 1), text: try C.requireString(args, 2)))
    })
    r.register("IgnitionJson", TemplateFunction(arity: .exactly(0)) { _, context in
      .string((context.host as? WarewulfRenderHost)?.ignitionJSON() ?? "")
    })
    return r
  }()

  /// Keeps the first line for each value of field `index` (lines with fewer
  /// fields, or an empty one there, are kept).
  public static func uniqueField(separator: String, index: Int, text: String) -> String {
    var seen = Set<String>()
    var out: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let fields = separator.isEmpty ? [line] : line.components(separatedBy: separator).map { Substring($0) }
      if index >= 0, index < fields.count, !fields[index].isEmpty {
        if seen.insert(String(fields[index])).inserted { out.append(line) }
      } else {
        out.append(line)
      }
    }
    return out.joined(separator: "\n")
  }

  private static func resolve(_ path: String, in context: TemplateExecutionContext) -> String {
    if path.hasPrefix("/") { return path }
    let base = (context.host as? WarewulfRenderHost)?.includeDirectory ?? "."
    return base + "/" + path
  }

  /// A server file for `Include`/`IncludeBlock`: the host's stand-in, else the file.
  private static func serverFile(_ path: String, in context: TemplateExecutionContext) -> String? {
    (context.host as? WarewulfRenderHost)?.serverFile(path) ?? read(path)
  }

  private static func read(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
