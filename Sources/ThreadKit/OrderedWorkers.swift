/// Runs `work(i)` for every `i` in `0..<count` on a few threads and hands the results back strictly in
/// index order.
///
/// The consumer calls ``take(_:)`` with 0, 1, 2…; workers claim indices in order but run at most
/// ``window`` indices ahead of the consumer, so memory stays bounded however slow the consumer is.
/// An error thrown by `work(i)` is rethrown by ``take(_:)`` for that index, after the results before it.
/// ``stop()`` must run before the owner goes away (a `defer` right after creation): it makes idle
/// workers exit, waits for busy ones to finish their current index, and joins all of them, so no
/// thread outlives the call that started it. Releasing the object without ``stop()`` stops it too.
///
/// ```swift
/// let workers = OrderedWorkers(count: paths.count, threads: 4) { i in try prepare(paths[i]) }
/// defer { workers.stop() }
/// for i in paths.indices { try store(workers.take(i)) }
/// ```
///
/// ### Advice for hackers
/// All shared state is in one ``Locked`` value; `work` runs unlocked and must touch nothing shared
/// except through its result (`@Sendable`). Results cross threads in that state, under the lock.
public final class OrderedWorkers<T: Sendable>: Sendable {
  /// Indices a worker may run ahead of the next ``take(_:)``.
  public let window: Int
  private let count: Int
  private let work: @Sendable (Int) throws -> T
  private let state: Locked<State>
  private let jobs: [BackgroundJob<Void>]

  struct State: Sendable {
    var next = 0
    var consumed = 0
    var ready: [Int: Result<T, any Error>] = [:]
    var stopped = false
    var live = 0
  }

  /// Starts `threads` workers (none when `count` < 2: ``take(_:)`` then runs `work` itself).
  /// - Parameters:
  ///   - window: indices the workers may run ahead of the consumer; default 3 per thread, at least 2.
  ///   - name: the threads' names (for profilers), numbered.
  public init(count: Int, threads: Int, window: Int? = nil, name: String = "sheetgate-worker",
              stackSize: Int = 8 << 20, work: @escaping @Sendable (Int) throws -> T) {
    self.count = count
    self.work = work
    let n = count < 2 ? 0 : max(1, min(threads, count))
    self.window = max(1, window ?? max(2, n * 3))
    state = Locked(State(live: n))
    let state = self.state, window = self.window
    jobs = (0..<n).map { k in
      BackgroundJob(name: "\(name)-\(k)", stackSize: stackSize) {
        OrderedWorkers.loop(state: state, count: count, window: window, work: work)
      }
    }
  }

  deinit { stop() }

  private static func loop(state: Locked<State>, count: Int, window: Int, work: @Sendable (Int) throws -> T) {
    state.lock.lock()
    while true {
      while !state.value.stopped && state.value.next < count && state.value.next >= state.value.consumed + window {
        state.lock.wait()
      }
      if state.value.stopped || state.value.next >= count { break }
      let i = state.value.next
      state.value.next += 1
      state.lock.unlock()
      let r = Result { try work(i) }
      state.lock.lock()
      state.value.ready[i] = r
      state.lock.broadcast()
    }
    state.value.live -= 1
    state.lock.broadcast()
    state.lock.unlock()
  }

  /// The result for index `i` (the next one not taken), waiting for it when needed.
  /// - Throws: what `work(i)` threw.
  public func take(_ i: Int) throws -> T {
    state.lock.lock()
    if state.value.live == 0 && state.value.next <= i {
      // No workers (or they are gone): run it here.
      state.value.next = i + 1
      state.value.consumed = i + 1
      state.lock.unlock()
      return try work(i)
    }
    while state.value.ready[i] == nil { state.lock.wait() }
    let r = state.value.ready.removeValue(forKey: i)!
    state.value.consumed = i + 1
    state.lock.broadcast()
    state.lock.unlock()
    return try r.get()
  }

  /// Stops handing out work and joins the workers (each finishes the index it holds). Idempotent.
  public func stop() {
    state.update { $0.stopped = true }
    for job in jobs { job.join() }
    state.withLock { $0.ready.removeAll() }
  }
}
