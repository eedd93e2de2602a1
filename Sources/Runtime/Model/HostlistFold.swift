import Foundation

/// Hostlist compression, folding names exactly as ClusterShell 1.9's
/// `nodeset -f` does (`NodeSet.__str__`, `RangeSetND` folding), so Howl
/// prints the same hostlists sysadmins see from their other tools.
extension Hostlist {
  /// The canonical hostlist for `names` (duplicates ignored): names grouped
  /// by pattern (text between digit runs), patterns sorted, each digit run
  /// an axis; one varying axis folds into ranges, several fold as
  /// ClusterShell's multivariate merge does.
  public static func compress(_ names: [String]) -> String {
    var patterns: [String: [[String]]] = [:]
    for name in names {
      let (pattern, indexes) = split(name)
      patterns[pattern, default: []].append(indexes)
    }
    var out: [String] = []
    // Sorted as ClusterShell sorts its patterns, which mark digit runs with "%s".
    let sortKey = { (pattern: String) in pattern.replacingOccurrences(of: marker, with: "%s") }
    for pattern in patterns.keys.sorted(by: { sortKey($0).utf8.lexicographicallyPrecedes(sortKey($1).utf8) }) {
      let vectors = patterns[pattern]!
      if vectors[0].isEmpty { out.append(pattern); continue }
      for vector in fold(vectors) {
        var text = ""
        var axis = 0
        var rest = Substring(pattern)
        while let found = rest.range(of: marker) {
          text += rest[..<found.lowerBound]
          let set = vector[axis]
          text += set.count > 1 ? "[" + format(set) + "]" : format(set)
          axis += 1
          rest = rest[found.upperBound...]
        }
        out.append(text + rest)
      }
    }
    return out.joined(separator: ",")
  }

  /// Stands for a digit run in a pattern; a control character, so no name
  /// can contain it by accident.
  static let marker = "\u{1}"

  /// `r1-n08` → (`r•-n•`, ["1", "08"]), • being `marker`.
  static func split(_ name: String) -> (String, [String]) {
    var pattern = ""
    var indexes: [String] = []
    var digits = ""
    for c in name {
      if c.isASCIIDigit { digits.append(c); continue }
      if !digits.isEmpty { pattern += marker; indexes.append(digits); digits = "" }
      pattern.append(c)
    }
    if !digits.isEmpty { pattern += marker; indexes.append(digits) }
    return (pattern, indexes)
  }

  /// ClusterShell's element order: shorter strings first, then by text.
  static func precedes(_ a: String, _ b: String) -> Bool {
    a.utf8.count != b.utf8.count ? a.utf8.count < b.utf8.count : a.utf8.lexicographicallyPrecedes(b.utf8)
  }

  static func sorted(_ set: Set<String>) -> [String] { set.sorted(by: precedes) }

  /// `RangeSet.__str__` without autostep: runs of consecutive numbers with
  /// compatible padding as `a-b`, others alone.
  static func format(_ set: Set<String>) -> String {
    var slices: [String] = []
    var start = "", last = 0, lastText = "", padded = false, width = 0, open = false
    func flush() {
      slices.append(start == lastText ? start : start + "-" + lastText)
    }
    for text in sorted(set) {
      let value = Int(text) ?? 0
      let isPadded = text.count > 1 && text.first == "0"
      if open {
        let mismatch = padded ? text.count != width : isPadded
        if !mismatch && value == last + 1 {
          last = value
          lastText = padded ? pad(value, width) : text
          continue
        }
        flush()
      }
      open = true
      start = text
      lastText = text
      last = value
      padded = isPadded
      width = text.count
    }
    if open { flush() }
    return slices.joined(separator: ",")
  }

  /// The vectors of one pattern folded as `RangeSetND` does.
  static func fold(_ tuples: [[String]]) -> [[Set<String>]] {
    let dimensions = tuples[0].count
    var varying: [Int] = []
    for axis in 0..<dimensions where tuples.contains(where: { $0[axis] != tuples[0][axis] }) { varying.append(axis) }
    if dimensions == 1 || varying.count == 1 {
      var vector = tuples[0].map { Set([$0]) }
      let axis = dimensions == 1 ? 0 : varying[0]
      for tuple in tuples { vector[axis].insert(tuple[axis]) }
      return [vector]
    }
    var unique = Set<[String]>()
    var vectors: [[Set<String>]] = []
    for tuple in tuples where unique.insert(tuple).inserted { vectors.append(tuple.map { Set([$0]) }) }
    return mergeMultivariate(vectors)
  }

  /// `RangeSetND._fold_multivariate_merge`: repeatedly merge two vectors
  /// that differ on one axis only, easy passes first, then full passes.
  static func mergeMultivariate(_ start: [[Set<String>]]) -> [[Set<String>]] {
    var list = start
    var full = false
    var changed = true
    while changed {
      changed = false
      sortVectors(&list)
      var index1 = 0
      while index1 + 1 < list.count {
        var item1 = list[index1]
        var index2 = index1 + 1
        index1 += 1
        while index2 < list.count {
          let item2 = list[index2]
          index2 += 1
          var merged = item1
          var differences = 0
          for axis in 0..<item1.count {
            let a = item1[axis], b = item2[axis]
            if a == b { continue }
            if a.isDisjoint(with: b) {
              differences += 1
              if differences > 1 { break }
              merged[axis] = a.union(b)
            } else if a.isStrictSuperset(of: b) || a.isStrictSubset(of: b) {
              differences += 1
              if differences > 1 { break }
              merged[axis] = b.isStrictSuperset(of: a) ? b : a
            } else {
              differences = 2
              break
            }
          }
          if differences <= 1 {
            changed = true
            item1 = merged
            list[index1 - 1] = merged
            index2 -= 1
            list.remove(at: index2)
          } else if !full {
            break
          }
        }
      }
      if !changed && !full { changed = true; full = true }
    }
    return list
  }

  /// `RangeSetND._sort`: bigger vectors first, then per axis bigger sets,
  /// lower first element, lower last element (elements compared as text);
  /// stable, as Python's sort is.
  static func sortVectors(_ list: inout [[Set<String>]]) {
    typealias Key = (size: Int, axes: [(Int, String, String)])
    let keys: [Key] = list.map { vector in
      (vector.reduce(1) { $0 * $1.count },
       vector.map { set in let s = sorted(set); return (set.count, s.first!, s.last!) })
    }
    func less(_ a: Key, _ b: Key) -> Bool {
      if a.size != b.size { return a.size > b.size }
      for (x, y) in zip(a.axes, b.axes) {
        if x.0 != y.0 { return x.0 > y.0 }
        if x.1 != y.1 { return x.1.utf8.lexicographicallyPrecedes(y.1.utf8) }
        if x.2 != y.2 { return x.2.utf8.lexicographicallyPrecedes(y.2.utf8) }
      }
      return false
    }
    let order = list.indices.sorted { i, j in
      less(keys[i], keys[j]) || (!less(keys[j], keys[i]) && i < j)
    }
    list = order.map { list[$0] }
  }
}
