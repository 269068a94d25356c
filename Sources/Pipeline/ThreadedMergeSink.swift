import Foundation
import Merge

/// Runs another ``MergeSink`` on its own thread: the consolidation reads and decodes stored rows while
/// the previous rows are encoded and compressed.
///
/// Rows are handed over in batches of ``batchSize``; at most ``queueLimit`` commands wait, so memory
/// stays at a few thousand rows whatever the output's size. An error thrown by the wrapped sink comes
/// back from the next call that hands something over, at the latest from ``finish()``; after it the
/// wrapped sink is discarded (the previous output stays).
///
/// ```swift
/// let sink = ThreadedMergeSink(try XLSXMergeSink(path: out))
/// try Consolidation(schemas: schemas).write(from: store, to: sink)
/// ```
///
/// ### Advice for hackers: the hand-off
/// `queue`, `failure` and `done` are touched only with `condition` locked; everything else belongs to
/// one side: `batch` to the caller's thread, `inner` to the writer thread (after `init`, the caller never
/// calls it). Rows cross as value arrays (`[[MergeCell]]`), copied under the lock, never shared mutable.
/// ``finish()`` and ``discard()`` wait until the writer thread has left its loop, so when they return the
/// wrapped sink is idle and, for ``finish()``, its results (e.g. ``CSVMergeSink/paths``) may be read.
/// Every path out of the writer loop sets `done` and broadcasts; calls after that hand nothing over.
public final class ThreadedMergeSink: MergeSink, @unchecked Sendable {
  private enum Command {
    case begin(String, MergeSheetKind, [String])
    case rows([[MergeCell]])
    case end
    case finish
    case discard
  }

  /// Rows per hand-off.
  public let batchSize = 512
  /// Commands waiting at most.
  public let queueLimit = 8

  private let inner: MergeSink
  private let condition = NSCondition()
  private var queue: [Command] = []
  private var failure: Error?
  private var done = false
  private var batch: [[MergeCell]] = []

  /// Starts the writer thread for `inner`, which from now on is called from that thread only.
  public init(_ inner: MergeSink) {
    self.inner = inner
    let t = Thread { [self] in self.loop() }
    t.name = "sheetgate-merge-output"
    t.stackSize = 8 << 20
    t.start()
  }

  public func beginSheet(name: String, kind: MergeSheetKind, header: [String]) throws {
    try flush()
    try hand(.begin(name, kind, header))
  }

  public func write(cells: [MergeCell]) throws {
    batch.append(cells)
    if batch.count >= batchSize { try flush() }
  }

  public func endSheet() throws {
    try flush()
    try hand(.end)
  }

  /// Hands over what is left, waits for the writer to commit, and rethrows its error if any.
  public func finish() throws {
    try flush()
    try hand(.finish)
    condition.lock()
    defer { condition.unlock() }
    while !done { condition.wait() }
    if let failure { throw failure }
  }

  /// Abandons the output and waits for the writer thread to end.
  public func discard() {
    batch.removeAll()
    condition.lock()
    defer { condition.unlock() }
    if !done {
      queue.append(.discard)
      condition.broadcast()
    }
    while !done { condition.wait() }
  }

  private func flush() throws {
    guard !batch.isEmpty else { return }
    let rows = batch
    batch.removeAll(keepingCapacity: true)
    try hand(.rows(rows))
  }

  private func hand(_ c: Command) throws {
    condition.lock()
    defer { condition.unlock() }
    while queue.count >= queueLimit && failure == nil && !done { condition.wait() }
    if let failure { throw failure }
    guard !done else { return }
    queue.append(c)
    condition.broadcast()
  }

  private func loop() {
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
        case .begin(let name, let kind, let header): if !failed { try inner.beginSheet(name: name, kind: kind, header: header) }
        case .rows(let rows): if !failed { for r in rows { try inner.write(cells: r) } }
        case .end: if !failed { try inner.endSheet() }
        case .finish:
          last = true
          if failed { inner.discard() } else { try inner.finish() }
        case .discard:
          last = true
          inner.discard()
        }
      } catch {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
        if last { inner.discard() }
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
