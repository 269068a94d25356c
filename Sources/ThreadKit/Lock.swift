#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with one condition variable: the one lock style of sheetgate.
///
/// Every hand-off between threads in sheetgate (``Channel``, ``OrderedWorkers``, ``BackgroundJob``, the
/// workbook reader's slot ring) waits and wakes through a `Lock`. It is a `final class` over a POSIX
/// `pthread_mutex_t` and `pthread_cond_t`, allocated once and never moved, because
/// - the hand-offs need to *wait* for a state change, and `Synchronization.Mutex` has no condition
///   variable (a second mechanism beside it would be two styles again);
/// - `Foundation.NSCondition` is the same pair behind an Objective-C-style class, with an allocation
///   and a dynamic call per operation on Linux, and `DispatchSemaphore` counts but cannot guard state;
/// - the pthread calls are `@inlinable` here, so a lock taken per row batch or per file costs two
///   atomic instructions when uncontended.
///
/// One condition per lock: every state change calls ``broadcast()`` and every waiter re-checks its own
/// condition in a loop (``wait(until:)``), so a lock never needs a second condition and a missed
/// wake-up cannot happen.
///
/// ```swift
/// let lock = Lock()
/// var ready = false                 // guarded by `lock`
/// lock.withLock { ready = true; lock.broadcast() }
/// lock.withLock { lock.wait { ready } }
/// ```
public final class Lock: @unchecked Sendable {  // @unchecked: it owns the pthread objects, which are made to be shared
  @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
  @usableFromInline let condition: UnsafeMutablePointer<pthread_cond_t>

  public init() {
    mutex = .allocate(capacity: 1)
    condition = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  /// Takes the lock, waiting for it.
  @inlinable @inline(__always)
  public func lock() { pthread_mutex_lock(mutex) }

  /// Releases the lock (held by the calling thread).
  @inlinable @inline(__always)
  public func unlock() { pthread_mutex_unlock(mutex) }

  /// Releases the lock, sleeps until a ``broadcast()`` or ``signal()`` (or spuriously), and takes it again.
  /// Call it with the lock held, in a loop re-checking the condition waited for; or use ``wait(until:)``.
  @inlinable @inline(__always)
  public func wait() { pthread_cond_wait(condition, mutex) }

  /// Waits (with the lock held) until `condition()` is true; `condition` runs with the lock held.
  @inlinable @inline(__always)
  public func wait(until condition: () -> Bool) {
    while !condition() { pthread_cond_wait(self.condition, mutex) }
  }

  /// Wakes every thread waiting on this lock. Call it after each change of the guarded state.
  @inlinable @inline(__always)
  public func broadcast() { pthread_cond_broadcast(condition) }

  /// Wakes one thread waiting on this lock: only right when any waiter can make progress.
  @inlinable @inline(__always)
  public func signal() { pthread_cond_signal(condition) }

  /// Runs `body` with the lock held.
  @inlinable @inline(__always)
  public func withLock<R>(_ body: () throws -> R) rethrows -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }
}

/// A value guarded by its own ``Lock``: the value is reachable only inside ``withLock(_:)``.
///
/// Sendable because every access goes through the lock, and the value itself is `Sendable`, so
/// nothing reachable from it can be touched outside the lock.
public final class Locked<Value: Sendable>: @unchecked Sendable {  // @unchecked: `value` is read and written only under `lock`
  @usableFromInline let lock = Lock()
  @usableFromInline var value: Value

  public init(_ value: Value) { self.value = value }

  /// Runs `body` on the value with the lock held.
  @inlinable
  public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }

  /// Changes the value with `body` and wakes the threads waiting in ``wait(until:then:)``.
  @inlinable
  public func update<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.broadcast(); lock.unlock() }
    return try body(&value)
  }

  /// Waits until `condition` holds for the value (changes come through ``update(_:)``), then runs
  /// `body` on it, all with the lock held.
  @inlinable
  public func wait<R>(until condition: (Value) -> Bool, then body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    while !condition(value) { lock.wait() }
    return try body(&value)
  }
}
