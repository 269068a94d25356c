import Recognition
import Tabular
import ThreadKit
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
/// - Two ThreadKit channels of batch numbers make the ring: `free` (batches the reader may fill,
///   starts with all `slots`) and `ready` (filled batches, in order). The reader owns a batch
///   from receiving its number on `free` until sending it on `ready`; the consumer from receiving
///   it on `ready` until sending it back on `free`. Nothing else touches a batch, and the
///   channels' lock orders the memory accesses, so there is no lock around the rows themselves.
/// - A batch with `count < batchSize` is the last one (it may be empty); after it the reader
///   closes `ready`, or fails it with the reading error, which `forEachInPlace` then rethrows.
/// - The `TableReader` (its notes, metadata) belongs to the reader thread until the thread is
///   joined; read `reader` only after `forEachInPlace` returns.
/// - `forEachInPlace` must run to the end (it is the only consumer); it joins the reader thread.
///   A pipeline released without it closes `free`: the reader thread fills at most the batches
///   still free, then ends, and `deinit` joins it.
final class RowPipeline<Source: RowSource>: @unchecked Sendable {  // @unchecked: a batch (and `reader`) is owned by one thread at a time, handed over through the channels
  private(set) var reader: TableReader<Source>
  private let batches: [RowBatch]
  private let batchSize: Int
  /// Numbers of the batches the reader may fill.
  private let free: Channel<Int>
  /// Numbers of the filled batches, in order; closed after the last one, or failed.
  private let ready: Channel<Int>
  private var job: BackgroundJob<Void>?
  private let precheck: RowPrecheck?
  /// Precheck every batch, behind or not (for tests of the hand-over).
  private let precheckEveryBatch: Bool

  /// Starts the reader thread on `reader` (already past its header). With a `precheck`, the
  /// reader thread also runs it on the batches it fills while the consumer is behind.
  init(reader: TableReader<Source>, precheck: RowPrecheck? = nil, precheckEveryBatch: Bool = false,
       slots: Int = 4, batchSize: Int = 512) {
    self.reader = reader
    self.precheck = precheck
    self.precheckEveryBatch = precheckEveryBatch
    self.batchSize = batchSize
    batches = (0..<slots).map { _ in RowBatch(size: batchSize) }
    free = Channel(capacity: slots)
    ready = Channel(capacity: slots)
    for k in 0..<slots { _ = try? free.send(k) }
    // Unretained: a reference taken by the thread could be the last, and `deinit` would join its own thread.
    let me = Unmanaged.passUnretained(self)
    job = BackgroundJob(name: "sheetgate-rows") { me._withUnsafeGuaranteedRef { $0.produce() } }
  }

  deinit {
    free.close()
    job?.join()
  }

  /// The reader thread: fills batches until the table ends or reading fails.
  private func produce() {
    var done = false
    var failure: Error?
    // The reader is this thread's until the end: a local, not a class property checked for exclusive access
    // on every row, and put back before `ready` closes (the consumer reads it only after that).
    var reader = self.reader
    while !done {
      guard let k = try? free.receive() else { self.reader = reader; return }  // released early
      let b = batches[k]
      b.count = 0
      // The consumer is behind when filled batches wait for it: then this thread has time to
      // spare for the precheck; otherwise the consumer does that work itself.
      let behind = ready.count > 0
      b.prechecked = precheck != nil && (behind || precheckEveryBatch)
      do {
        if b.prechecked, let precheck {
          let width = precheck.fieldCount
          if b.verdicts.count < batchSize * width {
            b.verdicts = Array(repeating: FastVerdict(), count: batchSize * width)
          }
          // One exclusive access to the batch's arrays per batch, not one per row.
          var n = 0
          defer { b.count = n }
          try b.verdicts.withUnsafeMutableBufferPointer { v in
            try b.rows.withUnsafeMutableBufferPointer { rows in
              while n < batchSize {
                guard try reader.nextRow(into: &rows[n]) else { done = true; break }
                precheck.run(rows[n], into: v.baseAddress! + n * width)
                n += 1
              }
            }
          }
        } else {
          var n = 0
          defer { b.count = n }
          try b.rows.withUnsafeMutableBufferPointer { rows in
            while n < batchSize {
              guard try reader.nextRow(into: &rows[n]) else { done = true; break }
              n += 1
            }
          }
        }
      } catch {
        failure = error
        done = true
      }
      _ = try? ready.send(k)
    }
    self.reader = reader
    if let failure { ready.fail(failure) } else { ready.close() }
  }

  /// Calls `body` with each row in order, in place in its batch (no copy of the row's arrays),
  /// and the row's precheck verdicts when the reader thread made them; rethrows a reading error
  /// after the rows read before it. `body` may scribble on the row: the reader refills it.
  func forEachInPlace(_ body: (inout Row, UnsafeBufferPointer<FastVerdict>?) -> Void) throws {
    let width = precheck?.fieldCount ?? 0
    defer { job?.join() }
    while let k = try ready.receive() {
      let b = batches[k]
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
      _ = try? free.send(k)
    }
  }
}

/// One reusable batch of rows of a ``RowPipeline``. Not nested in the generic pipeline: a type nested in a
/// generic one is generic too, and its metadata was looked up at run time on every row the reader filled.
final class RowBatch {
  var rows: [Row]
  var count = 0
  /// `precheck` verdicts, `fieldCount` per row, when `prechecked`.
  var verdicts: [FastVerdict] = []
  var prechecked = false
  init(size: Int) { rows = (0..<size).map { _ in Row() } }
}
