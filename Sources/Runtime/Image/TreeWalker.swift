import Foundation

/// One file found in an image tree.
struct TreeEntry {
  /// Relative to the root, without a leading `/` (`etc/hosts`).
  var path: String
  var status: stat
}

/// Walks an image tree depth first in name order without following
/// symlinks, leaving out excluded paths (a directory with its subtree) and
/// not descending into other file systems, as Warewulf's build does.
struct TreeWalker {
  let root: String
  let excludes: ExcludePatterns

  /// Calls `visit` for every entry kept, parents before children, starting
  /// with the root itself as `.` (as `find .` lists it for Warewulf's cpio).
  func walk(_ visit: (TreeEntry) throws -> Void) throws {
    var rootStatus = stat()
    guard lstat(root, &rootStatus) == 0, (rootStatus.st_mode & S_IFMT) == S_IFDIR else {
      throw ImageError("the image tree \(root) is missing")
    }
    try visit(TreeEntry(path: ".", status: rootStatus))
    try descend("", device: rootStatus.st_dev, visit)
  }

  private func descend(_ relative: String, device: UInt, _ visit: (TreeEntry) throws -> Void) throws {
    let directory = relative.isEmpty ? root : root + "/" + relative
    guard let dir = opendir(directory) else {
      throw ImageError("cannot read \(directory): \(String(cString: strerror(errno)))")
    }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        raw.bindMemory(to: CChar.self).baseAddress.map { String(cString: $0) } ?? ""
      }
      if !name.isEmpty && name != "." && name != ".." { names.append(name) }
    }
    closedir(dir)
    names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    for name in names {
      let path = relative.isEmpty ? name : relative + "/" + name
      if excludes.excludes(path) { continue }
      var st = stat()
      guard lstat(root + "/" + path, &st) == 0 else {
        if errno == ENOENT { continue }
        throw ImageError("cannot read \(root)/\(path): \(String(cString: strerror(errno)))")
      }
      try visit(TreeEntry(path: path, status: st))
      if (st.st_mode & S_IFMT) == S_IFDIR && st.st_dev == device {
        try descend(path, device: device, visit)
      }
    }
  }
}
