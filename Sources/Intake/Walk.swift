import CSV
import Diagnostics
import Recognition
import Schema
import Tabular
import XLSReader
import XLSXReader

/// One sheet handed to a ``SheetVisitor``: a worksheet of a workbook, or the one table of a CSV file.
///
/// `rows` is the streaming source (`SheetReader` or `CSVRowReader`): read it with
/// `nextRow(into:)`, once. Everything else is known before the first row.
public struct SheetInput<Rows: RowSource> {
  /// Where the sheet comes from, as the per-format readers describe it.
  public enum Kind {
    /// A worksheet of an `.xlsx` workbook; the reader is `rows` itself (a class), so dimensions
    /// found while reading can be asked after the last row.
    case worksheet(SheetInfo, SheetReader)
    /// A worksheet of a legacy `.xls` workbook; the reader is `rows` itself, as for `.xlsx`.
    case legacyWorksheet(XLSSheetInfo, XLSSheetReader)
    /// A CSV file; `rows` is its `CSVRowReader` (encoding, delimiter, ragged records).
    case csv
  }

  /// The rows, streaming.
  public var rows: Rows
  /// What kind of sheet this is.
  public let kind: Kind
  /// 0-based position among the file's sheets (all of them, walked or not).
  public let index: Int
  /// File name (last path component), sheet name (nil for CSV), hidden flag and roster names:
  /// what recognition uses to choose a ledger and find the agency.
  public let context: SheetContext
  /// Merged ranges, known before the first row.
  public let mergedRanges: [CellRange]
  /// How the file's date serials count (CSV: 1900).
  public let dateSystem: DateSystem
  /// True for CSV: every row has a cell for every column up to its last.
  public var rowsAreDense: Bool { if case .csv = kind { return true } else { return false } }
}

/// Receives the sheets of a file, one at a time, in workbook order.
public protocol SheetVisitor {
  /// Reads (or skips) one sheet.
  /// - Returns: true to go on to the next sheet, false to end the walk.
  /// - Throws: whatever the visitor throws; reading errors become ``InputProblem``s on the way out.
  mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool
}

extension OpenedFile {
  /// Hands every sheet (or the ones `selector` names: a sheet name or a 1-based number) to `visitor`.
  ///
  /// Reading errors (XLSX, ZIP, XML, CSV) are rethrown as ``InputProblem``s naming this file; the
  /// visitor's own errors pass through unchanged.
  /// - Parameters:
  ///   - sheets: nil for every worksheet; a name or number for one (``InputProblem`` `no-such-sheet` when absent).
  ///   - knownAgencies: roster names, for recognition to take an agency from titles and file names.
  ///   - name: the name the file goes by, when its path says otherwise (an attachment saved under a name of
  ///     the run's making): recognition reads agency and period from it, findings and recordings carry it.
  public func walk<V: SheetVisitor>(_ visitor: inout V, sheets selector: String? = nil, knownAgencies: [String] = [],
                                    recordings: SheetRecordings? = nil, name: String? = nil) throws {
    let file = path
    let name = name ?? lastPathComponent(file)
    do {
      switch self {
      case .workbook(let wb):
        let marker = TemplateMarker(customProperties: wb.customProperties)
        for info in try Self.sheets(of: wb, selector: selector) {
          let reader = try wb.sheetReader(for: info)
          let index = wb.sheets.firstIndex { $0.name == info.name } ?? 0
          let context = SheetContext(fileName: name, sheetName: info.name, isHidden: info.visibility != .visible,
                                     knownAgencies: knownAgencies, marker: marker)
          if let recordings {
            recordings.dateSystem = wb.dateSystem
            let rec = recordings.begin(name: info.name, isHidden: info.visibility != .visible, isCSV: false,
                                       mergedRanges: reader.mergedRanges)
            var input = SheetInput(rows: RecordingRows(base: reader, recording: rec), kind: .worksheet(info, reader), index: index,
                                   context: context, mergedRanges: reader.mergedRanges, dateSystem: wb.dateSystem)
            if try !visitor.visit(&input) { return }
          } else {
            var input = SheetInput(rows: reader, kind: .worksheet(info, reader), index: index, context: context,
                                   mergedRanges: reader.mergedRanges, dateSystem: wb.dateSystem)
            if try !visitor.visit(&input) { return }
          }
        }
      case .xls(let wb):
        for info in try Self.sheets(of: wb, selector: selector) {
          let reader = try wb.sheetReader(for: info)
          var input = SheetInput(rows: reader, kind: .legacyWorksheet(info, reader), index: info.position,
                                 context: SheetContext(fileName: name, sheetName: info.name,
                                                       isHidden: info.visibility != .visible, knownAgencies: knownAgencies),
                                 mergedRanges: reader.mergedRanges, dateSystem: wb.dateSystem)
          if try !visitor.visit(&input) { return }
        }
      case .csv(let p, let o):
        let context = SheetContext(fileName: name, sheetName: nil, isHidden: false, knownAgencies: knownAgencies)
        if let recordings {
          let rec = recordings.begin(name: name, isHidden: false, isCSV: true, mergedRanges: [])
          var input = SheetInput(rows: RecordingRows(base: try CSVRowReader(path: p, options: o), recording: rec), kind: .csv,
                                 index: 0, context: context, mergedRanges: [], dateSystem: .excel1900)
          _ = try visitor.visit(&input)
        } else {
          var input = SheetInput(rows: try CSVRowReader(path: p, options: o), kind: .csv, index: 0, context: context,
                                 mergedRanges: [], dateSystem: .excel1900)
          _ = try visitor.visit(&input)
        }
      }
    } catch {
      throw InputProblem.fromReading(error, file: file)
    }
  }

  /// The worksheets of a `.xls` workbook a selector names (as for `.xlsx`).
  public static func sheets(of wb: XLSWorkbook, selector: String?) throws -> [XLSSheetInfo] {
    try select(wb.sheets, name: \.name, named: wb.sheet(named:), selector: selector, file: wb.path)
  }

  /// The number of sheets a selector names in `file` (1 for CSV).
  public func sheetCount(selector: String?) throws -> Int {
    switch self {
    case .workbook(let wb): return try Self.sheets(of: wb, selector: selector).count
    case .xls(let wb): return try Self.sheets(of: wb, selector: selector).count
    case .csv: return 1
    }
  }

  /// The sheets a selector names: every sheet for nil, else one by name or by 1-based number.
  /// - Throws: ``InputProblem`` `no-such-sheet` listing the sheets there are.
  public static func sheets(of wb: Workbook, selector: String?) throws -> [SheetInfo] {
    try select(wb.sheets, name: \.name, named: wb.sheet(named:), selector: selector, file: wb.path)
  }

  /// One selection rule for every workbook kind: nil names every sheet, else one by name or by 1-based number.
  static func select<Sheet>(_ sheets: [Sheet], name: (Sheet) -> String, named: (String) -> Sheet?, selector: String?,
                                   file: String) throws -> [Sheet] {
    guard let selector else { return sheets }
    if let s = named(selector) { return [s] }   // each reader's own rule (XLSX also ignores case)
    if let n = Int(selector), n >= 1, n <= sheets.count { return [sheets[n - 1]] }
    throw InputProblem(.noSuchSheet, file: file, parameters: [
      DiagnosticParameter("sheet", selector), DiagnosticParameter("sheets", sheets.map(name).joined(separator: "、")),
      DiagnosticParameter("count", String(sheets.count)),
    ])
  }
}

// MARK: Tables

/// A recognised table handed to a ``TableVisitor``: its data rows in sheet order, with the title,
/// header and footer rows taken out and vertical merges filled.
public struct TableInput<Rows: RowSource> {
  /// The table's rows (data rows only), streaming; also its recognition notes and metadata.
  public var reader: TableReader<Rows>
  /// The ledger chosen for the table.
  public let schema: TableSchema
  /// Where the header is and which column holds which field.
  public let table: RecognizedTable
  /// The sheet the table is in.
  public let context: SheetContext
  /// How the file's date serials count.
  public let dateSystem: DateSystem
  /// True for CSV (see ``SheetInput/rowsAreDense``).
  public let rowsAreDense: Bool
  /// Merged ranges of the sheet.
  public let mergedRanges: [CellRange]

  /// Field index → sheet column (nil: the field has no column).
  public var fieldColumns: [Int?] { table.fieldColumns }

  /// Recognition's notes so far as diagnostics (``RecognitionFindings``). Footers and blank rows
  /// are noted while the rows are read: ask after the last row.
  public func recognitionDiagnostics() -> [Diagnostic] {
    reader.notes.compactMap {
      RecognitionFindings.diagnostic($0, schema: schema, table: table, file: context.fileName, sheet: context.sheetName)
    }
  }
}

/// Receives the recognised tables of a file, one at a time, in sheet order.
public protocol TableVisitor {
  /// Reads one table.
  /// - Returns: true to go on to the next sheet, false to end the walk.
  mutating func visit<Rows: RowSource>(_ table: inout TableInput<Rows>) throws -> Bool
  /// A sheet in which no ledger was recognised (a cover sheet, a list of options). The default does nothing.
  mutating func skipped(sheet: SheetContext, notes: [RecognitionNote])
}

extension TableVisitor {
  public mutating func skipped(sheet: SheetContext, notes: [RecognitionNote]) {}
}

extension OpenedFile {
  /// Recognises the table in every sheet (choosing among `ledgers`, or reading every sheet as the
  /// schema `ledgers` names) and hands each recognised one to `visitor`.
  ///
  /// Streams: recognition buffers the first rows of a sheet to find its header; the rows then
  /// go to the visitor one at a time.
  public func walkTables<V: TableVisitor>(_ ledgers: Ledgers, visitor: inout V, sheets selector: String? = nil,
                                          knownAgencies: [String] = [], recordings: SheetRecordings? = nil,
                                          name: String? = nil) throws {
    var walker = TableWalker(ledgers: ledgers, visitor: visitor, recordings: recordings)
    defer { visitor = walker.visitor }
    try walk(&walker, sheets: selector, knownAgencies: knownAgencies, recordings: recordings, name: name)
  }
}

/// Runs recognition on each sheet of a walk and passes the tables on.
struct TableWalker<V: TableVisitor>: SheetVisitor {
  let ledgers: Ledgers
  var visitor: V
  var recordings: SheetRecordings? = nil

  mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
    let reader = try TableReader(source: sheet.rows, recognizer: ledgers.recognizer, context: sheet.context,
                                 mergedRanges: sheet.mergedRanges, ledgerName: ledgers.named?.name)
    guard reader.isRecognized, let table = reader.recognition.table else {
      visitor.skipped(sheet: sheet.context, notes: reader.recognition.notes)
      return true
    }
    recordings?.recognized(headerRows: table.headerRows.upperBound + 1)
    var input = TableInput(reader: reader, schema: ledgers.schemas[table.ledgerIndex], table: table, context: sheet.context,
                           dateSystem: sheet.dateSystem, rowsAreDense: sheet.rowsAreDense, mergedRanges: sheet.mergedRanges)
    return try visitor.visit(&input)
  }
}

/// The sheets of one walk as their rows were read (``RowRecording``), for a second pass over them without
/// reading the file again: `sheetgate run` copies a submission into its annotated workbook from these.
///
/// Usable only when every sheet was recognised as a table and read to its end within the byte limit;
/// otherwise the file is read again.
// @unchecked Sendable: filled by the one thread that walks the file, read after it is handed over.
public final class SheetRecordings: @unchecked Sendable {
  public struct Sheet {
    public var name: String
    public var isHidden: Bool
    public var isCSV: Bool
    public var mergedRanges: [CellRange]
    /// Rows above and including the recognised header; nil when no table was recognised.
    public var headerRows: Int?
    public let rows: RowRecording
  }
  public private(set) var sheets: [Sheet] = []
  public internal(set) var dateSystem: DateSystem = .excel1900
  /// The most cell and text bytes recorded per sheet.
  public let byteLimit: Int

  public init(byteLimit: Int = 8 << 20) {
    self.byteLimit = byteLimit
  }

  /// True when every sheet was recognised and read to its end within the limit.
  public var isUsable: Bool { !sheets.isEmpty && sheets.allSatisfy { $0.rows.isUsable && $0.headerRows != nil } }

  func begin(name: String, isHidden: Bool, isCSV: Bool, mergedRanges: [CellRange]) -> RowRecording {
    let r = RowRecording(byteLimit: byteLimit)
    sheets.append(Sheet(name: name, isHidden: isHidden, isCSV: isCSV, mergedRanges: mergedRanges, headerRows: nil, rows: r))
    return r
  }

  func recognized(headerRows: Int) {
    if !sheets.isEmpty { sheets[sheets.count - 1].headerRows = headerRows }
  }
}
