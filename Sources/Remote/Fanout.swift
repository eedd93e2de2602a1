import Foundation

/// Runs `body` for each index on at most `width` threads at once and
/// returns the results in index order. The body sees plain data only.
public enum Fanout {
  public static func map<T>(_ count: Int, width: Int, _ body: @escaping (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let work = Work(count: count, body)
    let group = DispatchGroup()
    for _ in 0..<min(width, count) {
      group.enter()
      let thread = Thread {
        work.drain()
        group.leave()
      }
      thread.stackSize = 1 << 20
      thread.start()
    }
    group.wait()
    return work.results.map { $0! }
  }

  /// The indexes still to do and the results so far, shared by the threads.
  private final class Work<T>: @unchecked Sendable {
    let count: Int
    let body: (Int) -> T
    var results: [T?]
    private var next = 0
    private let lock = NSLock()

    init(count: Int, _ body: @escaping (Int) -> T) {
      self.count = count
      self.body = body
      results = Array(repeating: nil, count: count)
    }

    func drain() {
      while true {
        lock.lock()
        let i = next
        next += 1
        lock.unlock()
        guard i < count else { return }
        let result = body(i)
        lock.lock()
        results[i] = result
        lock.unlock()
      }
    }
  }
}
