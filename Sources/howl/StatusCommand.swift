import ArgumentParser
import Foundation
import Runtime
import Services

/// `howl status`: each node's last boot request and stage, from the state
/// file `howl serve` keeps (or its `/status` route).
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "howl status",
    abstract: "Show each node's last boot request and stage, as recorded by `howl serve`.")

  @Option(help: "Ask a running server at this URL (e.g. http://10.0.0.1:9873) instead of reading the state file.")
  var url: String?

  func run() throws {
    let root = HowlRoot.path
    let entries: [String: BootStatusBoard.Entry]
    if let url {
      guard let endpoint = URL(string: url + "/status"), let data = try? Data(contentsOf: endpoint),
            let document = try? JSONDecoder().decode(BootStatusBoard.Document.self, from: data) else {
        throw ValidationError("no status from \(url)")
      }
      entries = document.nodes
    } else {
      entries = BootStatusFile.load(from: BootPaths(root: root).statusFile) ?? [:]
    }
    let nodes = (try? Store(root: root).load().cluster.nodes.keys.map { $0 }) ?? []
    let ids = (nodes + entries.keys.filter { !nodes.contains($0) }).sorted()
    let now = Int(Date().timeIntervalSince1970)
    var rows = [["NODE", "STAGE", "SENT", "FROM", "LAST SEEN", "RUNTIME REFRESH"]]
    for id in ids {
      if let entry = entries[id] {
        rows.append([id, entry.stage, entry.sent, entry.ipaddr.isEmpty ? "-" : entry.ipaddr, "\(max(0, now - entry.lastSeen))s ago",
                     entry.runtimeRefresh.map { "\(max(0, now - $0))s ago" } ?? "-"])
      } else {
        rows.append([id, "-", "-", "-", "never", "-"])
      }
    }
    let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
      print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        .trimmingCharacters(in: .whitespaces))
    }
  }
}
