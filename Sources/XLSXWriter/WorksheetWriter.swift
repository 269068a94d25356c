import Tabular
import XMLStream

/// Where finished part bytes go: a ZIP entry being deflated. `write` is called with chunks.
protocol PartOutput: AnyObject {
  func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Writes one `xl/worksheets/sheetN.xml` part as rows arrive (ECMA-376 Part 1 §18.3).
///
/// Memory: one XML buffer of ~256 KiB that is drained into the deflate stream, the measured
/// widths of the first rows, and what must follow `<sheetData>` (merged ranges, validations,
/// hyperlinks, comments), which grows only with those calls, never with rows.
final class WorksheetWriter {
  let name: String
  let index: Int
  let options: SheetOptions
  let tabSelected: Bool
  let sharedStrings: SharedStringTable?
  let dateSystem: DateSystem
  let dateStyle: StyleID
  let dateTimeStyle: StyleID
  let timeStyle: StyleID
  let durationStyle: StyleID
  let output: PartOutput
  /// `options.columnStyles` by column (up to the last styled column): a cell without a style of its
  /// own reads its column's here instead of hashing into the dictionary.
  private let columnStyleTable: [StyleID?]
  private let autoWidth: Bool
  private let autoWidthRows: Int

  static let flushSize = 256 * 1024

  /// What the per-cell path reads and writes, in its own allocation: reached through a pointer, it
  /// costs no dynamic exclusivity check (each touch of a class's stored `var` costs one, and a cell
  /// made about a dozen). A sheet writer is used from one thread at a time (its workbook's).
  private let body: UnsafeMutablePointer<SheetBody>
  private var state: SheetBody {
    _read { yield body.pointee }
    _modify { yield &body.pointee }
  }

  /// True once the head (`<sheetViews>`, `<cols>`, `<sheetData>`) has been written.
  var headWritten: Bool { body.pointee.headWritten }
  /// The last row index written, -1 before the first.
  var lastRow: Int { body.pointee.lastRow }
  var maxColumn: Int { body.pointee.maxColumn }
  var freezeRows: Int
  var freezeColumns: Int
  var columnWidths: [Int: Double]

  var merges: [CellRange] = []
  var validations: [DataValidation] = []
  var hyperlinks: [(ref: CellAddress, location: String, display: String?, tooltip: String?)] = []
  var comments: [CellComment] = []
  var autofilter: (range: CellRange, extendToLastRow: Bool)?
  var protection: SheetProtection?

  init(name: String, index: Int, options: SheetOptions, tabSelected: Bool, sharedStrings: SharedStringTable?,
       dateSystem: DateSystem, dateStyles: (date: StyleID, dateTime: StyleID, time: StyleID, duration: StyleID),
       output: PartOutput) {
    self.name = name
    self.index = index
    self.options = options
    self.tabSelected = tabSelected
    self.sharedStrings = sharedStrings
    self.dateSystem = dateSystem
    self.dateStyle = dateStyles.date
    self.dateTimeStyle = dateStyles.dateTime
    self.timeStyle = dateStyles.time
    self.durationStyle = dateStyles.duration
    self.output = output
    self.freezeRows = options.freezeRows
    self.freezeColumns = options.freezeColumns
    self.columnWidths = options.columnWidths
    var table: [StyleID?] = []
    if let last = options.columnStyles.keys.max(), last >= 0 {
      table = [StyleID?](repeating: nil, count: last + 1)
      for (c, st) in options.columnStyles where c >= 0 { table[c] = st }
    }
    self.columnStyleTable = table
    self.autoWidth = options.autoWidth
    self.autoWidthRows = options.autoWidthRows
    body = .allocate(capacity: 1)
    body.initialize(to: SheetBody())
  }

  deinit {
    body.deinitialize(count: 1)
    body.deallocate()
  }

  func location(row: Int? = nil, column: Int? = nil) -> SourceLocation {
    SourceLocation(sheet: name, entry: "xl/worksheets/sheet\(index).xml", row: row, column: column)
  }

  // MARK: Rows

  /// Starts row `r` (zero-based); `r` must be after the last row written.
  func beginRow(_ r: Int, height: Double?, hidden: Bool) throws {
    guard r > lastRow else {
      throw XLSXWriteError(.rowOutOfOrder, "row \(r + 1) comes after row \(lastRow + 1) was written; write rows in order",
                           location: location(row: r))
    }
    guard r < CellAddress.maxRows else {
      throw XLSXWriteError(.outOfRange, "row \(r + 1) is past Excel's last row 1,048,576", location: location(row: r))
    }
    state.beginRow(r, height: height, hidden: hidden)
  }

  /// Ends the current row and drains the buffer when it is full.
  func endRow() throws {
    let p = body
    p.pointee.w.raw("</row>")
    if !p.pointee.headWritten {
      p.pointee.bufferedRows += 1
      if p.pointee.bufferedRows >= autoWidthRows || !autoWidth { try writeHead() }
    } else if p.pointee.w.count >= Self.flushSize {
      try drain()
    }
  }

  /// Writes `<c r="A1"` and the style; the caller adds the type and value.
  @inline(__always)
  private func cellStart(_ column: Int, style: Int) {
    state.cellStart(column, style: style)
  }

  @inline(__always)
  private func checkColumn(_ column: Int) throws {
    guard column >= 0 && column < CellAddress.maxColumns else {
      throw XLSXWriteError(.outOfRange, "column \(column + 1) is past Excel's last column XFD (16,384)",
                           location: location(row: lastRow, column: column))
    }
    let p = body
    if column > p.pointee.maxColumn { p.pointee.maxColumn = column }
  }

  /// The column's style from `options.columnStyles`, if it has one.
  @inline(__always)
  private func columnStyle(_ column: Int) -> StyleID? {
    column < columnStyleTable.count ? columnStyleTable[column] : nil
  }

  @inline(__always)
  private func style(_ explicit: StyleID?, column: Int) -> Int {
    if let s = explicit { return s.rawValue }
    return columnStyle(column)?.rawValue ?? 0
  }

  /// True while the first rows are held back and their widths measured.
  @inline(__always)
  private var measuring: Bool { autoWidth && !body.pointee.headWritten }

  /// A cell with a style and no value (`<c r="B4" s="3"/>`), e.g. a required cell left empty that a
  /// report fills red.
  func blank(column: Int, style s: StyleID) throws {
    try checkColumn(column)
    cellStart(column, style: s.rawValue)
    state.w.raw("/>")
  }

  /// A text cell: shared string index or inline string. Empty text writes nothing.
  func text(_ b: UnsafeBufferPointer<UInt8>, column: Int, style s: StyleID?) throws {
    if b.isEmpty { return }
    try checkColumn(column)
    if b.count > 32_767 {
      let units = String(decoding: b, as: UTF8.self).utf16.count
      if units > 32_767 {
        throw XLSXWriteError(.textTooLong, "cell text has \(units) characters; Excel allows 32,767",
                             location: location(row: lastRow, column: column))
      }
    }
    let st = style(s, column: column)
    cellStart(column, style: st)
    let p = body
    if let sst = sharedStrings {
      let idx = sst.index(of: b)
      p.pointee.w.raw(" t=\"s\"><v>")
      p.pointee.w.integer(idx)
      p.pointee.w.raw("</v></c>")
    } else {
      p.pointee.w.raw(" t=\"inlineStr\"><is>")
      SharedStringTable.writeT(b, into: &p.pointee.w)
      p.pointee.w.raw("</is></c>")
    }
    if measuring { measure(column, Self.displayWidth(b)) }
  }

  /// A number cell from decimal text, written verbatim; the caller has checked it is plain.
  func number(text b: UnsafeBufferPointer<UInt8>, column: Int, style s: StyleID?) throws {
    try checkColumn(column)
    cellStart(column, style: style(s, column: column))
    let p = body
    p.pointee.w.raw("><v>")
    p.pointee.w.raw(bytes: b)
    p.pointee.w.raw("</v></c>")
    if measuring { measure(column, Double(b.count)) }
  }

  /// A number cell from a Double. Not-finite values are written as `#NUM!` errors.
  func number(_ v: Double, column: Int, style s: StyleID?, measuredWidth: Double? = nil) throws {
    try checkColumn(column)
    cellStart(column, style: style(s, column: column))
    let p = body
    guard v.isFinite else { p.pointee.w.raw(" t=\"e\"><v>#NUM!</v></c>"); return }
    p.pointee.w.raw("><v>")
    let start = p.pointee.w.count
    p.pointee.w.double(v)
    let len = p.pointee.w.count - start
    p.pointee.w.raw("</v></c>")
    if measuring { measure(column, measuredWidth ?? Double(len)) }
  }

  /// A boolean cell.
  func bool(_ v: Bool, column: Int, style s: StyleID?) throws {
    try checkColumn(column)
    cellStart(column, style: style(s, column: column))
    state.w.raw(v ? " t=\"b\"><v>1</v></c>" : " t=\"b\"><v>0</v></c>")
    if measuring { measure(column, 5) }
  }

  /// An error cell such as `#N/A`.
  func error(_ e: String, column: Int, style s: StyleID?) throws {
    try checkColumn(column)
    guard excelErrorValues.contains(e) else {
      throw XLSXWriteError(.invalidArgument, "\"\(e)\" is not an Excel error value such as #N/A",
                           location: location(row: lastRow, column: column))
    }
    cellStart(column, style: style(s, column: column))
    state.w.raw(" t=\"e\"><v>"); state.w.text(e); state.w.raw("</v></c>")
  }

  /// A date or date-time serial with the matching default format unless a style is given.
  func date(serial: Double, kind: DateKind, column: Int, style s: StyleID?) throws {
    let fallback: StyleID
    switch kind {
    case .dateTime: fallback = serial == serial.rounded(.down) ? dateStyle : dateTimeStyle
    case .timeOfDay: fallback = timeStyle
    case .duration: fallback = durationStyle
    }
    let st = s ?? columnStyle(column) ?? fallback
    try number(serial, column: column, style: st, measuredWidth: fallback == dateStyle ? 10 : 19)
  }

  /// A formula cell with its cached value.
  func formula(_ f: String, cached: FormulaValue, column: Int, style s: StyleID?) throws {
    try checkColumn(column)
    cellStart(column, style: style(s, column: column))
    var formula = Substring(f)
    if formula.hasPrefix("=") { formula = formula.dropFirst() }
    switch cached {
    case .text: state.w.raw(" t=\"str\"")
    case .bool: state.w.raw(" t=\"b\"")
    case .error(let e):
      guard excelErrorValues.contains(e) else {
        throw XLSXWriteError(.invalidArgument, "\"\(e)\" is not an Excel error value such as #N/A",
                             location: location(row: lastRow, column: column))
      }
      state.w.raw(" t=\"e\"")
    default: break
    }
    state.w.raw("><f>"); state.w.text(String(formula)); state.w.raw("</f>")
    switch cached {
    case .none: break
    case .number(let t):
      var t = t
      let ok = t.withUTF8 { XMLWriter.isPlainNumber($0) }
      guard ok else {
        throw XLSXWriteError(.invalidNumber, "cached value \"\(t)\" is not a plain decimal number",
                             location: location(row: lastRow, column: column))
      }
      state.w.raw("<v>"); state.w.raw(t); state.w.raw("</v>")
    case .double(let d): state.w.raw("<v>"); state.w.double(d); state.w.raw("</v>")
    case .text(let t): state.w.raw("<v>"); state.w.ooxmlText(t); state.w.raw("</v>")
    case .bool(let b): state.w.raw(b ? "<v>1</v>" : "<v>0</v>")
    case .error(let e): state.w.raw("<v>"); state.w.text(e); state.w.raw("</v>")
    }
    state.w.raw("</c>")
  }

  // MARK: Widths

  private func measure(_ column: Int, _ width: Double) {
    state.measure(column, width)
  }

  /// Display width in character cells: characters of 3- and 4-byte UTF-8 sequences (CJK,
  /// full-width forms) count two, others one; the longest line counts for multi-line text.
  static func displayWidth(_ b: UnsafeBufferPointer<UInt8>) -> Double {
    var best = 0
    var line = 0
    for c in b {
      if c == 0x0A { best = max(best, line); line = 0; continue }
      if c < 0x80 { line += 1 } else if c >= 0xE0 { line += 2 } else if c >= 0xC0 { line += 1 }
    }
    return Double(max(best, line))
  }

  /// The `<cols>` widths: explicit ones, else measured (+2 padding, capped), else none.
  func finalWidths() -> [(column: Int, width: Double?, style: Int)] {
    let measured = state.measured
    var columns = Set(columnWidths.keys).union(options.columnStyles.keys)
    if options.autoWidth {
      for (c, m) in measured.enumerated() where m > 0 { columns.insert(c) }
    }
    return columns.sorted().map { c in
      if let w = columnWidths[c] { return (c, w, options.columnStyles[c]?.rawValue ?? 0) }
      var width: Double?
      if options.autoWidth, c < measured.count, measured[c] > 0 {
        width = min(options.maxAutoWidth, max(8.43, (measured[c] + 2).rounded(.up)))
      }
      return (c, width, options.columnStyles[c]?.rawValue ?? 0)
    }
  }

  // MARK: Head and tail

  /// Writes everything before the first row, then the rows held back for measuring.
  func writeHead() throws {
    guard !headWritten else { return }
    body.pointee.headWritten = true
    var h = XMLWriter(capacity: 4096)
    WorksheetXML.writeHead(of: self, into: &h)
    try h.withUnsafeBytes { try output.write($0) }
    try drain()
  }

  /// Passes the buffered XML to the ZIP entry.
  func drain() throws {
    let p = body
    if p.pointee.w.count > 0 {
      try p.pointee.w.withUnsafeBytes { try output.write($0) }
      p.pointee.w.removeAll()
    }
  }

  /// Writes what follows the rows and drains everything.
  func finish(legacyDrawingRelID: String?) throws {
    try writeHead()
    // The tail reads this writer (`lastRow` for the autofilter) while it writes: the buffer is moved
    // out of the body meanwhile, so no access to the body overlaps another.
    var w = XMLWriter(capacity: 0)
    swap(&w, &body.pointee.w)
    w.raw("</sheetData>")
    WorksheetXML.writeTail(of: self, legacyDrawingRelID: legacyDrawingRelID, into: &w)
    swap(&w, &body.pointee.w)
    try drain()
  }
}

/// A sheet writer's per-cell state (see `WorksheetWriter.body`).
struct SheetBody {
  var w = XMLWriter(capacity: 320 * 1024)
  /// True once the head (`<sheetViews>`, `<cols>`, `<sheetData>`) has been written.
  var headWritten = false
  var bufferedRows = 0
  /// The last row index written, -1 before the first.
  var lastRow = -1
  var maxColumn = -1
  var measured: [Double] = []
  var columnNames: [[UInt8]] = []
  var rowDigits: [UInt8] = []

  mutating func beginRow(_ r: Int, height: Double?, hidden: Bool) {
    lastRow = r
    rowDigits.removeAll(keepingCapacity: true)
    var n = r + 1
    repeat { rowDigits.append(0x30 + UInt8(n % 10)); n /= 10 } while n > 0
    rowDigits.reverse()
    w.raw("<row r=\"")
    rowDigits.withUnsafeBufferPointer { w.raw(bytes: $0) }
    w.raw("\"")
    if let h = height {
      w.attribute("ht", h)
      w.raw(" customHeight=\"1\"")
    }
    if hidden { w.raw(" hidden=\"1\"") }
    w.raw(">")
  }

  /// Writes `<c r="A1"` and the style; the caller adds the type and value.
  @inline(__always)
  mutating func cellStart(_ column: Int, style: Int) {
    while columnNames.count <= column {
      columnNames.append(Array(CellAddress.columnName(columnNames.count).utf8))
    }
    w.raw("<c r=\"")
    columnNames[column].withUnsafeBufferPointer { w.raw(bytes: $0) }
    rowDigits.withUnsafeBufferPointer { w.raw(bytes: $0) }
    w.raw(byte: 0x22)
    if style != 0 { w.raw(" s=\""); w.integer(style); w.raw(byte: 0x22) }
  }

  mutating func measure(_ column: Int, _ width: Double) {
    if measured.count <= column { measured.append(contentsOf: repeatElement(0, count: column + 1 - measured.count)) }
    if width > measured[column] { measured[column] = width }
  }
}
