import ThreadKit

/// Validation off the event loop: a fixed set of threads (ThreadKit's ``BackgroundJob``) take jobs from a
/// bounded ``Channel``; a request awaits its job's result through a checked continuation. Admission is
/// counted before sending, so `send` never blocks an async thread: when `capacity` jobs are waiting or
/// running, ``submit(_:)`` answers ``Full`` at once (the page asks to try again in a moment, HTTP 503).
final class UploadQueue: Sendable {
  struct Full: Error {}

  private struct Job: Sendable {
    let work: @Sendable () -> Void
  }

  private let channel: Channel<Job>
  private let inFlight = Locked(0)
  private let workers: [BackgroundJob<Void>]
  let capacity: Int

  init(threads: Int, capacity: Int) {
    self.capacity = capacity
    let channel = Channel<Job>(capacity: capacity)
    self.channel = channel
    workers = (0..<max(1, threads)).map { i in
      BackgroundJob(name: "sheetgate-serve-\(i)") {
        while let job = try? channel.receive() { job.work() }
      }
    }
  }

  /// Runs `body` on a worker thread and returns its result; throws ``Full`` when the queue is full.
  func submit<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let admitted = inFlight.withLock { n -> Bool in
      guard n < capacity else { return false }
      n += 1
      return true
    }
    guard admitted else { throw Full() }
    return try await withCheckedThrowingContinuation { (k: CheckedContinuation<T, any Error>) in
      let job = Job { [inFlight] in
        let result = Result { try body() }
        inFlight.withLock { $0 -= 1 }
        k.resume(with: result)
      }
      do {
        // Never blocks: at most `capacity` jobs are admitted and the channel holds `capacity`.
        guard try channel.send(job) else {
          inFlight.withLock { $0 -= 1 }
          k.resume(throwing: Full())
          return
        }
      } catch {
        inFlight.withLock { $0 -= 1 }
        k.resume(throwing: error)
      }
    }
  }

  /// Jobs waiting or running.
  var pending: Int { inFlight.withLock { $0 } }

  /// Stops taking jobs and waits for the threads (the jobs already queued finish first).
  func shutdown() {
    channel.close()
    for w in workers { w.join() }
  }
}
