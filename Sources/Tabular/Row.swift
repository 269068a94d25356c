/// What a cell holds, as read from the source, before any schema is applied.
///
/// The raw values are the OOXML codes where one exists (`c/@t`, ECMA-376 Part 1 §18.18.11).
public enum CellKind: UInt8, Sendable {
  /// No value (a blank cell inside a row, or a CSV field that was empty is still `.string` with "").
  case empty
  /// Text: shared string (`t="s"`), inline string (`t="inlineStr"`), formula string (`t="str"`), or a CSV field.
  case string
  /// A number (`t="n"` or no `t`), not date-formatted. `text` holds the original digits.
  case number
  /// A boolean (`t="b"`); `number` is 0 or 1.
  case boolean
  /// An error value such as `#N/A` (`t="e"`); `text` holds it.
  case error
  /// A date, time or duration: a number cell with a date number format, or `t="d"`.
  /// `number` is the serial in the workbook's date system; `dateKind` says which of the three.
  case date
  /// A formula cell with no cached value. `text` holds the formula.
  case formulaWithoutValue
}

/// For `.date` cells: whether the number format shows a calendar date (with or without time),
/// a time of day only, or an elapsed duration (`[h]:mm`).
public enum DateKind: UInt8, Sendable {
  case dateTime
  case timeOfDay
  case duration
}

/// One cell inside a `Row`. 24 bytes, no references: the text lives in the row's byte buffer.
public struct Cell: Sendable {
  /// Zero-based column index.
  public var column: Int32
  /// Offset of this cell's UTF-8 text in `Row.bytes`.
  public var textStart: Int32
  /// Length in bytes of this cell's UTF-8 text.
  public var textLength: Int32
  public var kind: CellKind
  public var dateKind: DateKind
  /// True when the cell had a formula (its value is the cached one).
  public var isFormula: Bool
  /// Number value for `.number`, `.boolean` (0/1) and `.date` (serial).
  public var number: Double

  @inlinable
  public init(column: Int32, kind: CellKind, number: Double = 0, textStart: Int32 = 0, textLength: Int32 = 0,
              dateKind: DateKind = .dateTime, isFormula: Bool = false) {
    self.column = column
    self.kind = kind
    self.number = number
    self.textStart = textStart
    self.textLength = textLength
    self.dateKind = dateKind
    self.isFormula = isFormula
  }
}

/// One row of cells with reusable storage.
///
/// Readers fill a `Row` passed `inout` (`nextRow(into:)`), so a whole sheet is read with one
/// allocation for the cells array and one for the text bytes, grown to the widest row.
/// Cells are sparse and kept in column order; blank cells are absent.
///
/// - Complexity: appending is amortised O(1); `removeAll()` keeps capacity.
public struct Row: Sendable {
  /// Zero-based row index in the sheet (XLSX) or record index in the file (CSV, header = 0).
  public var index: Int
  /// For CSV: 1-based physical line number where the record starts (0 when not applicable).
  public var line: Int
  /// True when the sheet marks the row hidden.
  public var isHidden: Bool
  public var cells: [Cell]
  /// The UTF-8 text of the cells, in cell order; a cell's text is `bytes[textStart ..< textStart + textLength]`.
  /// There may be bytes no cell covers between them (the CSV reader copies a run of fields with
  /// their delimiters in one piece), so read cells through their ranges, never by splitting `bytes`.
  public var bytes: [UInt8]

  public init() {
    index = 0
    line = 0
    isHidden = false
    cells = []
    bytes = []
    cells.reserveCapacity(32)
    bytes.reserveCapacity(1024)
  }

  /// Empties the row, keeping its storage.
  @inlinable
  public mutating func removeAll() {
    cells.removeAll(keepingCapacity: true)
    bytes.removeAll(keepingCapacity: true)
    isHidden = false
    line = 0
  }

  /// Appends a cell whose text is copied from `text`.
  @inlinable
  public mutating func append(column: Int, kind: CellKind, number: Double = 0, text: UnsafeRawBufferPointer,
                              dateKind: DateKind = .dateTime, isFormula: Bool = false) {
    let start = Int32(truncatingIfNeeded: bytes.count)
    bytes.append(contentsOf: text)
    cells.append(Cell(column: Int32(truncatingIfNeeded: column), kind: kind, number: number, textStart: start,
                      textLength: Int32(truncatingIfNeeded: text.count), dateKind: dateKind, isFormula: isFormula))
  }

  /// Appends a cell with text given as a String (convenience for tests and small tables).
  public mutating func append(column: Int, kind: CellKind, number: Double = 0, string: String,
                              dateKind: DateKind = .dateTime, isFormula: Bool = false) {
    var s = string
    s.withUTF8 { u in
      append(column: column, kind: kind, number: number, text: UnsafeRawBufferPointer(u), dateKind: dateKind,
             isFormula: isFormula)
    }
  }

  /// Appends a cell whose text bytes were already appended to `bytes` starting at `textStart`.
  @inlinable
  public mutating func appendCell(column: Int, kind: CellKind, number: Double, textStart: Int,
                                  dateKind: DateKind = .dateTime, isFormula: Bool = false) {
    cells.append(Cell(column: Int32(truncatingIfNeeded: column), kind: kind, number: number,
                      textStart: Int32(truncatingIfNeeded: textStart),
                      textLength: Int32(truncatingIfNeeded: bytes.count - textStart),
                      dateKind: dateKind, isFormula: isFormula))
  }

  /// Calls `body` with the UTF-8 bytes of cell `i` (valid only inside `body`).
  @inlinable
  public func withText<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    let c = cells[i]
    return try bytes.withUnsafeBufferPointer { all in
      try body(UnsafeBufferPointer(rebasing: all[Int(c.textStart)..<Int(c.textStart + c.textLength)]))
    }
  }

  /// The text of cell `i` as a String (allocates; not for hot paths).
  public func text(_ i: Int) -> String {
    withText(i) { String(decoding: $0, as: UTF8.self) }
  }

  /// The index into `cells` of the cell in `column`, or nil when that column is blank.
  @inlinable
  public func cellIndex(column: Int) -> Int? {
    cells.withUnsafeBufferPointer { Row.cellIndex(in: $0, column: column) }
  }

  /// ``cellIndex(column:)`` over a row's cells already borrowed (a hot loop borrows them once per row).
  @inline(__always)
  public static func cellIndex(in cells: UnsafeBufferPointer<Cell>, column: Int) -> Int? {
    // Cells are sorted by column and usually dense: the cell at index `column` first, then a binary search.
    let c = Int32(truncatingIfNeeded: column)
    if column >= 0, column < cells.count, cells[column].column == c { return column }
    var lo = 0
    var hi = cells.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if cells[mid].column < c { lo = mid + 1 } else { hi = mid }
    }
    return lo < cells.count && cells[lo].column == c ? lo : nil
  }

  /// The largest column index present plus one (0 for an empty row).
  public var width: Int { cells.last.map { Int($0.column) + 1 } ?? 0 }

  /// True when the row has no cell with a non-empty value.
  public var isBlank: Bool {
    for c in cells where c.kind != .empty {
      if c.kind == .string && c.textLength == 0 { continue }
      return false
    }
    return true
  }
}

/// A source of rows: an XLSX sheet, a CSV file. Pull-based; `row` is reused between calls.
public protocol RowSource {
  /// Fills `row` with the next row and returns true, or returns false at the end.
  /// - Throws: the source's read error (with its `SourceLocation`) when the input cannot be read.
  mutating func nextRow(into row: inout Row) throws -> Bool
}
