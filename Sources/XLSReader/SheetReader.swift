import CFB
import Tabular

/// Reads one worksheet of a `.xls` workbook row by row (a `RowSource`).
///
/// Before the first row the sheet's substream is scanned once for its MERGEDCELLS and DIMENSIONS
/// records (which Excel writes after the cells) and for the order of its cells. Then cell records
/// are turned into the same cells as `.xlsx` gives: LABELSST/LABEL/RSTRING text, NUMBER/RK/MULRK
/// numbers (dates when their XF's number format shows a date), BOOLERR booleans and errors, and
/// FORMULA cached results (a string result from the STRING record after it). BLANK and MULBLANK are
/// no value. A sheet whose rows are not in order (some writers) is read whole and sorted.
///
/// - Complexity: memory is one row (two while the next row's first cell is read), the merged
///   ranges and the hidden-row numbers; a sheet written out of order is held whole.
public final class XLSSheetReader: RowSource {
  /// The sheet's tab name.
  public let sheetName: String
  /// MERGEDCELLS ranges, known before the first row.
  public private(set) var mergedRanges: [CellRange] = []
  /// The DIMENSIONS record (a hint; nil when absent or impossible).
  public private(set) var declaredDimension: CellRange?
  /// The range of the cells read so far (after the last row: the whole sheet's).
  public var computedDimension: CellRange? {
    guard maxRow >= 0 else { return nil }
    return CellRange(first: CellAddress(row: minRow, column: minCol), last: CellAddress(row: maxRow, column: maxCol))
  }

  private let workbook: XLSWorkbook
  private let strings: SharedStringTable
  private let xfDateKinds: [UInt8]
  private var reader: RecordReader
  private let biff8: Bool
  private var building = Row()
  private var hasBuilding = false
  private var hiddenRows = Set<Int>()
  private var depth = 0
  private var done = false
  /// A FORMULA whose string result comes in the next STRING record.
  private var pendingFormula: (row: Int, column: Int)?
  private var inOrder = true
  private var sorted: [Row]?
  private var sortedIndex = 0
  private var minRow = Int.max, maxRow = -1, minCol = Int.max, maxCol = -1

  init(workbook: XLSWorkbook, sheet: XLSSheetInfo, reader r: RecordReader) throws(XLSReadError) {
    self.workbook = workbook
    strings = workbook.strings
    xfDateKinds = workbook.xfDateKinds
    sheetName = sheet.name
    reader = r
    biff8 = workbook.version == .biff8
    try reader.seek(to: sheet.offset)
    guard try reader.next(), reader.id == RecordID.bof else {
      throw reader.damaged("sheet \"\(sheet.name)\" does not start with a BOF record", sheet: sheet.name)
    }
    let start = reader.offset + 4 + reader.length
    try prescan()
    try reader.seek(to: start)
  }

  /// Reads the substream once: merged ranges, the declared dimension, whether cells come in order.
  private func prescan() throws(XLSReadError) {
    var depth = 0
    var lastRow = -1, lastCol = -1
    while try reader.next() {
      let id = reader.id, len = reader.length
      switch id {
      case RecordID.bof:
        depth += 1
      case RecordID.eof:
        if depth == 0 { return }
        depth -= 1
      case RecordID.mergedCells where depth == 0:
        guard len >= 2 else { throw damaged("the record is too short") }
        let n = reader.body { $0.u16(0) }
        guard 2 + 8 * n <= len else { throw damaged("it lists \(n) ranges but has room for \((len - 2) / 8)") }
        for k in 0..<n {
          let (r1, r2, c1, c2) = reader.body { b in (b.u16(2 + 8 * k), b.u16(4 + 8 * k), b.u16(6 + 8 * k), b.u16(8 + 8 * k)) }
          guard c1 < CellAddress.maxColumns, c2 < CellAddress.maxColumns else {
            throw damaged("a merged range reaches column \(max(c1, c2) + 1), past Excel's \(CellAddress.maxColumns) columns")
          }
          guard r1 <= r2, c1 <= c2 else { continue }
          mergedRanges.append(CellRange(first: CellAddress(row: r1, column: c1), last: CellAddress(row: r2, column: c2)))
        }
      case RecordID.dimensions where depth == 0:
        if biff8 && len >= 14 {
          let (r1, r2, c1, c2) = reader.body { b in (Int(b.u32(0)), Int(b.u32(4)), b.u16(8), b.u16(10)) }
          declaredDimension = Self.dimension(r1, r2, c1, c2)
        } else if len >= 8 {
          let (r1, r2, c1, c2) = reader.body { b in (b.u16(0), b.u16(2), b.u16(4), b.u16(6)) }
          declaredDimension = Self.dimension(r1, r2, c1, c2)
        }
      case RecordID.labelSST, RecordID.label, RecordID.rString, RecordID.number, RecordID.rk, RecordID.mulRK,
           RecordID.boolErr, RecordID.formula:
        guard depth == 0, len >= 4 else { continue }
        let b = reader.bytes
        let (r, c) = (b.u16(0), b.u16(2))
        if r < lastRow || (r == lastRow && c <= lastCol) { inOrder = false }
        lastRow = r
        lastCol = id == RecordID.mulRK && len >= 6 ? b.u16(len - 2) : c
      default:
        break
      }
    }
  }

  private static func dimension(_ r1: Int, _ r2: Int, _ c1: Int, _ c2: Int) -> CellRange? {
    guard r2 > r1, c2 > c1, r2 <= CellAddress.maxRows, c2 <= CellAddress.maxColumns else { return nil }
    return CellRange(first: CellAddress(row: r1, column: c1), last: CellAddress(row: r2 - 1, column: c2 - 1))
  }

  private func damaged(_ what: String, row: Int? = nil, column: Int? = nil) -> XLSReadError {
    reader.damaged(what, sheet: sheetName, row: row, column: column)
  }

  /// Fills `row` with the next row that has cells; false after the last.
  public func nextRow(into row: inout Row) throws(XLSReadError) -> Bool {
    if !inOrder {
      if sorted == nil { try readAllSorted() }
      guard let sorted, sortedIndex < sorted.count else { return false }
      row = sorted[sortedIndex]
      sortedIndex += 1
      return true
    }
    return try nextInOrder(into: &row)
  }

  /// The streaming path: cells arrive row by row, left to right.
  private func nextInOrder(into row: inout Row) throws(XLSReadError) -> Bool {
    while !done {
      guard try reader.next() else { done = true; break }
      let id = reader.id
      if depth > 0 {
        if id == RecordID.bof { depth += 1 } else if id == RecordID.eof { depth -= 1 }
        continue
      }
      switch id {
      case RecordID.eof:
        done = true
      case RecordID.bof:
        depth = 1  // an embedded chart's substream
      case RecordID.row:
        if reader.length >= 16 {
          let (r, flags) = reader.body { ($0.u16(0), $0.u16(12)) }
          if flags & 0x20 != 0 { hiddenRows.insert(r) }
        }
      case RecordID.string:
        try stringResult()
      case RecordID.labelSST, RecordID.label, RecordID.rString, RecordID.number, RecordID.rk, RecordID.mulRK,
           RecordID.boolErr, RecordID.formula:
        guard reader.length >= 6 else { throw damaged("the record is too short (\(reader.length) bytes)") }
        try flushPendingFormula()
        let r = reader.body { $0.u16(0) }
        if hasBuilding && r != building.index {
          swap(&row, &building)
          finish(&row)
          startRow(r)
          try cell(id, into: &building)
          return true
        }
        if !hasBuilding { startRow(r) }
        try cell(id, into: &building)
      default:
        break
      }
    }
    try flushPendingFormula()
    guard hasBuilding else { return false }
    swap(&row, &building)
    finish(&row)
    hasBuilding = false
    return true
  }

  private func startRow(_ r: Int) {
    building.removeAll()
    building.index = r
    hasBuilding = true
  }

  private func finish(_ row: inout Row) {
    row.isHidden = hiddenRows.remove(row.index) != nil
    if let first = row.cells.first, let last = row.cells.last {
      minRow = min(minRow, row.index); maxRow = max(maxRow, row.index)
      minCol = min(minCol, Int(first.column)); maxCol = max(maxCol, Int(last.column))
    }
  }

  /// A sheet written out of order: every cell read, then rows sorted by index and cells by column.
  private func readAllSorted() throws(XLSReadError) {
    var byRow: [Int: Row] = [:]
    var row = Row()
    while try nextInOrder(into: &row) {
      if var existing = byRow[row.index] {
        for i in 0..<row.cells.count {
          let c = row.cells[i]
          row.withText(i) { t in existing.append(column: Int(c.column), kind: c.kind, number: c.number, text: UnsafeRawBufferPointer(t),
                                                 dateKind: c.dateKind, isFormula: c.isFormula) }
        }
        existing.isHidden = existing.isHidden || row.isHidden
        byRow[row.index] = existing
      } else {
        byRow[row.index] = row
      }
    }
    var rows: [Row] = []
    rows.reserveCapacity(byRow.count)
    for key in byRow.keys.sorted() {
      let r = byRow[key]!
      // Cells by column; a column written twice keeps its last value.
      var order = Array(0..<r.cells.count)
      order.sort { (r.cells[$0].column, $0) < (r.cells[$1].column, $1) }
      var out = Row()
      out.index = r.index
      out.isHidden = r.isHidden
      for (k, i) in order.enumerated() {
        if k + 1 < order.count && r.cells[order[k + 1]].column == r.cells[i].column { continue }
        let c = r.cells[i]
        r.withText(i) { t in out.append(column: Int(c.column), kind: c.kind, number: c.number, text: UnsafeRawBufferPointer(t),
                                        dateKind: c.dateKind, isFormula: c.isFormula) }
      }
      rows.append(out)
    }
    sorted = rows
  }

  // MARK: Cells

  private func checkColumn(_ c: Int, row r: Int) throws(XLSReadError) {
    guard c < CellAddress.maxColumns else {
      throw damaged("column \(c + 1) is past Excel's \(CellAddress.maxColumns) columns", row: r)
    }
  }

  /// Appends a number (or a date, by the XF's number format) to the row being built.
  @inline(__always)
  private func appendNumber(_ v: Double, column: Int, xf: Int, isFormula: Bool = false, to building: inout Row) {
    let start = building.bytes.count
    NumberText.append(v, to: &building.bytes)
    if xf < xfDateKinds.count, xfDateKinds[xf] != 0, let k = DateKind(rawValue: xfDateKinds[xf] - 1) {
      building.appendCell(column: column, kind: .date, number: v, textStart: start, dateKind: k, isFormula: isFormula)
    } else {
      building.appendCell(column: column, kind: .number, number: v, textStart: start, isFormula: isFormula)
    }
  }

  private func appendText(_ kind: CellKind, column: Int, number: Double = 0, _ text: String, isFormula: Bool, to building: inout Row) {
    let start = building.bytes.count
    building.bytes.append(contentsOf: text.utf8)
    building.appendCell(column: column, kind: kind, number: number, textStart: start, isFormula: isFormula)
  }

  private func appendText(_ kind: CellKind, column: Int, number: Double = 0, _ text: String, isFormula: Bool) {
    appendText(kind, column: column, number: number, text, isFormula: isFormula, to: &building)
  }

  private func cell(_ id: UInt16, into building: inout Row) throws(XLSReadError) {
    let len = reader.length
    let body = reader.bytes
    let (r, c, xf) = (body.u16(0), body.u16(2), body.u16(4))
    if id != RecordID.mulRK { try checkColumn(c, row: r) }
    switch id {
    case RecordID.labelSST:
      guard len >= 10 else { throw damaged("the record is too short (\(len) bytes)", row: r, column: c) }
      let i = Int(body.u32(6))
      let start = building.bytes.count
      guard strings.append(i, to: &building.bytes) else {
        throw damaged("the cell refers to shared string \(i) but the SST has \(strings.count) strings", row: r, column: c)
      }
      building.appendCell(column: c, kind: .string, number: 0, textStart: start)
    case RecordID.label, RecordID.rString:
      guard len >= 8 else { throw damaged("the record is too short (\(len) bytes)", row: r, column: c) }
      let start = building.bytes.count
      let dec = workbook.decoder
      let ok = reader.body { b -> Bool in
        let n = b.u16(6)
        if biff8 {
          guard len >= 9 else { return false }
          let wide = b[8] & 1 != 0
          guard 9 + n * (wide ? 2 : 1) <= len else { return false }
          BIFFText.appendChars(b, at: 9, count: n, wide: wide, to: &building.bytes)
        } else {
          guard 8 + n <= len else { return false }
          (dec ?? CodePage(1252)).append(b, at: 8, count: n, to: &building.bytes)
        }
        return true
      }
      guard ok else { throw damaged("the text runs past the end of the record", row: r, column: c) }
      building.appendCell(column: c, kind: .string, number: 0, textStart: start)
    case RecordID.number:
      guard len >= 14 else { throw damaged("the record is too short (\(len) bytes)", row: r, column: c) }
      appendNumber(body.f64(6), column: c, xf: xf, to: &building)
    case RecordID.rk:
      guard len >= 10 else { throw damaged("the record is too short (\(len) bytes)", row: r, column: c) }
      appendNumber(rkValue(body.u32(6)), column: c, xf: xf, to: &building)
    case RecordID.mulRK:
      guard len >= 6, (len - 6) % 6 == 0 else { throw damaged("its length \(len) is not 6 + 6 per cell", row: r, column: c) }
      let n = (len - 6) / 6
      let last = body.u16(len - 2)
      guard last == c + n - 1 else {
        throw damaged("it holds \(n) cells but names columns \(c + 1) to \(last + 1)", row: r, column: c)
      }
      try checkColumn(last, row: r)
      for k in 0..<n {
        let (x, rk) = (body.u16(4 + 6 * k), body.u32(6 + 6 * k))
        appendNumber(rkValue(rk), column: c + k, xf: x, to: &building)
      }
    case RecordID.boolErr:
      guard len >= 8 else { throw damaged("the record is too short (\(len) bytes)", row: r, column: c) }
      let (v, isError) = (body[6], body[7] != 0)
      if isError {
        appendText(.error, column: c, errorText(v), isFormula: false, to: &building)
      } else {
        appendText(.boolean, column: c, number: v != 0 ? 1 : 0, v != 0 ? "1" : "0", isFormula: false, to: &building)
      }
    case RecordID.formula:
      guard len >= 16 else { throw damaged("the record is too short (\(len) bytes)", row: r, column: c) }
      let (b6, b7, type, value) = (body[12], body[13], body[6], body[8])
      guard b6 == 0xFF && b7 == 0xFF else {
        appendNumber(body.f64(6), column: c, xf: xf, isFormula: true, to: &building)
        return
      }
      switch type {
      case 0: pendingFormula = (r, c)  // the text is in the STRING record that follows
      case 1: appendText(.boolean, column: c, number: value != 0 ? 1 : 0, value != 0 ? "1" : "0", isFormula: true, to: &building)
      case 2: appendText(.error, column: c, errorText(value), isFormula: true, to: &building)
      case 3: appendText(.string, column: c, "", isFormula: true, to: &building)
      default: throw damaged("its cached result has the unknown type \(type)", row: r, column: c)
      }
    default:
      break
    }
  }

  /// A FORMULA's string result (STRING record, possibly continued).
  private func stringResult() throws(XLSReadError) {
    guard let (r, c) = pendingFormula else { return }
    pendingFormula = nil
    let start = building.bytes.count
    if biff8 {
      var data = ContinuedRecord(reader, start: 0)
      // XLUnicodeString: no rich-text runs or phonetic block, so only the high-byte flag counts.
      guard try data.unicodeString(&reader, into: &building.bytes) else {
        throw damaged("the formula's text result runs past the record", row: r, column: c)
      }
    } else {
      let len = reader.length
      let dec = workbook.decoder
      let ok = reader.body { b -> Bool in
        guard len >= 2 else { return false }
        let n = b.u16(0)
        guard 2 + n <= len else { return false }
        (dec ?? CodePage(1252)).append(b, at: 2, count: n, to: &building.bytes)
        return true
      }
      guard ok else { throw damaged("the formula's text result runs past the record", row: r, column: c) }
    }
    building.appendCell(column: c, kind: .string, number: 0, textStart: start, isFormula: true)
  }

  /// A FORMULA said its result is text but no STRING record followed: the result is empty text.
  private func flushPendingFormula() throws(XLSReadError) {
    guard let (_, c) = pendingFormula else { return }
    pendingFormula = nil
    appendText(.string, column: c, "", isFormula: true)
  }
}
