import Tabular
import XMLStream

/// What every sheet of a workbook shares: the shared strings, the date styles and the date system,
/// passed to each sheet's reader explicitly (no globals). Copying it is cheap (copy-on-write arrays).
public struct WorkbookContext: Sendable {
  public var sharedStrings: SharedStrings
  public var styles: Styles
  public var dateSystem: DateSystem

  public init(sharedStrings: SharedStrings = SharedStrings(), styles: Styles = Styles(),
              dateSystem: DateSystem = .excel1900) {
    self.sharedStrings = sharedStrings
    self.styles = styles
    self.dateSystem = dateSystem
  }
}

/// Streams the rows of one worksheet part (`xl/worksheets/sheetN.xml`, ECMA-376 Part 1 §18.3).
///
/// ```swift
/// let workbook = try Workbook(path: "台账.xlsx")
/// let reader = try workbook.sheetReader(at: 0)
/// var row = Row()
/// while try reader.nextRow(into: &row) { print(row.index, row.cells.count) }
/// ```
///
/// Cells: shared strings (`t="s"`), inline strings (`t="inlineStr"`, rich runs and CDATA),
/// formula strings (`t="str"`), booleans (`t="b"`, number 0/1), errors (`t="e"`), ISO dates
/// (`t="d"`), numbers (the `<v>` text is kept as the cell text, so `15062719000123` and `32.50`
/// survive) and numbers whose style is a date format (`.date`, number = serial). A formula
/// keeps its cached value; one without a cached value is `.formulaWithoutValue` with the
/// formula text. A `<c>` with neither value nor formula is not emitted, and neither is a row
/// without cells. Cells and rows without `r` follow the previous one.
///
/// Merged ranges (`mergedRanges`) and the declared `<dimension>` are known before the first row.
///
/// ### Memory
/// O(one row + merged ranges + parser buffers); rows are built in the reader's own `Row` and
/// swapped with the caller's, so after the first rows no call allocates. With a spilled
/// shared-strings table (`SharedStrings.isSpilled`) each thread parsing the sheet also keeps a
/// `SharedStringCache` (up to 128 blocks of 256 strings and 2 MiB of repeated strings, allocated
/// as they are first needed).
public final class SheetReader: RowSource, XMLHandler {
  /// The sheet's name (for error locations).
  public let sheetName: String
  /// The ZIP entry of the sheet part.
  public let entry: String
  /// Merged ranges (`mergeCells/mergeCell/@ref`), in document order.
  public let mergedRanges: [CellRange]
  /// `dimension/@ref` as declared (WPS writes `A1` for any sheet); nil when absent or invalid.
  public var declaredDimension: CellRange? { state.declaredDimension }
  /// The range of cells actually emitted so far (the whole sheet once `nextRow` returned false).
  public var computedDimension: CellRange? {
    guard state.maxRow >= 0 else { return nil }
    return CellRange(first: CellAddress(row: state.minRow, column: state.minColumn),
                     last: CellAddress(row: state.maxRow, column: state.maxColumn))
  }

  private let file: String?
  private var parser: XMLStreamParser
  /// Rows parsed on two cores (large parts); nil once the rest of the part is read sequentially.
  private var parallel: ParallelRowReader?
  /// While reading the head: the end offset of the `<sheetData>` start tag, set when it is reached.
  private var headEnd: Int?
  /// The hot-path state, in its own allocation: access through a pointer costs no dynamic
  /// exclusivity check per XML event (a class's `var` would cost one).
  private let statePointer: UnsafeMutablePointer<SheetParseState>
  private var state: SheetParseState {
    _read { yield statePointer.pointee }
    _modify { yield &statePointer.pointee }
  }
  private var finished = false


  /// `c/@t` codes (ECMA-376 Part 1 §18.18.11 ST_CellType).
  /// Creates a reader over a byte source of the uncompressed sheet part and reads up to
  /// `<sheetData>` (so `declaredDimension` is known).
  /// - Parameters:
  ///   - mergedRanges: the ranges found by the pre-scan (`MergeScanner`).
  ///   - parallel: when set, rows are parsed on two cores if the part allows it
  ///     (`ParallelRowReader`); `source` is then also read from the reader's producer thread.
  init(sheetName: String, entry: String, file: String?, context: WorkbookContext, mergedRanges: [CellRange],
       parallel options: ParallelRowReader.Options? = nil,
       source: @escaping XMLStreamParser.Source) throws(XLSXReadError) {
    self.sheetName = sheetName
    self.entry = entry
    self.file = file
    self.mergedRanges = mergedRanges
    statePointer = .allocate(capacity: 1)
    statePointer.initialize(to: SheetParseState(context: context, stringCache: SharedStringCache(context.sharedStrings)))
    // The head (up to <sheetData>) is kept so that the rows after it can be cut into pieces.
    let head = HeadRecorder(keeping: options != nil)
    parser = XMLStreamParser(entry: entry, chunkSize: 128 << 10) { buf in
      let n = try source(buf)
      head.record(UnsafeRawBufferPointer(rebasing: buf[0..<max(0, n)]))
      return n
    }
    head.reader = self
    parser.setHandler(head)
    // Runs to <sheetData> (suspends there) or to the end of a sheet without one.
    do {
      if try !parser.parse() { finished = true }
    } catch {
      throw convert(error)
    }
    parser.setHandler(self)
    head.stop()
    if let options, !finished, let end = headEnd, let plan = head.plan(headEnd: end) {
      // The head parser is done with `source` (it reads no further until `switchToSequential`
      // replaces it), so from here on only the reader's producer thread calls it.
      nonisolated(unsafe) let upstream = source
      parallel = ParallelRowReader(initial: plan.rest, start: plan.start, prefix: plan.prefix,
                                   nextRowIndex: state.nextRowIndex, context: context, options: options,
                                   upstream: upstream)
      wrapper = plan.wrapper
    }
  }

  /// `<root><sheetData>` as written in the part, to resume sequential parsing after pieces.
  private var wrapper: [UInt8] = []

  /// Continues with one parser over the rest of the part (see `ParallelRowReader`).
  private func switchToSequential(_ par: ParallelRowReader) {
    let wrapper = self.wrapper
    var given = 0
    let p = XMLStreamParser(entry: entry, chunkSize: 128 << 10) { buf in
      if given < wrapper.count {
        let n = min(buf.count, wrapper.count - given)
        wrapper.withUnsafeBytes { buf.baseAddress!.copyMemory(from: $0.baseAddress! + given, byteCount: n) }
        given += n
        return n
      }
      return try par.readSequential(into: buf)
    }
    let at = par.sequentialStart
    p.setLocationBase(line: at.line, column: at.column, byteOffset: at.offset, prefixLength: wrapper.count)
    p.setHandler(self)
    parser = p
    state.nextRowIndex = par.nextRowIndex
    parallel = nil
  }

  /// Creates a reader over sheet XML in memory (for tests and small parts).
  public convenience init(sheetXML: [UInt8], context: WorkbookContext = WorkbookContext(), sheetName: String = "Sheet1",
                          chunkSize: Int = 64 << 10) throws(XLSXReadError) {
    try self.init(sheetXML: sheetXML, context: context, sheetName: sheetName, chunkSize: chunkSize, parallel: nil)
  }

  /// As above, with rows parsed on two cores when `parallel` is set (for tests).
  convenience init(sheetXML: [UInt8], context: WorkbookContext, sheetName: String, chunkSize: Int,
                   parallel: ParallelRowReader.Options?) throws(XLSXReadError) {
    let merges = MergeScanner.scan(sheetXML)
    var offset = 0
    try self.init(sheetName: sheetName, entry: "xl/worksheets/sheet1.xml", file: nil, context: context,
                  mergedRanges: merges, parallel: parallel) { buf in
      let n = min(buf.count, chunkSize, sheetXML.count - offset)
      if n > 0 {
        sheetXML.withUnsafeBytes { src in buf.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n) }
      }
      offset += n
      return n
    }
  }

  /// Fills `row` with the next row that has at least one cell; false at the end of the sheet.
  ///
  /// `row` is overwritten (its storage is reused). Row and cell indices are zero-based.
  /// - Throws: `XLSXReadError` — malformed XML, a damaged ZIP entry (including a CRC mismatch
  ///   found at the end), a bad shared-string index or cell reference.
  public func nextRow(into row: inout Row) throws(XLSXReadError) -> Bool {
    if finished { return false }
    if let par = parallel {
      if par.next(into: &row, state: statePointer) { return true }
      switchToSequential(par)
    }
    do {
      while true {
        let suspended = try parser.parse()
        if state.rowReady {
          state.rowReady = false
          swap(&row, &state.row)
          state.row.removeAll()
          return true
        }
        if !suspended {
          finished = true
          return false
        }
      }
    } catch {
      finished = true
      throw convert(error)
    }
  }

  private func convert(_ error: Error) -> XLSXReadError {
    if let e = error as? XLSXReadError { return e }
    if let e = error as? XMLError { return XLSXReadError.xml(e, file: file, sheet: sheetName) }
    return XLSXReadError.from(error, file: file, entry: entry, sheet: sheetName)
  }

  deinit {
    statePointer.deinitialize(count: 1)
    statePointer.deallocate()
  }

  /// Turns the state's signal (a finished row or a failure) into a parser suspension or abort.
  private func act() {
    if let f = state.failure {
      state.failure = nil
      let loc = SourceLocation(file: file, sheet: sheetName, entry: entry, row: state.row.index, column: f.column,
                               line: parser.line, byteOffset: parser.byteOffset)
      parser.fail(XLSXReadError(code: f.code, location: loc, detail: f.detail))
    } else {
      if headEnd == nil {  // the first signal is the <sheetData> start tag
        headEnd = parser.byteOffset + parser.eventByteCount
      }
      parser.suspend()
    }
  }

  // MARK: XMLHandler — no exclusivity check per event (see `statePointer`).

  public func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    if statePointer.pointee.startElement(name, attributes) { act() }
  }

  public func endElement(_ name: XMLName) {
    if statePointer.pointee.endElement(name) { act() }
  }

  public func characters(_ text: UnsafeBufferPointer<UInt8>) {
    statePointer.pointee.characters(text)
  }
}

/// Parses an A1 cell reference from bytes (`B7`, `$B$7`, lower case tolerated) without generics
/// or allocation — the hot-path twin of `CellAddress(a1:)`. Returns nil when invalid or out of range.
@inline(__always)
func parseCellReference(_ b: UnsafeBufferPointer<UInt8>) -> CellAddress? {
  let n = b.count
  var i = 0
  if i < n && b[i] == UInt8(ascii: "$") { i += 1 }
  var col = 0
  let lettersStart = i
  while i < n {
    let c = b[i] | 0x20
    guard c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") else { break }
    col = col * 26 + Int(c - UInt8(ascii: "a") + 1)
    i += 1
    if i - lettersStart > 3 { return nil }
  }
  guard i > lettersStart else { return nil }
  if i < n && b[i] == UInt8(ascii: "$") { i += 1 }
  let digitsStart = i
  var row = 0
  while i < n {
    let d = b[i] &- 0x30
    guard d < 10 else { return nil }
    row = row * 10 + Int(d)
    i += 1
    if i - digitsStart > 7 { return nil }
  }
  guard i > digitsStart, row >= 1, row <= CellAddress.maxRows, col <= CellAddress.maxColumns else { return nil }
  return CellAddress(row: row - 1, column: col - 1)
}
