#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte source that inflates ahead on a second thread (DESIGN.md §11: overlap inflate with parsing).
///
/// A producer thread fills a ring of `count` buffers of `bufferSize` bytes from `upstream` (e.g.
/// a ZIP entry reader); `read(into:)` hands the bytes out in order on the caller's thread. The
/// upstream is used only by the producer thread, so it must not be shared with other readers.
/// An upstream error is delivered, in order, after the bytes that preceded it.
///
/// ### Memory
/// `count × bufferSize` bytes (default 4 × 256 KiB) plus the upstream's own buffers.
final class PrefetchingSource {
  private let bufferSize: Int
  private let count: Int
  private let storage: UnsafeMutableRawPointer
  private var lengths: [Int]
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  // Shared state, guarded by `mutex`.
  private var filled = 0
  private var producerDone = false
  private var producerError: Error?
  private var cancelled = false
  // Consumer-only state.
  private var readIndex = 0
  private var readOffset = 0
  private var job: BackgroundJob<Void>?

  init(bufferSize: Int = 256 << 10, count: Int = 4,
       upstream: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
    self.bufferSize = bufferSize
    self.count = count
    storage = .allocate(byteCount: bufferSize * count, alignment: 64)
    lengths = Array(repeating: 0, count: count)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(notEmpty, nil)
    pthread_cond_init(notFull, nil)
    job = BackgroundJob { [unowned(unsafe) self] in self.produce(upstream) }
  }

  deinit {
    pthread_mutex_lock(mutex)
    cancelled = true
    pthread_cond_broadcast(notFull)
    pthread_mutex_unlock(mutex)
    _ = job?.join()
    job = nil
    pthread_cond_destroy(notEmpty)
    pthread_cond_destroy(notFull)
    pthread_mutex_destroy(mutex)
    notEmpty.deallocate()
    notFull.deallocate()
    mutex.deallocate()
    storage.deallocate()
  }

  /// Producer loop (second thread): fill the next free buffer completely, publish it, repeat.
  private func produce(_ upstream: (UnsafeMutableRawBufferPointer) throws -> Int) {
    var writeIndex = 0
    while true {
      pthread_mutex_lock(mutex)
      while filled == count && !cancelled { pthread_cond_wait(notFull, mutex) }
      let stop = cancelled
      pthread_mutex_unlock(mutex)
      if stop { return }
      let base = storage + writeIndex * bufferSize
      var n = 0
      var failure: Error?
      var ended = false
      while n < bufferSize {
        do {
          let k = try upstream(UnsafeMutableRawBufferPointer(start: base + n, count: bufferSize - n))
          if k <= 0 { ended = true; break }
          n += k
        } catch {
          failure = error
          break
        }
      }
      pthread_mutex_lock(mutex)
      lengths[writeIndex] = n
      filled += 1
      if failure != nil || ended {
        producerError = failure
        producerDone = true
      }
      pthread_cond_signal(notEmpty)
      pthread_mutex_unlock(mutex)
      if failure != nil || ended { return }
      writeIndex = (writeIndex + 1) % count
    }
  }

  /// Copies the next bytes into `buffer`; 0 at the end. Rethrows the upstream's error in order.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard let dst = buffer.baseAddress, buffer.count > 0 else { return 0 }
    while true {
      pthread_mutex_lock(mutex)
      while filled == 0 && !producerDone { pthread_cond_wait(notEmpty, mutex) }
      if filled == 0 {
        let e = producerError
        producerError = nil
        pthread_mutex_unlock(mutex)
        if let e { throw e }
        return 0
      }
      let length = lengths[readIndex]
      pthread_mutex_unlock(mutex)
      let available = length - readOffset
      if available > 0 {
        let n = min(available, buffer.count)
        dst.copyMemory(from: storage + readIndex * bufferSize + readOffset, byteCount: n)
        readOffset += n
        if readOffset == length { release() }
        return n
      }
      release()  // an empty final buffer
    }
  }

  private func release() {
    readOffset = 0
    readIndex = (readIndex + 1) % count
    pthread_mutex_lock(mutex)
    filled -= 1
    pthread_cond_signal(notFull)
    pthread_mutex_unlock(mutex)
  }
}
