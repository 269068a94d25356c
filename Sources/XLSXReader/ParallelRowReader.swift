import Tabular
import ThreadKit
import XMLStream

/// Parses a large worksheet's rows on two cores: the inflated `<sheetData>` is
/// cut into pieces at row start tags (`RowSplitter`), pieces are parsed by independent expat
/// parsers into `RowBatch`es, and the reader hands the rows out in document order.
///
/// Threads: one producer inflates the part into a ring of slots and cuts pieces; `workers`
/// threads parse pieces; the consumer (the thread calling `next`) copies rows out and, when the
/// piece it needs next has not been taken by a worker yet, parses it itself. Everything the
/// splitter will not cut (a comment, CDATA, processing instruction, the end of `<sheetData>`,
/// a row longer than a slot, the end of the part or a read error) turns the rest of the part
/// into raw slots that the consumer parses sequentially (`readSequential`) — as does a piece
/// that fails to parse on its own, so errors are reported by the sequential parser, in place.
///
/// ### Memory
/// `slots × (2 × pieceSize)` bytes of input plus one row batch per slot (about the piece's size);
/// bounded, independent of the number of rows.
///
/// ### Advice for hackers (the state machine)
/// - A slot is owned by exactly one thread at a time; ownership moves only under `mutex` (ThreadKit's
///   `Lock`, a mutex with one condition), by
///   changing `phase`: `free` → (producer) `filling` → `filled` → (a worker or the consumer)
///   `parsing` → `parsed` → (consumer) `free`. Raw slots go `filled` → `free` (consumer).
///   Only the owner touches a slot's bytes and batch; `seq`/`phase` are read under the lock.
/// - Slots are produced, claimed and released in sequence order: `produced`, `nextClaim` and
///   `consumed` only grow, and the slot of sequence number `s` is `slots[s % slots.count]`.
/// - Once a raw slot is reached (or a piece failed) `stopClaiming` is set and no piece is taken
///   any more; workers exit. `cancelled` (the reader was dropped early) stops every thread.
/// - Every wait is a loop re-checking its condition; every change of shared state broadcasts.
///   Pieces are ~1 MiB, so the lock is taken a few times per thousand rows.
/// - The threads are ThreadKit `BackgroundJob`s holding the reader unretained; `deinit` (always on
///   the consumer's side) cancels and joins them before anything is freed.
final class ParallelRowReader: @unchecked Sendable {  // @unchecked: slots change owner only under `mutex`, by their phase (above); consumer-only fields are touched by the consumer only
  enum Phase { case free, filling, filled, parsing, parsed }

  final class Slot {
    let input: UnsafeMutableRawPointer
    var count = 0
    var seq = -1
    var phase = Phase.free
    /// Bytes for the sequential parser, not a piece of whole rows.
    var raw = false
    /// The last bytes of the part; `error` is the upstream failure after them, if any.
    var last = false
    var error: Error?
    /// Position of `input[0]` in the part.
    var line = 1, column = 1, offset = 0
    var batch = RowBatch()

    init(capacity: Int) { input = .allocate(byteCount: capacity, alignment: 64) }
    deinit { input.deallocate() }
  }

  struct Options: Sendable {
    var pieceSize = 1 << 20
    var slots = 8
    var workers = 1
  }

  typealias Upstream = (UnsafeMutableRawBufferPointer) throws -> Int

  private let slots: [Slot]
  private let capacity: Int
  private let pieceSize: Int
  private let context: WorkbookContext
  private let open: [UInt8]
  private let close: [UInt8]
  private let mutex = Lock()
  // Shared, guarded by `mutex`.
  private var nextClaim = 0
  private var stopClaiming = false
  private var cancelled = false
  // Consumer-only.
  private var consumed = 0
  private var current: Slot?
  private var entry = 0
  private var chunkBase = 0
  /// The index of the next row without a reference, after the pieces handed out so far.
  private(set) var nextRowIndex: Int
  private var tailOffset = 0
  private var tailThrown = false
  private lazy var consumerParser = PieceParser(context: context, open: open, close: close)
  private var threads: [BackgroundJob<Void>] = []

  /// - Parameters:
  ///   - initial: the first bytes of `<sheetData>`'s content (already read from `upstream`).
  ///   - start: the position of `initial[0]` in the part.
  ///   - prefix: the element prefix of `<sheetData>` with its colon, or empty.
  ///   - upstream: the rest of the inflated part; used only by the producer thread.
  init(initial: [UInt8], start: (line: Int, column: Int, offset: Int), prefix: [UInt8], nextRowIndex: Int,
       context: WorkbookContext, options: Options, upstream: sending @escaping Upstream) {
    pieceSize = max(64, options.pieceSize)
    capacity = 2 * pieceSize
    slots = (0..<max(2, options.slots)).map { _ in Slot(capacity: 2 * max(64, options.pieceSize)) }
    self.context = context
    self.nextRowIndex = nextRowIndex
    open = Array("<".utf8) + prefix + Array("sheetData>".utf8)
    close = Array("</".utf8) + prefix + Array("sheetData>".utf8)
    let splitter = RowSplitter(prefix: prefix)
    // The threads hold the reader without a reference count (a reference taken by a thread could be
    // the last one, and `deinit` would then run on that thread and join it).
    let me = Unmanaged.passUnretained(self)
    threads.append(BackgroundJob(name: "sheetgate-split") {
      me._withUnsafeGuaranteedRef { $0.produce(initial: initial, start: start, splitter: splitter, upstream: upstream) }
    })
    for k in 0..<max(0, options.workers) {
      threads.append(BackgroundJob(name: "sheetgate-parse-\(k)") { me._withUnsafeGuaranteedRef { $0.work() } })
    }
  }

  deinit {
    lock()
    cancelled = true
    broadcast()
    unlock()
    for t in threads { t.join() }
    threads = []
  }

  @inline(__always) private func lock() { mutex.lock() }
  @inline(__always) private func unlock() { mutex.unlock() }
  @inline(__always) private func wait() { mutex.wait() }
  @inline(__always) private func broadcast() { mutex.broadcast() }
  @inline(__always) private func slot(_ seq: Int) -> Slot { slots[seq % slots.count] }

  // MARK: Producer thread

  private func produce(initial: [UInt8], start: (line: Int, column: Int, offset: Int), splitter: RowSplitter,
                       upstream: Upstream) {
    var carry = initial
    var line = start.line, column = start.column, offset = start.offset
    var raw = false
    var seq = 0
    while true {
      let s = slot(seq)
      lock()
      while s.phase != .free && !cancelled { wait() }
      if cancelled { unlock(); return }
      s.phase = .filling
      s.seq = seq
      unlock()

      // Fill: the carried bytes of a cut row, then upstream up to one piece (a raw slot: all of it).
      var n = min(carry.count, capacity)
      carry.withUnsafeBytes { s.input.copyMemory(from: $0.baseAddress!, byteCount: n) }
      carry.removeFirst(n)
      var ended = false
      var failure: Error?
      func fill(to target: Int) {
        while n < target && !ended && failure == nil {
          do {
            let k = try upstream(UnsafeMutableRawBufferPointer(start: s.input + n, count: target - n))
            if k <= 0 { ended = true } else { n += k }
          } catch {
            failure = error
          }
        }
      }
      if carry.isEmpty { fill(to: raw ? capacity : max(pieceSize, n)) }
      var count = n  // a piece of whole rows ends at the last row start; a raw slot keeps everything
      if !raw {
        var cut: Int? = nil
        if !ended && failure == nil {
          cut = splitter.lastRowStart(s.input, count: n)
          if cut == nil && carry.isEmpty {  // a long row: allow the slot's whole capacity
            fill(to: capacity)
            if !ended && failure == nil { cut = splitter.lastRowStart(s.input, count: n) }
          }
        }
        if let c = cut, !splitter.needsSequential(s.input, count: c) {
          count = c
          carry.insert(contentsOf: UnsafeRawBufferPointer(start: s.input + c, count: n - c), at: 0)
        } else {
          raw = true
          count = n
        }
      }
      s.count = count
      s.raw = raw
      s.last = carry.isEmpty && (ended || failure != nil)
      s.error = s.last ? failure : nil
      s.line = line
      s.column = column
      s.offset = offset
      RowSplitter.advance(line: &line, column: &column, over: s.input, count: count)
      offset += count
      lock()
      s.phase = .filled
      broadcast()
      unlock()
      if s.last { return }
      seq += 1
    }
  }

  // MARK: Worker threads

  private func work() {
    let parser = PieceParser(context: context, open: open, close: close)
    lock()
    while !cancelled && !stopClaiming {
      if !claimAndParse(with: parser) { wait() }
    }
    unlock()
  }

  /// If the next piece is filled and not taken, parses it with `parser` and returns true
  /// (called and returning with the lock held; it is released while parsing). A raw slot or a
  /// failed piece ends all claiming: the consumer reads from there on sequentially.
  private func claimAndParse(with parser: PieceParser) -> Bool {
    guard !stopClaiming else { return false }
    let s = slot(nextClaim)
    guard s.seq == nextClaim && s.phase == .filled else { return false }
    if s.raw {
      stopClaiming = true
      broadcast()
      return false
    }
    s.phase = .parsing
    nextClaim += 1
    unlock()
    parser.parse(UnsafeRawBufferPointer(start: s.input, count: s.count), into: &s.batch)
    lock()
    s.phase = .parsed
    if s.batch.failed { stopClaiming = true }
    broadcast()
    return true
  }

  // MARK: Consumer

  /// Fills `row` with the next row. Returns false when the rest of the part must be parsed
  /// sequentially from `readSequential` (raw bytes, which include the end of `<sheetData>`),
  /// positioned at `sequentialStart`; `nextRowIndex` is then the index for a row without `r`.
  /// The emitted range is noted in `state`'s `minRow`…`maxColumn`.
  func next(into row: inout Row, state: UnsafeMutablePointer<SheetParseState>) -> Bool {
    while true {
      if let s = current {
        if entry < s.batch.entries.count {
          s.batch.copy(entry, base: chunkBase, into: &row)
          entry += 1
          if row.index < state.pointee.minRow { state.pointee.minRow = row.index }
          if row.index > state.pointee.maxRow { state.pointee.maxRow = row.index }
          return true
        }
        if s.batch.minColumn < state.pointee.minColumn { state.pointee.minColumn = s.batch.minColumn }
        if s.batch.maxColumn > state.pointee.maxColumn { state.pointee.maxColumn = s.batch.maxColumn }
        current = nil
        lock()
        s.phase = .free
        broadcast()
        unlock()
        consumed += 1
      }
      let s = slot(consumed)
      lock()
      // While the piece needed next is not ready, parse the next untaken piece (possibly this one).
      while !(s.seq == consumed && (s.phase == .parsed || (s.phase == .filled && (s.raw || stopClaiming)))) {
        if !claimAndParse(with: consumerParser) { wait() }
      }
      let fallBack = s.raw || s.phase == .filled || s.batch.failed
      if fallBack { stopClaiming = true; broadcast() }
      unlock()
      if fallBack { return false }
      current = s
      entry = 0
      chunkBase = nextRowIndex
      nextRowIndex = s.batch.anchored ? s.batch.endNextRowIndex : nextRowIndex + s.batch.endNextRowIndex
    }
  }

  /// Where the sequential rest starts in the part (valid after `next` returned false).
  var sequentialStart: (line: Int, column: Int, offset: Int) {
    let s = slot(consumed)
    return (s.line, s.column, s.offset)
  }

  /// The bytes of the rest of the part, from the slot where `next` returned false, in order.
  /// Rethrows the upstream's error after the bytes that preceded it.
  func readSequential(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard let dst = buffer.baseAddress, buffer.count > 0 else { return 0 }
    while true {
      let s = slot(consumed)
      lock()
      while !(s.seq == consumed && (s.phase == .filled || s.phase == .parsed)) { wait() }
      unlock()
      let available = s.count - tailOffset
      if available > 0 {
        let n = min(available, buffer.count)
        dst.copyMemory(from: s.input + tailOffset, byteCount: n)
        tailOffset += n
        return n
      }
      if s.last {
        if let e = s.error, !tailThrown {
          tailThrown = true
          throw e
        }
        return 0
      }
      lock()
      s.phase = .free
      broadcast()
      unlock()
      consumed += 1
      tailOffset = 0
    }
  }
}
