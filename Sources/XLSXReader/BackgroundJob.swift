#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one closure on its own POSIX thread; `join()` waits and returns its result.
///
/// Used to overlap independent work on the second core (DESIGN.md §11), e.g. the merged-cells
/// pre-scan of a sheet while the shared strings are parsed. The closure must not touch state
/// shared with the caller until `join()` returns (the join is the synchronisation point).
final class BackgroundJob<T> {
  private final class Box {
    let body: () -> T
    var result: T?
    init(_ body: @escaping () -> T) { self.body = body }
  }

  private let box: Box
  private var thread: pthread_t?

  /// Starts `body` on a new thread, or runs it at `join()` if no thread can be created.
  init(_ body: @escaping () -> T) {
    let box = Box(body)
    self.box = box
    var tid = pthread_t()
    let context = Unmanaged.passRetained(ThreadEntry { box.result = box.body() }).toOpaque()
    let rc = pthread_create(&tid, nil, { ctx in
      guard let ctx else { return nil }
      Unmanaged<ThreadEntry>.fromOpaque(ctx).takeRetainedValue().run()
      return nil
    }, context)
    if rc == 0 {
      thread = tid
    } else {
      Unmanaged<ThreadEntry>.fromOpaque(context).release()
    }
  }

  /// Waits for the job and returns its result.
  func join() -> T {
    if let t = thread {
      pthread_join(t, nil)
      thread = nil
    }
    if let r = box.result { return r }
    let r = box.body()
    box.result = r
    return r
  }

  deinit {
    if let t = thread { pthread_join(t, nil) }
  }
}

/// The non-generic thread entry (a C function pointer cannot capture generic parameters).
private final class ThreadEntry {
  let run: () -> Void
  init(_ run: @escaping () -> Void) { self.run = run }
}
