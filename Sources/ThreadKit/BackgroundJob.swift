#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The threads sheetgate starts: all of them through ``BackgroundJob`` (directly or inside a
/// ``OrderedWorkers``), so that tests can check that none outlives its owner.
public enum KitThreads {
  static let counter = Locked(0)

  /// Threads started by this kit whose body has not returned yet.
  ///
  /// A body counts until it returns, so after a ``BackgroundJob/join()`` (or ``OrderedWorkers/stop()``)
  /// the count no longer includes its threads. Tests compare it before and after an operation.
  public static var live: Int { counter.withLock { $0 } }
}

/// Runs one closure on its own POSIX thread; ``join()`` waits for it and returns its result.
///
/// The closure is *handed over* (`sending`): a `@Sendable` closure qualifies, and so does one that
/// captures state the caller does not use again (e.g. a file reader that from now on belongs to the new
/// thread). The join is the synchronisation point: after it, whatever the closure wrote is visible to
/// the joining thread. A job released without ``join()`` joins in `deinit`, so a job never leaves a
/// thread behind; to make a blocked body return, close the ``Channel`` it waits on first.
///
/// If no thread can be created, the closure runs on the caller's thread at ``join()``.
///
/// ```swift
/// let job = BackgroundJob { try? scanMergedCells(part) }
/// let strings = try parseSharedStrings()
/// let merges = job.join()
/// ```
public final class BackgroundJob<Result: Sendable>: Sendable {
  private let state: JobState<Result>
  /// The thread until it is joined; the lock is held while joining, so two joins cannot overlap.
  private let thread: Locked<ThreadHandle?>

  /// Starts `body` on a new thread with a stack of `stackSize` bytes.
  public init(name: String? = nil, stackSize: Int = 1 << 20, _ body: sending @escaping () -> Result) {
    let state = JobState<Result>()
    self.state = state
    let start = ThreadStart(name: name) { state.finish(body()) }
    let context = Unmanaged.passRetained(start).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstacksize(&attributes, max(stackSize, 64 << 10))
    KitThreads.counter.withLock { $0 += 1 }
    #if canImport(Glibc)
    var tid = pthread_t()
    let rc = pthread_create(&tid, &attributes, threadMain, context)
    #else
    var tid: pthread_t?
    let rc = pthread_create(&tid, &attributes, threadMain, context)
    #endif
    pthread_attr_destroy(&attributes)
    if rc == 0 {
      #if canImport(Glibc)
      thread = Locked(ThreadHandle(id: tid))
      #else
      thread = Locked(tid.map(ThreadHandle.init(id:)))
      #endif
    } else {
      // Run at `join()` on the joining thread instead.
      thread = Locked(nil)
      KitThreads.counter.withLock { $0 -= 1 }
      state.setDeferred(Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue())
    }
  }

  /// Waits for the job to end and returns its result. May be called more than once, from any thread.
  @discardableResult
  public func join() -> Result {
    thread.withLock { t in
      if let handle = t {
        precondition(pthread_equal(handle.id, pthread_self()) == 0, "a BackgroundJob cannot join its own thread")
        pthread_join(handle.id, nil)
        t = nil
      }
    }
    state.runDeferred()
    return state.result!
  }

  /// Whether the job's body has returned (without waiting).
  public var isFinished: Bool { state.result != nil }

  deinit {
    thread.withLock { t in
      if let handle = t {
        precondition(pthread_equal(handle.id, pthread_self()) == 0, "a BackgroundJob cannot join its own thread")
        pthread_join(handle.id, nil)
      }
      t = nil
    }
  }
}

/// A POSIX thread's id (a number on Linux, a pointer on Darwin).
struct ThreadHandle: @unchecked Sendable {  // @unchecked: an opaque id, only passed to pthread_join
  let id: pthread_t
}

/// A job's result, written by its thread and read after the join.
final class JobState<Result: Sendable>: Sendable {
  private let box = Locked<(result: Result?, deferred: ThreadStart?)>((nil, nil))

  func finish(_ r: Result) { box.withLock { $0.result = r } }
  var result: Result? { box.withLock { $0.result } }
  func setDeferred(_ start: ThreadStart) { box.withLock { $0.deferred = start } }
  func runDeferred() {
    if let start = box.withLock({ s -> ThreadStart? in defer { s.deferred = nil }; return s.deferred }) {
      start.body()
    }
  }
}

/// What a new thread runs; passed to `pthread_create` as its context.
final class ThreadStart: @unchecked Sendable {  // @unchecked: created by the starting thread, then used only by the started one (or by `join()` when no thread was made)
  let name: String?
  let body: () -> Void
  init(name: String?, body: @escaping () -> Void) {
    self.name = name
    self.body = body
  }
}

#if canImport(Glibc)
private func threadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
  runThread(context)
  return nil
}
#else
private func threadMain(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
  runThread(context)
  return nil
}
#endif

private func runThread(_ context: UnsafeMutableRawPointer?) {
  guard let context else { return }
  let start = Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue()
  if let name = start.name { setThreadName(name) }
  start.body()
  KitThreads.counter.withLock { $0 -= 1 }
}

#if canImport(Glibc)
/// glibc's `pthread_setname_np`, which Swift's Glibc module does not export (it is a GNU extension).
private let setName: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32)? = {
  guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return nil }
  return unsafeBitCast(f, to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self)
}()

/// Names the calling thread (for profilers and debuggers); Linux keeps 15 bytes.
private func setThreadName(_ name: String) {
  var bytes = Array(name.utf8.prefix(15))
  while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
  bytes.append(0)
  _ = bytes.withUnsafeBufferPointer { p in
    p.withMemoryRebound(to: CChar.self) { setName?(pthread_self(), $0.baseAddress!) }
  }
}
#else
private func setThreadName(_ name: String) { _ = pthread_setname_np(name) }
#endif
