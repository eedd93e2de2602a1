/// "Did you mean …?": the closest candidate by edit distance, if close enough.
public enum Suggestions {
  public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
    let target = Array(name.lowercased().utf8)
    let limit = max(1, target.count / 3)
    var best: (String, Int)?
    for candidate in candidates where candidate != name {
      let c = Array(candidate.lowercased().utf8)
      if abs(c.count - target.count) > limit { continue }
      let d = distance(target, c)
      if d <= limit && (best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0)) {
        best = (candidate, d)
      }
    }
    return best?.0
  }

  /// "did you mean 'x'?" or nil.
  public static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String? {
    closest(to: name, among: candidates).map { "did you mean '\($0)'?" }
  }

  /// Optimal string alignment distance (Levenshtein with transpositions).
  static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev2 = [Int](repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
          cur[j] = min(cur[j], prev2[j - 2] + 1)
        }
      }
      (prev2, prev, cur) = (prev, cur, prev2)
    }
    return prev[b.count]
  }
}
