import Tabular
import XMLStream

/// The rows parsed from one piece of a worksheet's `<sheetData>`, waiting to be handed out in
/// order (see `ParallelRowReader`). Storage is kept between pieces, so a batch allocates only
/// while it grows to the largest piece.
struct RowBatch {
  struct Entry {
    var index: Int
    var cellEnd: Int
    var byteEnd: Int
    var isHidden: Bool
    /// The index counts from the start of the piece (no row reference seen yet in it).
    var relative: Bool
  }

  var entries: [Entry] = []
  var cells: [Cell] = []
  var bytes: [UInt8] = []
  /// After the piece: the parser's next row index, and whether it is absolute (`anchored`).
  var endNextRowIndex = 0
  var anchored = false
  var minColumn = Int.max
  var maxColumn = -1
  /// The piece could not be parsed on its own (malformed XML, a bad cell, hostile nesting):
  /// the reader parses it, and everything after it, sequentially instead.
  var failed = false

  mutating func reset() {
    entries.removeAll(keepingCapacity: true)
    cells.removeAll(keepingCapacity: true)
    bytes.removeAll(keepingCapacity: true)
    endNextRowIndex = 0
    anchored = false
    minColumn = Int.max
    maxColumn = -1
    failed = false
  }

  mutating func append(_ row: Row, relative: Bool) {
    cells.append(contentsOf: row.cells)
    bytes.append(contentsOf: row.bytes)
    entries.append(Entry(index: row.index, cellEnd: cells.count, byteEnd: bytes.count, isHidden: row.isHidden,
                         relative: relative))
  }

  /// Copies entry `i` into `row`, shifting a relative index by `base`.
  func copy(_ i: Int, base: Int, into row: inout Row) {
    let e = entries[i]
    let cellStart = i == 0 ? 0 : entries[i - 1].cellEnd
    let byteStart = i == 0 ? 0 : entries[i - 1].byteEnd
    row.removeAll()
    row.index = e.relative ? e.index + base : e.index
    row.isHidden = e.isHidden
    cells.withUnsafeBufferPointer { row.cells.append(contentsOf: UnsafeBufferPointer(rebasing: $0[cellStart..<e.cellEnd])) }
    bytes.withUnsafeBufferPointer { row.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[byteStart..<e.byteEnd])) }
  }
}

/// Parses pieces of `<sheetData>` into `RowBatch`es with the same `SheetParseState` as the
/// sequential reader (one cell decoder for both). Each piece is wrapped in `open` … `close`
/// (`<sheetData>` … `</sheetData>` with the sheet's prefix) and parsed by a fresh expat parser
/// reading the piece in place. One `PieceParser` per thread.
final class PieceParser: XMLHandler {
  private let context: WorkbookContext
  private let open: [UInt8]
  private let close: [UInt8]
  private let statePointer: UnsafeMutablePointer<SheetParseState>
  /// This thread's cache of a spilled shared-strings table, kept across pieces.
  private let stringCache: SharedStringCache?
  private var batch: UnsafeMutablePointer<RowBatch>?
  private unowned(unsafe) var parser: XMLStreamParser?

  init(context: WorkbookContext, open: [UInt8], close: [UInt8]) {
    self.context = context
    self.open = open
    self.close = close
    stringCache = SharedStringCache(context.sharedStrings)
    statePointer = .allocate(capacity: 1)
    statePointer.initialize(to: SheetParseState(context: context, stringCache: stringCache))
  }

  deinit {
    statePointer.deinitialize(count: 1)
    statePointer.deallocate()
  }

  /// Parses `piece` into `batch` (reset first). Sets `batch.failed` instead of throwing.
  func parse(_ piece: UnsafeRawBufferPointer, into batch: inout RowBatch) {
    batch.reset()
    statePointer.pointee = SheetParseState(context: context, stringCache: stringCache)
    let p = XMLStreamParser(entry: nil, chunkSize: 1) { _ in 0 }
    p.setHandler(self)
    parser = p
    withUnsafeMutablePointer(to: &batch) { b in
      self.batch = b
      do {
        try open.withUnsafeBytes { try p.feed($0, isFinal: false) }
        try p.feed(piece, isFinal: false)
        try close.withUnsafeBytes { try p.feed($0, isFinal: true) }
      } catch {
        b.pointee.failed = true
      }
      self.batch = nil
    }
    parser = nil
    let s = statePointer.pointee
    batch.endNextRowIndex = s.nextRowIndex
    batch.anchored = s.anchored
    batch.minColumn = s.minColumn
    batch.maxColumn = s.maxColumn
  }

  /// A finished row goes to the batch; a bad cell stops the piece.
  private func act() {
    if statePointer.pointee.failure != nil {
      parser?.fail(XMLError(code: .handler, entry: nil, line: 0, column: 0, byteOffset: 0, detail: "bad cell"))
    } else if statePointer.pointee.rowReady {
      statePointer.pointee.rowReady = false
      batch?.pointee.append(statePointer.pointee.row, relative: !statePointer.pointee.anchored)
      statePointer.pointee.row.removeAll()
    }
  }

  func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    if statePointer.pointee.startElement(name, attributes) { act() }
  }

  func endElement(_ name: XMLName) {
    if statePointer.pointee.endElement(name) { act() }
  }

  func characters(_ text: UnsafeBufferPointer<UInt8>) {
    statePointer.pointee.characters(text)
  }
}
