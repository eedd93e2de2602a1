import Foundation

/// A plain text table with a header row, columns as wide as their widest
/// cell: how collections print, and what `table(rows)` returns.
public struct TextTable {
  public var header: [String]
  public var rows: [[String]] = []

  public init(header: [String], rows: [[String]] = []) {
    self.header = header
    self.rows = rows
  }

  public func render() -> String {
    var widths = header.map(\.count)
    for row in rows {
      for (i, cell) in row.enumerated() {
        if i < widths.count { widths[i] = max(widths[i], cell.count) } else { widths.append(cell.count) }
      }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
    }
    return ((header.isEmpty ? [] : [line(header)]) + rows.map(line)).joined(separator: "\n")
  }

  /// `table(rows, header: [...])`: a list of lists (header optional) or
  /// a list of maps (the first map's keys are the header) as aligned text.
  static func install(into i: Interpreter) {
    i.define("table") { _, args in
      try args.expect("table", count: 1...1, labels: ["header"])
      guard case .list(let list) = args[0] else { throw LangError("table() takes a list of rows, not \(args[0].typeName)") }
      var header = try args.named("header").map { v -> [String] in
        guard case .list(let names) = v else { throw LangError("table()'s header is a list of column names") }
        return try names.items.map { try $0.checkedDescription() }
      } ?? []
      var rows: [[String]] = []
      for row in list.items {
        switch row {
        case .list(let cells): rows.append(try cells.items.map { try $0.checkedDescription() })
        case .map(let map):
          if header.isEmpty { header = try map.entries.keys.map { try $0.checkedDescription() } }
          rows.append(try header.map { try map.entries[string: $0]?.checkedDescription() ?? "" })
        default: throw LangError("table() rows are lists or maps, not \(row.typeName)")
        }
      }
      return .string(TextTable(header: header, rows: rows).render())
    }
  }
}
