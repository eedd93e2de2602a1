import NIOConcurrencyHelpers
import NIOCore

/// The agents' long polls: an agent asks `/agent/wait/<wwid>` and the
/// answer comes when a refresh of its node is asked for (`refresh`) or
/// when its update interval is over. A refresh asked for while the agent
/// is not waiting is kept for its next poll.
public final class AgentWakeups: Sendable {
  private struct Waiter {
    var promise: EventLoopPromise<Bool>
    var timeout: Scheduled<Void>
  }

  private let state = NIOLockedValueBox<(waiters: [String: Waiter], pending: Set<String>)>(([:], []))

  public init() {}

  /// Answers true when a refresh is asked for within `seconds`, false when
  /// they pass. A newer poll of the same node ends the older one (false).
  public func wait(node: String, seconds: Int, on eventLoop: EventLoop) -> EventLoopFuture<Bool> {
    let promise = eventLoop.makePromise(of: Bool.self)
    let timeout = eventLoop.scheduleTask(in: .seconds(Int64(seconds))) { [weak self] () -> Void in
      self?.end(node: node, promise: promise)
    }
    let (immediate, replaced) = state.withLockedValue { value -> (Bool, Waiter?) in
      if value.pending.remove(node) != nil { return (true, nil) }
      let old = value.waiters.updateValue(Waiter(promise: promise, timeout: timeout), forKey: node)
      return (false, old)
    }
    if let replaced {
      replaced.timeout.cancel()
      replaced.promise.succeed(false)
    }
    if immediate {
      timeout.cancel()
      promise.succeed(true)
    }
    return promise.futureResult
  }

  /// Wakes the agents of `nodes` now (or at their next poll).
  public func refresh(_ nodes: [String]) {
    let woken = state.withLockedValue { value -> [Waiter] in
      nodes.compactMap { node in
        if let waiter = value.waiters.removeValue(forKey: node) { return waiter }
        value.pending.insert(node)
        return nil
      }
    }
    for waiter in woken {
      waiter.timeout.cancel()
      waiter.promise.succeed(true)
    }
  }

  private func end(node: String, promise: EventLoopPromise<Bool>) {
    let mine = state.withLockedValue { value -> Bool in
      guard value.waiters[node]?.promise.futureResult === promise.futureResult else { return false }
      value.waiters[node] = nil
      return true
    }
    if mine { promise.succeed(false) }
  }
}
