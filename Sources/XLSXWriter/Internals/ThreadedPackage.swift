import Foundation

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
/// The thread's state lives in a separate ``Channel`` that the thread holds, never the wrapper, so releasing
/// the wrapper still runs its `deinit`. `queue`, `failure` and `done` are touched only with `condition`
/// locked; the wrapped sink is called from the thread only, after `init`.
final class ThreadedPackage: PackageSink {
  /// Commands waiting at most.
  let queueLimit = 4

  private enum Command {
    case begin(String, Bool)
    case bytes([UInt8])
    case end
    case commit
    case abort
  }

  private final class Channel: @unchecked Sendable {
    let condition = NSCondition()
    var queue: [Command] = []
    var failure: Error?
    var done = false

    func run(_ inner: PackageSink) {
      while true {
        condition.lock()
        while queue.isEmpty { condition.wait() }
        let c = queue.removeFirst()
        let failed = failure != nil
        condition.broadcast()
        condition.unlock()
        var last = false
        do {
          switch c {
          case .begin(let name, let large): if !failed { try inner.beginEntry(name, large: large) }
          case .bytes(let b): if !failed { try b.withUnsafeBytes { try inner.write($0) } }
          case .end: if !failed { try inner.endEntry() }
          case .commit:
            last = true
            if failed { inner.abort() } else { try inner.commit() }
          case .abort:
            last = true
            inner.abort()
          }
        } catch {
          condition.lock()
          if failure == nil { failure = error }
          condition.broadcast()
          condition.unlock()
          if last { inner.abort() }
        }
        if last { break }
      }
      condition.lock()
      done = true
      queue.removeAll()
      condition.broadcast()
      condition.unlock()
    }
  }

  private let channel = Channel()

  /// Starts the thread for `inner`, which from now on is called from that thread only.
  init(_ inner: PackageSink) {
    let channel = self.channel
    let t = Thread { channel.run(inner) }
    t.name = "sheetgate-xlsx-deflate"
    t.stackSize = 1 << 20
    t.start()
  }

  deinit {
    finish(.abort)
  }

  func beginEntry(_ name: String, large: Bool) throws { try hand(.begin(name, large)) }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard bytes.count > 0 else { return }
    try hand(.bytes(Array(bytes)))
  }

  func endEntry() throws { try hand(.end) }

  /// Hands over the commit, waits for the thread to end, and rethrows the wrapped sink's error if any.
  func commit() throws {
    try hand(.commit)
    if let e = finish(nil) { throw e }
  }

  func abort() { finish(.abort) }

  /// Appends `last` (unless the thread is done) and waits for the thread to end; returns its error.
  @discardableResult
  private func finish(_ last: Command?) -> Error? {
    let ch = channel
    ch.condition.lock()
    defer { ch.condition.unlock() }
    if let last, !ch.done {
      ch.queue.append(last)
      ch.condition.broadcast()
    }
    while !ch.done { ch.condition.wait() }
    return ch.failure
  }

  private func hand(_ c: Command) throws {
    let ch = channel
    ch.condition.lock()
    defer { ch.condition.unlock() }
    while ch.queue.count >= queueLimit && ch.failure == nil && !ch.done { ch.condition.wait() }
    if let failure = ch.failure { throw failure }
    guard !ch.done else { return }
    ch.queue.append(c)
    ch.condition.broadcast()
  }
}
