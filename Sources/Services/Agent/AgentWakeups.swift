import NIOConcurrencyHelpers
import NIOCore

/// The agents' long polls: an agent asks `/agent/wait/<wwid>` and the
/// answer comes when a refresh of its node is asked for (`refresh`) or
/// when its update interval is over. A refresh asked for while the agent
/// is not waiting is kept for its next poll. Each refresh has a token (the
/// time it was asked for, in milliseconds) that the agent sends back with
/// the report of the fetch it caused, so `refresh()` waits for that one.
public final class AgentWakeups: Sendable {
  private struct Waiter {
    var promise: EventLoopPromise<Int?>
    var timeout: Scheduled<Void>
  }

  private let state = NIOLockedValueBox<(waiters: [String: Waiter], pending: [String: Int])>(([:], [:]))

  public init() {}

  /// Answers the refresh's token when one is asked for within `seconds`,
  /// nil when they pass. A newer poll of the same node ends the older one (nil).
  public func wait(node: String, seconds: Int, on eventLoop: EventLoop) -> EventLoopFuture<Int?> {
    let promise = eventLoop.makePromise(of: Int?.self)
    let timeout = eventLoop.scheduleTask(in: .seconds(Int64(seconds))) { [weak self] () -> Void in
      self?.end(node: node, promise: promise)
    }
    let (immediate, replaced) = state.withLockedValue { value -> (Int?, Waiter?) in
      if let token = value.pending.removeValue(forKey: node) { return (token, nil) }
      let old = value.waiters.updateValue(Waiter(promise: promise, timeout: timeout), forKey: node)
      return (nil, old)
    }
    if let replaced {
      replaced.timeout.cancel()
      replaced.promise.succeed(nil)
    }
    if let immediate {
      timeout.cancel()
      promise.succeed(immediate)
    }
    return promise.futureResult
  }

  /// Wakes the agents of `nodes` now (or at their next poll).
  public func refresh(_ nodes: [String], token: Int) {
    let woken = state.withLockedValue { value -> [Waiter] in
      nodes.compactMap { node in
        if let waiter = value.waiters.removeValue(forKey: node) { return waiter }
        value.pending[node] = token
        return nil
      }
    }
    for waiter in woken {
      waiter.timeout.cancel()
      waiter.promise.succeed(token)
    }
  }

  private func end(node: String, promise: EventLoopPromise<Int?>) {
    let mine = state.withLockedValue { value -> Bool in
      guard value.waiters[node]?.promise.futureResult === promise.futureResult else { return false }
      value.waiters[node] = nil
      return true
    }
    if mine { promise.succeed(nil) }
  }
}
