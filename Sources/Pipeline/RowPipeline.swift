import Dispatch
import Foundation
import Recognition
import Tabular
import Validation

/// Reads a table's rows on a second thread while the caller consumes them, through a small
/// ring of reused row batches.
///
/// The reader thread runs `TableReader.nextRow(into:)` (file reading, decoding, recognition's
/// copy into field order) and fills batches; the calling thread takes the batches in order and
/// hands them back once used. Rows stay in sheet order and memory stays bounded: `slots`
/// batches of `batchSize` reused `Row`s, whatever the length of the table.
///
/// ### Advice for hackers (the hand-off)
/// - Two counting semaphores make the ring: `free` (batches the reader may fill, starts at
///   `slots`) and `ready` (filled batches, starts at 0). The reader owns batch `k % slots`
///   between `free.wait()` and `ready.signal()`; the consumer owns it between `ready.wait()`
///   and `free.signal()`. Nothing else touches a batch, and the semaphores order the memory
///   accesses, so there is no lock around the rows themselves.
/// - A batch with `count < batchSize` is the last one (it may be empty); `failure` is written
///   by the reader before that last `ready.signal()` and read by the consumer after it.
/// - The `TableReader` (its notes, metadata) belongs to the reader thread until `finished`
///   is signalled; read `reader` only after `forEachInPlace` returns.
/// - `forEachInPlace` must run to the end (it is the only consumer): a consumer that stopped early
///   would leave the reader blocked on `free` for ever.
final class RowPipeline<Source: RowSource>: @unchecked Sendable {
  /// One reusable batch of rows.
  final class Batch {
    var rows: [Row]
    var count = 0
    /// `precheck` verdicts, `fieldCount` per row, when `prechecked`.
    var verdicts: [FastVerdict] = []
    var prechecked = false
    init(size: Int) { rows = (0..<size).map { _ in Row() } }
  }

  private(set) var reader: TableReader<Source>
  private let batches: [Batch]
  private let batchSize: Int
  private let free: DispatchSemaphore
  private let ready = DispatchSemaphore(value: 0)
  private let finished = DispatchSemaphore(value: 0)
  private var failure: Error?
  private var consumed = 0
  private var ended = false
  private let precheck: RowPrecheck?
  /// Precheck every batch, behind or not (for tests of the hand-over).
  private let precheckEveryBatch: Bool
  /// Filled batches the consumer has not taken yet (under `lock`).
  private var backlog = 0
  private let lock = NSLock()

  /// Starts the reader thread on `reader` (already past its header). With a `precheck`, the
  /// reader thread also runs it on the batches it fills while the consumer is behind.
  init(reader: TableReader<Source>, precheck: RowPrecheck? = nil, precheckEveryBatch: Bool = false,
       slots: Int = 4, batchSize: Int = 512) {
    self.reader = reader
    self.precheck = precheck
    self.precheckEveryBatch = precheckEveryBatch
    self.batchSize = batchSize
    batches = (0..<slots).map { _ in Batch(size: batchSize) }
    free = DispatchSemaphore(value: slots)
    let thread = Thread { [self] in self.produce() }
    thread.stackSize = 1 << 20
    thread.start()
  }

  /// The reader thread: fills batches until the table ends or reading fails.
  private func produce() {
    var k = 0
    var done = false
    while !done {
      free.wait()
      let b = batches[k % batches.count]
      b.count = 0
      // The consumer is behind when filled batches wait for it: then this thread has time to
      // spare for the precheck; otherwise the consumer does that work itself.
      lock.lock()
      let behind = backlog > 0
      lock.unlock()
      b.prechecked = precheck != nil && (behind || precheckEveryBatch)
      do {
        if b.prechecked, let precheck {
          let width = precheck.fieldCount
          if b.verdicts.count < batchSize * width {
            b.verdicts = Array(repeating: FastVerdict(), count: batchSize * width)
          }
          try b.verdicts.withUnsafeMutableBufferPointer { v in
            while b.count < batchSize {
              guard try reader.nextRow(into: &b.rows[b.count]) else { done = true; break }
              precheck.run(b.rows[b.count], into: v.baseAddress! + b.count * width)
              b.count += 1
            }
          }
        } else {
          while b.count < batchSize {
            guard try reader.nextRow(into: &b.rows[b.count]) else { done = true; break }
            b.count += 1
          }
        }
      } catch {
        failure = error
        done = true
      }
      k += 1
      lock.lock()
      backlog += 1
      lock.unlock()
      ready.signal()
    }
    finished.signal()
  }

  /// Calls `body` with each row in order, in place in its batch (no copy of the row's arrays),
  /// and the row's precheck verdicts when the reader thread made them; rethrows a reading error
  /// after the rows read before it. `body` may scribble on the row: the reader refills it.
  func forEachInPlace(_ body: (inout Row, UnsafeBufferPointer<FastVerdict>?) -> Void) throws {
    let width = precheck?.fieldCount ?? 0
    while !ended {
      ready.wait()
      lock.lock()
      backlog -= 1
      lock.unlock()
      let b = batches[consumed % batches.count]
      consumed += 1
      let n = b.count
      if b.prechecked {
        b.verdicts.withUnsafeBufferPointer { v in
          b.rows.withUnsafeMutableBufferPointer { rows in
            for i in 0..<n { body(&rows[i], UnsafeBufferPointer(rebasing: v[(i * width)..<((i + 1) * width)])) }
          }
        }
      } else {
        b.rows.withUnsafeMutableBufferPointer { rows in
          for i in 0..<n { body(&rows[i], nil) }
        }
      }
      let last = n < batchSize
      free.signal()
      if last { ended = true }
    }
    finished.wait()
    finished.signal()
    if let failure { throw failure }
  }
}
