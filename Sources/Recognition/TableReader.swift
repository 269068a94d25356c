import Tabular

/// A vertical merge being filled down (file level, not nested in the generic reader, so the
/// reader's per-row code needs no generic metadata for it).
private struct MergeFill {
  var range: CellRange
  var field: Int
  var hasValue = false
  var reported = false
  var kind = CellKind.empty
  var number = 0.0
  var dateKind = DateKind.dateTime
  var bytes: [UInt8] = []
}

/// Reads the data rows of a ledger table out of any `RowSource`, after recognising its header.
///
/// `init` reads the first `headerScanRows` rows into a buffer and runs `TableRecognizer` on
/// them. `nextRow(into:)` then yields data rows only: cells keep their sheet columns (so every
/// finding points at the real cell), cells of columns that match no field are dropped, and
/// vertically merged values are filled in. `recognition.table!.fieldColumns[field]` is the sheet
/// column of each field — the mapping a validator needs. `row.index` stays the sheet row.
///
/// A positional header (`RecognizedTable.isPositional`) hands on every row as it is.
///
/// - **Footers**: the first `合计`/`总计` row or signature row (`填表人：…`) ends the data. It
///   and the rows after it (up to `footerScanRows`) are reported as `footer-skipped` and read for
///   `key：value` metadata; a totals row's values are kept in `totals`. A `小计` row is skipped and
///   reported, and data goes on after it (subtotals sit between agencies' groups).
/// - **Blank rows** between data rows are reported once per run (`blank-row`, `count`); data
///   after them is read. Blank rows right before a footer or the end are not reported. A gap in
///   row indices (XLSX omits empty rows) counts as blank rows.
/// - **Merged cells**: for fields marked `fillMerged`, the top-left value of a vertical merge
///   is copied into every row of its range that is blank there, and `merged-cell-filled` is
///   reported once per range.
///
/// ```swift
/// var reader = try TableReader(source: try CSVRowReader(path: "台账.csv"),
///                              recognizer: TableRecognizer(ledgers: ledgers),
///                              context: SheetContext(fileName: "台账.csv"))
/// var row = Row()
/// while try reader.nextRow(into: &row) { /* row.cells[k].column is a sheet column of a mapped field */ }
/// ```
///
/// Memory: the header buffer until it is replayed, the current row, one scratch row, and the
/// vertical merges of `fillMerged` columns with one captured value per active merge. No String
/// is made per data cell; footers and metadata lines make Strings.
///
/// - Throws: whatever the source throws.
public struct TableReader<Source: RowSource>: RowSource {
  /// What recognition found: the ledger, the header, metadata lines and header notes.
  public private(set) var recognition: SheetRecognition
  /// Metadata from above the header, completed with footer lines as they are read.
  public var metadata: SubmissionMetadata { recognition.metadata }
  /// Header notes followed by data notes (blank rows, footers, merged fills), in reading order.
  public private(set) var notes: [RecognitionNote]
  /// True when more notes were found than `RecognitionOptions.noteLimit` allows.
  public private(set) var notesTruncated = false
  /// The totals row, once read.
  public private(set) var totals: TotalsRow?
  /// Data rows yielded so far.
  public private(set) var dataRowCount = 0
  /// True when the table was found; when false, `nextRow` returns false at once.
  public var isRecognized: Bool { recognition.table != nil }

  private var source: Source
  private let options: RecognitionOptions
  private var replay: [Row]
  private var replayPosition = 0
  private var scratch = Row()
  private var ended = false
  private var lastIndex: Int
  private var pendingBlank: (first: Int, count: Int)?
  /// Field index → sheet column (-1 for a field with no column).
  private var columnOfField: [Int] = []
  /// Sheet column → field index, -1 for none.
  private var fieldOfColumn: [Int] = []
  private var merges: [MergeFill] = []
  private var mergeCursor = 0
  private var active: [MergeFill] = []
  private var pairs: [(field: Int, source: Int)] = []
  /// The header was read by position (`LedgerLabels.positional`): rows pass through whole.
  private var positional = false

  /// Reads the header buffer from `source` and recognises the table.
  ///
  /// - Parameters:
  ///   - mergedRanges: the sheet's merged ranges (empty for CSV).
  ///   - ledgerName: the ledger to use; nil lets the recognizer choose (and note `schema-chosen`).
  /// - Throws: what the source throws while the header buffer is read.
  public init(source: Source, recognizer: TableRecognizer, context: SheetContext = SheetContext(),
              mergedRanges: [CellRange] = [], ledgerName: String? = nil) throws {
    self.source = source
    options = recognizer.options
    var buffer: [Row] = []
    var row = Row()
    while buffer.count < options.headerScanRows, try self.source.nextRow(into: &row) {
      buffer.append(row)
      row = Row()
    }
    recognition = recognizer.recognize(rows: buffer, mergedRanges: mergedRanges, context: context, ledgerName: ledgerName)
    notes = recognition.notes
    guard let table = recognition.table else {
      replay = []
      lastIndex = 0
      ended = true
      var params = ["hidden": context.isHidden ? "true" : "false"]
      if let s = context.sheetName { params["sheet"] = s }
      notes.append(RecognitionNote(code: RecognitionCode.sheetSkipped, value: context.sheetName, params: params))
      return
    }
    replay = buffer.filter { $0.index > table.headerRows.upperBound }
    lastIndex = table.headerRows.upperBound
    let width = (table.fieldColumns.compactMap { $0 }.max() ?? -1) + 1
    fieldOfColumn = [Int](repeating: -1, count: width)
    for (f, c) in table.fieldColumns.enumerated() { if let c { fieldOfColumn[c] = f } }
    columnOfField = table.fieldColumns.map { $0 ?? -1 }
    positional = table.isPositional
    for m in mergedRanges where m.rowCount > 1 && m.first.row >= table.firstDataRow {
      let c = m.first.column
      guard c < fieldOfColumn.count, fieldOfColumn[c] >= 0, table.ledger.fields[fieldOfColumn[c]].fillMerged else { continue }
      merges.append(MergeFill(range: m, field: fieldOfColumn[c]))
    }
    merges.sort { $0.range.first.row < $1.range.first.row }
  }

  /// Fills `row` with the next data row (cells keyed by field index) and returns true, or
  /// returns false after the last data row.
  ///
  /// - Throws: what the source throws.
  public mutating func nextRow(into row: inout Row) throws -> Bool {
    while !ended {
      guard try fetch() else {
        ended = true
        pendingBlank = nil
        return false
      }
      let index = scratch.index
      if index > lastIndex + 1 { addBlank(first: lastIndex + 1, count: index - lastIndex - 1) }
      lastIndex = max(lastIndex, index)
      if positional {
        // Frictionless's reading: every row is data — a blank row goes to the validator (`blank-row` at
        // that row), and no footer ends the table.
        if let b = pendingBlank {
          note(RecognitionNote(code: RecognitionCode.blankRow, row: b.first, params: ["count": String(b.count)]))
          pendingBlank = nil
        }
        build(into: &row)
        dataRowCount += 1
        return true
      }
      if scratch.isBlank {
        addBlank(first: index, count: 1)
        continue
      }
      if let kind = FooterKind.of(scratch) {
        pendingBlank = nil
        footer(kind)
        if kind == .subtotal { continue }
        ended = true
        try scanFooterLines()
        return false
      }
      if let b = pendingBlank {
        note(RecognitionNote(code: RecognitionCode.blankRow, row: b.first, params: ["count": String(b.count)]))
        pendingBlank = nil
      }
      build(into: &row)
      dataRowCount += 1
      return true
    }
    return false
  }

  /// Takes the next row from the header buffer, then from the source, into `scratch`.
  private mutating func fetch() throws -> Bool {
    if replayPosition < replay.count {
      scratch = replay[replayPosition]
      replayPosition += 1
      return true
    }
    if !replay.isEmpty {
      replay = []  // release the header buffer once it has been replayed
      scratch = Row()
    }
    return try source.nextRow(into: &scratch)
  }

  private mutating func addBlank(first: Int, count: Int) {
    if let b = pendingBlank { pendingBlank = (b.first, b.count + count) } else { pendingBlank = (first, count) }
  }

  private mutating func note(_ n: RecognitionNote) {
    if notes.count >= options.noteLimit { notesTruncated = true; return }
    notes.append(n)
  }

  /// Hands the scratch row to `out`: swapped through untouched when every cell belongs to a
  /// field and no merge fills it (the common case, no copy), otherwise copied by `copyRow`.
  private mutating func build(into out: inout Row) {
    updateMerges(at: scratch.index)
    if positional {
      // A positional (plain Table Schema) header maps column i to field i and keeps the cells past the
      // fields, so the validator reports them (`extra-cell`) as Frictionless does; nothing is filled down.
      swap(&out, &scratch)
      return
    }
    if active.isEmpty {
      var allMapped = true
      let width = fieldOfColumn.count
      for cell in scratch.cells {
        let c = Int(cell.column)
        if c < 0 || c >= width || fieldOfColumn[c] < 0 { allMapped = false; break }
      }
      if allMapped {
        swap(&out, &scratch)
        return
      }
    }
    copyRow(into: &out)
  }

  /// Copies the scratch row into `out`, dropping unmapped columns, with merged values filled in.
  private mutating func copyRow(into out: inout Row) {
    out.removeAll()
    out.index = scratch.index
    out.line = scratch.line
    out.isHidden = scratch.isHidden
    pairs.removeAll(keepingCapacity: true)
    for i in scratch.cells.indices {
      let c = Int(scratch.cells[i].column)
      guard c >= 0, c < fieldOfColumn.count, fieldOfColumn[c] >= 0 else { continue }
      pairs.append((fieldOfColumn[c], i))
    }
    for a in active.indices where active[a].hasValue && active[a].range.first.row < scratch.index {
      let f = active[a].field
      if let p = pairs.firstIndex(where: { $0.field == f }) {
        let cell = scratch.cells[pairs[p].source]
        if cell.kind != .empty && cell.textLength > 0 { continue }
        pairs[p].source = -1 - a
      } else {
        pairs.append((f, -1 - a))
      }
      if !active[a].reported {
        active[a].reported = true
        let value = String(decoding: active[a].bytes, as: UTF8.self)
        note(RecognitionNote(code: RecognitionCode.mergedCellFilled, row: scratch.index, column: active[a].range.first.column,
                             value: value, params: ["range": active[a].range.a1]))
      }
    }
    // Insertion sort by sheet column: rows are short and usually already in order; only filled
    // merges are appended out of place.
    if pairs.count > 1 {
      for i in 1..<pairs.count {
        var j = i
        while j > 0, columnOfField[pairs[j - 1].field] > columnOfField[pairs[j].field] { pairs.swapAt(j - 1, j); j -= 1 }
      }
    }
    for p in pairs {
      let column = columnOfField[p.field]
      if p.source >= 0 {
        let c = scratch.cells[p.source]
        scratch.withText(p.source) { t in
          out.append(column: column, kind: c.kind, number: c.number, text: UnsafeRawBufferPointer(t),
                     dateKind: c.dateKind, isFormula: c.isFormula)
        }
      } else {
        let m = active[-1 - p.source]
        m.bytes.withUnsafeBytes { t in
          out.append(column: column, kind: m.kind, number: m.number, text: t, dateKind: m.dateKind)
        }
      }
    }
  }

  /// Drops merges that ended before `index`, activates those that start at or before it and
  /// captures the top-left value of a merge starting at `index`.
  private mutating func updateMerges(at index: Int) {
    // Most sheets (and every CSV) have no merge in the data: nothing to do per row.
    if active.isEmpty && mergeCursor >= merges.count { return }
    if active.contains(where: { $0.range.last.row < index }) { active.removeAll { $0.range.last.row < index } }
    while mergeCursor < merges.count, merges[mergeCursor].range.first.row <= index {
      var m = merges[mergeCursor]
      mergeCursor += 1
      guard m.range.last.row >= index else { continue }
      if m.range.first.row == index, let i = scratch.cellIndex(column: m.range.first.column) {
        let c = scratch.cells[i]
        if c.kind != .empty && c.textLength > 0 {
          m.hasValue = true
          m.kind = c.kind
          m.number = c.number
          m.dateKind = c.dateKind
          m.bytes = scratch.withText(i) { Array($0) }
        }
      }
      active.append(m)
    }
  }

  /// Reports the footer row in `scratch`, keeps a totals row's values, reads its metadata.
  private mutating func footer(_ kind: FooterKind) {
    var first = ""
    var firstColumn: Int?
    for i in scratch.cells.indices where scratch.cells[i].kind != .empty && scratch.cells[i].textLength > 0 {
      first = HeaderGrid.trimmed(scratch.text(i))
      firstColumn = Int(scratch.cells[i].column)
      break
    }
    note(RecognitionNote(code: RecognitionCode.footerSkipped, row: scratch.index, column: firstColumn, value: first,
                         params: ["kind": kind.rawValue]))
    if kind == .totals, totals == nil {
      var values: [TotalValue] = []
      for i in scratch.cells.indices {
        let c = scratch.cells[i]
        let col = Int(c.column)
        guard col < fieldOfColumn.count, fieldOfColumn[col] >= 0, c.kind != .empty, col != firstColumn else { continue }
        values.append(TotalValue(field: fieldOfColumn[col], column: col, text: scratch.text(i), kind: c.kind,
                                 number: c.kind == .number || c.kind == .boolean ? c.number : nil))
      }
      values.sort { $0.field < $1.field }
      totals = TotalsRow(row: scratch.index, label: first, values: values)
    }
    readMetadata()
  }

  private mutating func readMetadata() {
    for i in scratch.cells.indices where scratch.cells[i].kind == .string && scratch.cells[i].textLength > 0 {
      let found = MetadataParser.entries(in: scratch.text(i), row: scratch.index, column: Int(scratch.cells[i].column))
      recognition.metadata.add(found, fromFooter: true)
    }
  }

  /// Reads up to `footerScanRows` rows after the end of the data for metadata lines.
  private mutating func scanFooterLines() throws {
    var seen = 0
    while seen < options.footerScanRows, try fetch() {
      seen += 1
      if scratch.isBlank { continue }
      var first = ""
      var firstColumn: Int?
      for i in scratch.cells.indices where scratch.cells[i].kind != .empty && scratch.cells[i].textLength > 0 {
        first = HeaderGrid.trimmed(scratch.text(i))
        firstColumn = Int(scratch.cells[i].column)
        break
      }
      note(RecognitionNote(code: RecognitionCode.footerSkipped, row: scratch.index, column: firstColumn, value: first,
                           params: ["kind": FooterKind.of(scratch)?.rawValue ?? "after-footer"]))
      readMetadata()
    }
  }
}
