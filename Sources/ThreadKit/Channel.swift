/// A bounded first-in-first-out hand-off between threads, with back-pressure, closing and the first
/// failure kept.
///
/// - ``send(_:)`` waits while ``capacity`` elements are queued, so a fast producer runs at most that far
///   ahead of its consumer and memory stays bounded.
/// - ``receive()`` waits while the channel is empty and open; it hands out every element sent before a
///   ``close()`` or ``fail(_:)``, then returns nil (closed) or throws the failure (failed).
/// - ``fail(_:)`` keeps the first error only and ends the channel: blocked senders wake and throw it,
///   so a consumer that failed stops its producer at the producer's next hand-off; a producer that
///   failed lets its consumer read everything sent before the failure, then the error, in order.
/// - ``close()`` ends the channel without an error: ``send(_:)`` then returns false and drops the element,
///   so a consumer that walks away (closing the channel) never leaves its producer blocked.
///
/// Elements are `Sendable`: what crosses threads is a value (an array of bytes or rows moves without a
/// copy as long as the sender keeps no reference to it) or an object built for sharing.
///
/// ```swift
/// let channel = Channel<[UInt8]>(capacity: 4)
/// let job = BackgroundJob {
///   while let chunk = try? channel.receive() { write(chunk) }
/// }
/// try channel.send(bytes)
/// channel.close()
/// job.join()
/// ```
public final class Channel<Element: Sendable>: Sendable {
  /// Elements queued at most.
  public let capacity: Int
  private let state: Locked<State>

  struct State: Sendable {
    var queue: Ring<Element>
    var closed = false
    var failure: (any Error)?
  }

  /// A channel that holds at most `capacity` (at least 1) elements.
  public init(capacity: Int) {
    self.capacity = max(1, capacity)
    state = Locked(State(queue: Ring(capacity: max(1, capacity))))
  }

  /// Queues `element`, waiting while the channel is full.
  /// - Returns: false, and drops the element, when the channel was closed.
  /// - Throws: the channel's failure, when it failed (the element is dropped).
  @discardableResult
  public func send(_ element: consuming Element) throws -> Bool {
    var element: Element? = consume element
    let failure: (any Error)? = state.lock.withLock { () -> (any Error)? in
      state.lock.wait { state.value.failure != nil || state.value.closed || state.value.queue.count < capacity }
      if let f = state.value.failure { return f }
      if !state.value.closed {
        state.value.queue.append(element.take()!)
        state.lock.broadcast()
      }
      return nil
    }
    if let failure { throw failure }
    return element == nil
  }

  /// The next element, waiting while the channel is empty and open; nil once it is closed and empty.
  /// - Throws: the failure, once every element sent before it has been received.
  public func receive() throws -> Element? {
    try state.lock.withLock { () throws -> Element? in
      state.lock.wait { !state.value.queue.isEmpty || state.value.closed || state.value.failure != nil }
      if let e = state.value.queue.removeFirst() {
        state.lock.broadcast()
        return e
      }
      if let f = state.value.failure { throw f }
      return nil
    }
  }

  /// Ends the channel: no element is accepted any more; those queued can still be received.
  /// Wakes every waiting thread. Closing twice, or after a failure, does nothing more.
  public func close() {
    state.update { $0.closed = true }
  }

  /// Ends the channel with `error`, unless it failed already (the first failure is kept).
  /// Waiting senders wake and throw it; receivers get it after the queued elements.
  public func fail(_ error: any Error) {
    state.update { s in
      if s.failure == nil { s.failure = error }
      s.closed = true
    }
  }

  /// The failure, if the channel failed.
  public var failure: (any Error)? { state.withLock { $0.failure } }

  /// Elements queued now (a snapshot: another thread may change it right after).
  public var count: Int { state.withLock { $0.queue.count } }

  /// Whether the channel was closed or failed.
  public var isClosed: Bool { state.withLock { $0.closed } }
}

/// A growable ring buffer (first in, first out) without the shifting of `Array.removeFirst()`.
struct Ring<Element> {
  private var slots: [Element?]
  private var head = 0
  private(set) var count = 0

  init(capacity: Int) { slots = Array(repeating: nil, count: max(1, capacity)) }

  var isEmpty: Bool { count == 0 }

  mutating func append(_ e: consuming Element) {
    if count == slots.count {
      var grown = [Element?](repeating: nil, count: slots.count * 2)
      for i in 0..<count { grown[i] = slots[(head + i) % slots.count].take() }
      slots = grown
      head = 0
    }
    slots[(head + count) % slots.count] = consume e
    count += 1
  }

  mutating func removeFirst() -> Element? {
    guard count > 0 else { return nil }
    let e = slots[head].take()
    head = (head + 1) % slots.count
    count -= 1
    return e
  }
}

extension Ring: Sendable where Element: Sendable {}
