import Lang

/// `render(template, data)`: renders Go text/template syntax with any Howl
/// value as its data (`.Key` reads a map key, `range` walks a list).
enum RenderFunction {
  static func install(into i: Interpreter) {
    i.define("render") { _, args in
      try args.expect("render", count: 1...2)
      guard case .string(let text) = args[0] else {
        throw LangError("render() takes a template string, not \(args[0].typeName)")
      }
      do {
        let template = try Template(name: "render").parse(text)
        return .string(try template.render(args.count == 2 ? try templateValue(args[1]) : .null))
      } catch let error as TemplateError {
        throw LangError(error.description)
      } catch let error as LangError {
        throw error
      } catch {
        throw LangError("render: \(error)")
      }
    }
  }

  /// A Howl value as template data. Addresses, sizes and other typed values
  /// become the strings Howl prints for them.
  static func templateValue(_ v: Value, depth: Int = 0) throws -> TemplateValue {
    guard depth < 100 else { return .null }
    switch v {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let f): return .float(f)
    case .string(let s): return .string(s)
    case .list(let l): return .list(try l.items.map { try templateValue($0, depth: depth + 1) })
    case .range(let lo, let hi): return .list(hi < lo ? [] : (lo...min(hi, lo + 10_000_000)).map { .int($0) })
    case .map(let m):
      var entries: [String: TemplateValue] = [:]
      for (k, value) in m.entries.pairs { entries[k.description] = try templateValue(value, depth: depth + 1) }
      return .map(TemplateMap(entries))
    case .object(let o): return .string(try o.inlineDescription)
    case .function(let f): return .string("<fn \(f.name)>")
    default: return .string(v.description)
    }
  }
}

/// What the runtime adds to the language apart from the cluster itself.
public enum RuntimeLibrary {
  public static func install(into interpreter: Interpreter) {
    RenderFunction.install(into: interpreter)
  }
}
