import Foundation
import Runtime

/// The BMC templates (`ipmi.template`, default `ipmitool.tmpl`): looked up
/// by name in the site's directory, then in Howl's own, parsed once, and
/// rendered with Howl's template engine into one shell command line.
final class BMCTemplates: @unchecked Sendable {
  static let defaultName = "ipmitool.tmpl"

  private let directories: [String]
  private let lock = NSLock()
  private var parsed: [String: Template] = [:]

  init(directories: [String]) { self.directories = directories }

  /// The command line for `action` on `target`; with `masked`, the
  /// password rendered as `Secrets.mask`.
  func commandLine(_ action: BMCAction, for target: BMCTarget, masked: Bool = false) throws -> String {
    let name = target.template.isEmpty ? Self.defaultName : target.template
    let template = try load(name)
    let text: String
    do {
      text = try template.render(.map(Self.data(action, target, masked: masked)))
    } catch {
      throw BMCError("BMC template \(name): \(masked ? "\(error)" : Self.masking(target.password, in: "\(error)"))")
    }
    let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }.joined(separator: " ")
    guard !line.isEmpty else { throw BMCError("BMC template \(name) gives no command for \(action.templateCommand)") }
    return line
  }

  /// The template file `target`'s requests are rendered from, nil if there is none.
  func file(for target: BMCTarget) -> String? {
    let name = target.template.isEmpty ? Self.defaultName : target.template
    guard !name.contains("/") else { return nil }
    return directories.map { $0 + "/" + name }.first(where: FileManager.default.fileExists)
  }

  private func load(_ name: String) throws -> Template {
    lock.lock()
    defer { lock.unlock() }
    if let template = parsed[name] { return template }
    guard !name.contains("/"), let path = directories.map({ $0 + "/" + name }).first(where: FileManager.default.fileExists) else {
      throw BMCError("no BMC template '\(name)' in \(directories.joined(separator: ", "))")
    }
    let template = Template(name: name)
    template.addFunction("shellquote", .fixed(1) { args in .string(ShellQuote.quote(args[0].description)) })
    do {
      try template.parse(try String(contentsOfFile: path, encoding: .utf8))
    } catch {
      throw BMCError("BMC template \(path): \(error)")
    }
    parsed[name] = template
    return template
  }

  /// What a BMC template sees: Warewulf's IPMI fields and `.Cmd`, plus
  /// Howl's `.Node`, `.BootDevice` and `.Persistent`.
  static func data(_ action: BMCAction, _ target: BMCTarget, masked: Bool) -> TemplateMap {
    var tags: [String: TemplateValue] = [:]
    for (key, value) in target.tags { tags[key] = .string(value) }
    var map: [String: TemplateValue] = [
      "Cmd": .string(action.templateCommand), "Node": .string(target.node),
      "Ipaddr": .string(target.ipaddr), "Port": .string(target.port),
      "UserName": .string(target.username), "Password": .string(masked && !target.password.isEmpty ? Secrets.mask : target.password),
      "Interface": .string(target.interface), "EscapeChar": .string(target.escapechar),
      "Netmask": .string(target.netmask), "Gateway": .string(target.gateway),
      "Write": .bool(target.write), "Template": .string(target.template), "Tags": .map(TemplateMap(tags)),
      "BootDevice": .string(""), "Persistent": .bool(false),
    ]
    if case .bootOnce(let device, let persistent) = action {
      map["BootDevice"] = .string(device)
      map["Persistent"] = .bool(persistent)
    }
    return TemplateMap(map)
  }

  /// `text` with every occurrence of a non-empty password masked.
  static func masking(_ password: String, in text: String) -> String {
    password.isEmpty ? text : text.replacingOccurrences(of: password, with: Secrets.mask)
  }
}

/// Quoting for `/bin/sh`: plain words as they are, anything else in single quotes.
enum ShellQuote {
  static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")

  static func quote(_ word: String) -> String {
    if !word.isEmpty && word.allSatisfy(plain.contains) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// A failure talking to a BMC, with a message fit for the user.
struct BMCError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
