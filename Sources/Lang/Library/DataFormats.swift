import Yams

/// `json`, `to_json`, `yaml`, `to_yaml`: data for batch automation.
enum DataFormats {
  static func install(into i: Interpreter) {
    i.define("json") { _, args in
      try args.expect("json", count: 1...1)
      return try JSON.parse(try Library.string(args[0], "json()'s argument"))
    }
    i.define("to_json") { _, args in
      try args.expect("to_json", count: 1...1, labels: ["indent"])
      let indent = try args.named("indent").map { try Library.int($0, "indent") } ?? 0
      var out = ""
      try JSON.serialize(args[0], indent: min(max(indent, 0), 16), into: &out)
      return .string(out)
    }
    i.define("yaml") { _, args in
      try args.expect("yaml", count: 1...1)
      let text = try Library.string(args[0], "yaml()'s argument")
      do {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return try value(of: node, depth: 0)
      } catch let e as LangError {
        throw e
      } catch {
        throw LangError("yaml: \(error)")
      }
    }
    i.define("to_yaml") { _, args in
      try args.expect("to_yaml", count: 1...1)
      do { return .string(try Yams.serialize(node: try node(of: args[0], depth: 0))) }
      catch let e as LangError { throw e }
      catch { throw LangError("to_yaml: \(error)") }
    }
  }

  static func value(of node: Yams.Node, depth: Int) throws -> Value {
    guard depth < 200 else { throw LangError("yaml: nested too deeply") }
    switch node {
    case .scalar(let scalar):
      switch node.tag.description {
      case Tag.Name.null.rawValue: return .null
      case Tag.Name.bool.rawValue: return node.bool.map { .bool($0) } ?? .string(scalar.string)
      case Tag.Name.int.rawValue: return node.int.map { .int($0) } ?? .string(scalar.string)
      case Tag.Name.float.rawValue: return node.float.map { .float($0) } ?? .string(scalar.string)
      default: return .string(scalar.string)
      }
    case .sequence(let seq):
      return .list(try seq.map { try value(of: $0, depth: depth + 1) })
    case .mapping(let mapping):
      var map = OrderedMap()
      for (k, v) in mapping { map[try value(of: k, depth: depth + 1)] = try value(of: v, depth: depth + 1) }
      return .map(MapRef(map))
    case .alias:
      throw LangError("yaml: aliases are not supported")
    }
  }

  static func node(of v: Value, depth: Int) throws -> Yams.Node {
    guard depth < 200 else { throw LangError("to_yaml: value is nested too deeply") }
    switch v {
    case .null: return Yams.Node("null", Tag(.null))
    case .bool(let b): return Yams.Node(b ? "true" : "false", Tag(.bool))
    case .int(let i): return Yams.Node(String(i), Tag(.int))
    case .float(let f): return Yams.Node(f.description, Tag(.float))
    case .string(let s): return Yams.Node(s, Tag(.str), .doubleQuoted)
    case .list(let l): return Yams.Node(try l.items.map { try node(of: $0, depth: depth + 1) })
    case .map(let m):
      return Yams.Node(try m.entries.pairs.map { (Yams.Node($0.description), try node(of: $1, depth: depth + 1)) })
    case .range, .function:
      throw LangError("to_yaml: a \(v.typeName) has no YAML form")
    default:
      return Yams.Node(try v.checkedDescription())
    }
  }
}
