import ThreadKit

/// Runs another ``PackageSink`` on its own thread, so that compressing and writing the archive (zlib's
/// deflate and CRC-32, file writes) overlaps with producing the next parts' XML.
///
/// Each ``write(_:)`` copies its bytes (the caller reuses its buffer) and hands them over; at most
/// ``queueLimit`` commands wait, so memory stays at a few part buffers (about 256 KiB each). An error of
/// the wrapped sink comes back from the next call that hands something over, at the latest from
/// ``commit()``. ``commit()`` and ``abort()`` wait until the thread has finished; a package released
/// without either is aborted (the temporary file removed), as ``ZIPPackage`` is.
///
/// ### Advice for hackers: the hand-off
/// Commands cross on a ThreadKit `Channel`; the thread is a `BackgroundJob` that holds the channel and
/// the wrapped sink, never the wrapper, so releasing the wrapper still runs its `deinit`. The wrapped
/// sink is called from the thread only, after `init`. When it throws, the thread aborts it, fails the
/// channel with the error (the first one is kept; the next hand-off throws it) and ends.
final class ThreadedPackage: PackageSink {
  /// Commands waiting at most.
  let queueLimit = 4

  private enum Command: Sendable {
    case begin(String, Bool)
    case bytes([UInt8])
    case end
    case commit
    case abort
  }

  private let channel: Channel<Command>
  private let job: BackgroundJob<Void>

  /// Starts the thread for `inner`, which from now on is called from that thread only.
  init(_ inner: PackageSink) {
    let channel = Channel<Command>(capacity: queueLimit)
    self.channel = channel
    job = BackgroundJob(name: "sheetgate-xlsx-deflate") {
      ThreadedPackage.run(inner, channel)
    }
  }

  /// The thread: runs the commands until `commit` or `abort`, or until the wrapped sink fails.
  private static func run(_ inner: PackageSink, _ channel: Channel<Command>) {
    do {
      while let c = try channel.receive() {
        switch c {
        case .begin(let name, let large): try inner.beginEntry(name, large: large)
        case .bytes(let b): try b.withUnsafeBytes { try inner.write($0) }
        case .end: try inner.endEntry()
        case .commit:
          try inner.commit()
          channel.close()
          return
        case .abort:
          inner.abort()
          channel.close()
          return
        }
      }
      inner.abort()  // the channel ended without a command: nothing is kept
    } catch {
      inner.abort()
      channel.fail(error)
    }
  }

  deinit {
    finish(.abort)
  }

  func beginEntry(_ name: String, large: Bool) throws { try channel.send(.begin(name, large)) }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard bytes.count > 0 else { return }
    try channel.send(.bytes(Array(bytes)))
  }

  func endEntry() throws { try channel.send(.end) }

  /// Hands over the commit, waits for the thread to end, and rethrows the wrapped sink's error if any.
  func commit() throws {
    if let e = finish(.commit) { throw e }
  }

  func abort() { finish(.abort) }

  /// Hands over `last` (unless the thread is done) and waits for the thread to end; returns its error.
  @discardableResult
  private func finish(_ last: Command) -> Error? {
    _ = try? channel.send(last)
    job.join()
    return channel.failure
  }
}
