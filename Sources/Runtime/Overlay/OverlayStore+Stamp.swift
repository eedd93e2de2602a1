import Foundation

extension OverlayStore {
  /// What changes whenever a file of any overlay does (`overlay.write`, an
  /// edit by hand): the number of entries below both directories and the
  /// newest modification time among them. A server that caches rendered
  /// sources keys its cache on it, so an edit is served at the next request.
  public func sourcesStamp() -> [Int] {
    var stamp = [0, 0, 0]
    for directory in [siteDirectory, stockDirectory].compactMap({ $0 }) {
      Self.walk(directory, into: &stamp)
    }
    return stamp
  }

  private static func walk(_ path: String, into stamp: inout [Int]) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    stamp[0] += 1
    let seconds = Int(info.st_mtim.tv_sec), nanoseconds = Int(info.st_mtim.tv_nsec)
    if (seconds, nanoseconds) > (stamp[1], stamp[2]) { (stamp[1], stamp[2]) = (seconds, nanoseconds) }
    guard info.st_mode & S_IFMT == S_IFDIR, let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
    for entry in entries { walk(path + "/" + entry, into: &stamp) }
  }
}
