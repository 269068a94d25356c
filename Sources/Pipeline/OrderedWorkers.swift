import Foundation
import Merge

/// One input file after the worker-thread stage of ``MergeJob/ingest(paths:into:receivedAt:)``: read,
/// validated and encoded, waiting to be stored in input order.
struct PreparedFile: Sendable {
  enum Content: Sendable {
    /// A file with these bytes is in the store already: nothing to do.
    case stored
    /// Recognised tables, in sheet order.
    case tables([PreparedTable])
    /// No table: the file could not be read, or no sheet looked like a ledger.
    case unusable(SubmissionStatus, String)
  }
  var path: String
  var name: String
  /// Hex SHA-256 of the bytes; empty when the file could not be read at all.
  var digest: String
  var content: Content
}

/// One recognised table, its rows encoded back to back (``RowCodec/encodeBinary(_:into:)``) with their
/// key hashes, and what the store records about it.
///
/// About 150 bytes per row of a training-hours ledger: a 500-row file is 75 KB in flight.
struct PreparedTable: Sendable {
  /// Where one row's blob and key hashes end in ``bytes`` and ``keys`` (each starts where the previous ends).
  struct RowEntry: Sendable {
    var number: Int
    var valid: Bool
    var end: Int
    var keysEnd: Int
  }
  var sheet: String?
  var ledger: String
  var bytes: [UInt8] = []
  var rows: [RowEntry] = []
  /// Key hashes of the error-free rows (``Consolidation/keyHash(_:number:values:)``).
  var keys: [Int64] = []
  var agency: String?
  var period = ""
  var errors = 0
  var warnings = 0
  var rowCount = 0
  var validRows = 0
  var reason = ""
}

/// Runs `work(0..<count)` on a few threads and hands the results back strictly in index order.
///
/// The consumer calls ``take(_:)`` with 0, 1, 2…; workers claim indices in order but run at most
/// `window` indices ahead of the consumer, so memory stays bounded however slow the consumer is.
/// A `work` error is rethrown by ``take(_:)`` for that index.
///
/// ### Advice for hackers: the hand-off
/// All shared state (`next`, `consumed`, `ready`, `stopped`, `live`) is read and written only with
/// `condition` locked; `work` runs unlocked and must touch nothing shared except through its own
/// result (in the merge: the job's immutable options, schemas and recogniser, and a private reader per
/// file). Results cross threads through `ready` under the lock, which orders the worker's writes before
/// the consumer's reads. Every state change broadcasts. ``stop()`` must run before the owner goes away
/// (a `defer` right after creation): it makes idle workers exit, waits for busy ones to finish their
/// current file, and joins all of them, so no thread outlives the call that started it.
final class OrderedWorkers<T>: @unchecked Sendable {
  private let condition = NSCondition()
  private let count: Int
  private let window: Int
  private let work: (Int) throws -> T
  private var next = 0
  private var consumed = 0
  private var ready: [Int: Result<T, Error>] = [:]
  private var stopped = false
  private var live = 0

  /// Starts `threads` workers (none when `count` < 2: ``take(_:)`` then runs `work` itself).
  init(count: Int, threads: Int, window: Int? = nil, work: @escaping (Int) throws -> T) {
    self.count = count
    self.work = work
    let n = count < 2 ? 0 : max(1, min(threads, count))
    self.window = window ?? max(2, n * 3)
    live = n
    for k in 0..<n {
      let t = Thread { [self] in self.loop() }
      t.name = "sheetgate-merge-\(k)"
      t.stackSize = 8 << 20
      t.start()
    }
  }

  private func loop() {
    condition.lock()
    while true {
      while !stopped && next < count && next >= consumed + window { condition.wait() }
      if stopped || next >= count { break }
      let i = next
      next += 1
      condition.unlock()
      let r = Result { try work(i) }
      condition.lock()
      ready[i] = r
      condition.broadcast()
    }
    live -= 1
    condition.broadcast()
    condition.unlock()
  }

  /// The result for index `i` (the next one not taken), waiting for it when needed.
  /// - Throws: what `work(i)` threw.
  func take(_ i: Int) throws -> T {
    condition.lock()
    if live == 0 && next <= i {
      // No workers (or they are gone): run it here.
      next = i + 1
      consumed = i + 1
      condition.unlock()
      return try work(i)
    }
    while ready[i] == nil { condition.wait() }
    let r = ready.removeValue(forKey: i)!
    consumed = i + 1
    condition.broadcast()
    condition.unlock()
    return try r.get()
  }

  /// Stops handing out work and joins the workers (each finishes the file it holds). Idempotent.
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    while live > 0 { condition.wait() }
    ready.removeAll()
    condition.unlock()
  }
}
