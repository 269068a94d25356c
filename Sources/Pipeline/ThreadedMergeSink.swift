import Merge
import ThreadKit

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
/// Commands cross on a ThreadKit `Channel`; the writer thread is a `BackgroundJob` holding the channel
/// and `inner` (after `init`, the caller never calls it). `batch` belongs to the caller's thread. Rows
/// cross as value arrays (`[[MergeCell]]`), never shared mutable. ``finish()`` and ``discard()`` join
/// the writer thread, so when they return the wrapped sink is idle and, for ``finish()``, its results
/// (e.g. ``CSVMergeSink/paths``) may be read. When the wrapped sink throws, the thread discards it and
/// fails the channel with the error (the first is kept), so the next hand-off throws it.
public final class ThreadedMergeSink: MergeSink {
  private enum Command: Sendable {
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

  private let channel: Channel<Command>
  private let job: BackgroundJob<Void>
  private var batch: [[MergeCell]] = []

  /// Starts the writer thread for `inner`, which from now on is called from that thread only.
  public init(_ inner: MergeSink) {
    let channel = Channel<Command>(capacity: queueLimit)
    self.channel = channel
    let handoff = Handoff(sink: inner)
    job = BackgroundJob(name: "sheetgate-merge-output", stackSize: 8 << 20) {
      ThreadedMergeSink.run(handoff.sink, channel)
    }
  }

  /// The wrapped sink on its way to the writer thread.
  // @unchecked: only the writer thread calls the sink until finish()/discard() has joined it; the
  // caller reads its results (CSVMergeSink.paths) after that join.
  private struct Handoff: @unchecked Sendable { let sink: MergeSink }

  deinit { discard() }

  /// The writer thread: runs the commands until `finish` or `discard`, or until `inner` fails.
  private static func run(_ inner: MergeSink, _ channel: Channel<Command>) {
    do {
      while let c = try channel.receive() {
        switch c {
        case .begin(let name, let kind, let header): try inner.beginSheet(name: name, kind: kind, header: header)
        case .rows(let rows): for r in rows { try inner.write(cells: r) }
        case .end: try inner.endSheet()
        case .finish:
          try inner.finish()
          channel.close()
          return
        case .discard:
          inner.discard()
          channel.close()
          return
        }
      }
      inner.discard()  // the channel ended without a command: nothing is kept
    } catch {
      inner.discard()
      channel.fail(error)
    }
  }

  public func beginSheet(name: String, kind: MergeSheetKind, header: [String]) throws {
    try flush()
    try channel.send(.begin(name, kind, header))
  }

  public func write(cells: [MergeCell]) throws {
    batch.append(cells)
    if batch.count >= batchSize { try flush() }
  }

  public func endSheet() throws {
    try flush()
    try channel.send(.end)
  }

  /// Hands over what is left, waits for the writer to commit, and rethrows its error if any.
  public func finish() throws {
    do {
      try flush()
      try channel.send(.finish)
    } catch {
      job.join()
      throw error
    }
    job.join()
    if let failure = channel.failure { throw failure }
  }

  /// Abandons the output and waits for the writer thread to end.
  public func discard() {
    batch.removeAll()
    _ = try? channel.send(.discard)
    job.join()
  }

  private func flush() throws {
    guard !batch.isEmpty else { return }
    let rows = batch
    batch.removeAll(keepingCapacity: true)
    try channel.send(.rows(rows))
  }
}
