import CSV
import Diagnostics
import Foundation
import Recognition
import Schema
import Tabular
import Validation
import XLSXReader

/// One validation job: a file (every worksheet, or the CSV) → recognised tables → findings.
///
/// Streams: each sheet is read once; Recognition buffers the first rows to find the header, the
/// validator keeps the unique-key hashes and aggregate counters; nothing else grows with rows.
public struct ValidateJob {
  public struct Options: Sendable {
    /// A schema to use for every table; nil chooses among the built-in ledgers per sheet.
    public var schema: TableSchema?
    public var roster: AgencyRoster?
    public var limitErrors: Int
    public var csvEncoding: String?
    public var today: LocalDate
    /// How rows are read and validated; the findings are the same in every mode.
    public var threading: Threading = .auto
    public init(schema: TableSchema? = nil, roster: AgencyRoster? = nil, limitErrors: Int = 1000,
                csvEncoding: String? = nil, today: LocalDate = .today) {
      self.schema = schema; self.roster = roster; self.limitErrors = limitErrors
      self.csvEncoding = csvEncoding; self.today = today
    }
  }

  /// How a table's rows are read and validated.
  public enum Threading: Sendable {
    /// Inputs of at least `overlapThreshold` bytes on a machine with more than one core are
    /// `pipelined`, with the precheck run by the reading thread whenever the validator is behind;
    /// smaller ones are `single`.
    case auto
    /// One thread reads and validates.
    case single
    /// A second thread reads the rows (`RowPipeline`); no precheck.
    case pipelined
    /// A second thread reads the rows and prechecks every batch (`RowPrecheck`).
    case pipelinedWithPrecheck
  }

  /// What one file gave: a report per recognised table plus the submission metadata.
  public struct FileResult: Sendable {
    public var file: String
    public var tables: [TableReport]
    public var metadata: [SubmissionMetadata]
  }

  public let options: Options
  private let candidates: [TableSchema]
  let recognizer: TableRecognizer

  public init(options: Options) throws {
    self.options = options
    candidates = try options.schema.map { [$0] } ?? SchemaCatalog.builtinLedgers()
    recognizer = TableRecognizer(ledgers: candidates.map(SchemaCatalog.labels))
  }

  public func run(path: String) throws -> FileResult {
    let opened = try OpenedFile.open(path: path, options: .init(csvEncoding: options.csvEncoding))
    let name = lastPathComponent(path)
    var result = FileResult(file: name, tables: [], metadata: [])
    let known = options.roster?.entries.map { $0.name } ?? []
    switch opened {
    case .workbook(let wb):
      for info in wb.sheets {
        let reader: SheetReader
        do { reader = try wb.sheetReader(for: info) } catch { throw InputProblem(error, file: path) }
        let big = Self.isBig(path)
        let ctx = SheetContext(fileName: name, sheetName: info.name, isHidden: info.visibility != .visible, knownAgencies: known)
        do {
          if let t = try validate(reader, merged: reader.mergedRanges, context: ctx, dateSystem: wb.dateSystem,
                                  dense: false, overlap: big, into: &result) {
            result.tables.append(t)
          }
        } catch let e as InputProblem { throw e } catch { throw InputProblem(error, file: path) }
      }
    case .csv(let p, let o):
      var reader: CSVRowReader
      do { reader = try CSVRowReader(path: p, options: o) } catch { throw InputProblem(error, file: path) }
      let ctx = SheetContext(fileName: name, sheetName: nil, isHidden: false, knownAgencies: known)
      do {
        if let t = try validate(reader, merged: [], context: ctx, dateSystem: .excel1900, dense: true,
                                overlap: Self.isBig(path), into: &result) {
          result.tables.append(t)
        }
      } catch let e as InputProblem { throw e } catch { throw InputProblem(error, file: path) }
    }
    if result.tables.isEmpty {
      // No sheet looked like any ledger: one finding says so, with what to do.
      var c = DiagnosticCollector(limit: options.limitErrors)
      c.add(Diagnostic(code: .headerNotFound, severity: .error, location: SourceLocation(file: name),
                       parameters: [DiagnosticParameter("schemas", candidates.map { $0.title ?? $0.name }.joined(separator: "、"))]))
      var stats = ValidationStats()
      stats.errors = 1
      result.tables.append(TableReport(file: name, sheet: nil, schema: options.schema?.name, stats: stats, collector: c))
    }
    return result
  }

  /// Files at least this large are read on a second thread while the rows are validated.
  static let overlapThreshold = 2 << 20

  /// True when `path` is large enough for reading and validating to overlap (`RowPipeline`).
  static func isBig(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && Int(st.st_size) >= overlapThreshold
  }

  /// Recognises and validates one sheet; nil when the sheet matches no ledger (e.g. a list sheet).
  ///
  /// With `overlap` (big inputs on a machine with more than one core) the rows are read on a
  /// second thread (`RowPipeline`) while this one validates them; a small sheet stays on one thread.
  private func validate<S: RowSource>(_ source: S, merged: [CellRange], context: SheetContext, dateSystem: DateSystem,
                                      dense: Bool, overlap: Bool, into result: inout FileResult) throws -> TableReport? {
    var table = try TableReader(source: source, recognizer: recognizer, context: context, mergedRanges: merged,
                                ledgerName: options.schema?.name)
    guard table.isRecognized, let rec = table.recognition.table else { return nil }
    let schema = candidates[rec.ledgerIndex]
    var collector = DiagnosticCollector(limit: options.limitErrors)
    let vctx = ValidationContext(file: context.fileName, sheet: context.sheetName, dateSystem: dateSystem,
                                 roster: options.roster, headerWidth: nil, rowsAreDense: dense, today: options.today)
    var validator = Validator(schema: schema, mapping: rec.fieldColumns, context: vctx)
    let threading: Threading
    switch options.threading {
    case .auto: threading = overlap && ProcessInfo.processInfo.activeProcessorCount > 1 ? .auto : .single
    default: threading = options.threading
    }
    if threading != .single {
      let pipeline = RowPipeline(reader: table, precheck: threading == .pipelined ? nil : validator.makePrecheck(),
                                 precheckEveryBatch: threading == .pipelinedWithPrecheck,
                                 // Three batches of 256 rows keep both threads busy; more only costs memory.
                                 slots: 3, batchSize: 256)
      try Self.validateRows(of: pipeline, with: &validator, into: &collector)
      table = pipeline.reader
    } else {
      var row = Row()
      while try table.nextRow(into: &row) {
        validator.validate(row: row, into: &collector)
      }
    }
    var stats = validator.finish(into: &collector)
    for note in table.notes {
      if let d = Self.diagnostic(note, schema: schema, table: rec, file: context.fileName, sheet: context.sheetName) {
        collector.add(d)
        switch d.severity {
        case .error: stats.errors += 1
        case .warning: stats.warnings += 1
        case .policy: stats.policyFindings += 1
        case .info: stats.infos += 1
        }
      }
    }
    result.metadata.append(table.metadata)
    var report = TableReport(file: context.fileName, sheet: context.sheetName, schema: schema.name, stats: stats, collector: collector)
    report.metadata = Self.display(table.metadata)
    return report
  }

  /// Validates every row the pipeline reads, a batch at a time.
  private static func validateRows<S: RowSource>(of pipeline: RowPipeline<S>, with validator: inout Validator,
                                                into collector: inout DiagnosticCollector) throws {
    try pipeline.forEachInPlace { row, verdicts in validator.validate(row: row, prechecked: verdicts, into: &collector) }
  }

  /// The submission's own metadata as display pairs, in the order a form lists them.
  static func display(_ m: SubmissionMetadata) -> [DiagnosticParameter] {
    var out: [DiagnosticParameter] = []
    if let v = m.agency { out.append(DiagnosticParameter("填报单位", v)) }
    if let v = m.reportDate { out.append(DiagnosticParameter("填报日期", LocalDate(text: v)?.description ?? v)) }
    if let v = m.contact { out.append(DiagnosticParameter("联系人", v)) }
    if let v = m.phone { out.append(DiagnosticParameter("联系电话", v)) }
    if let v = m.filler { out.append(DiagnosticParameter("填表人", v)) }
    if let v = m.reviewer { out.append(DiagnosticParameter("审核人", v)) }
    return out
  }

  /// Recognition's notes as diagnostics: a missing required column is an error, a missing optional
  /// column, an extra column or blank rows a warning; the schema choice, footers and filled merges
  /// are information.
  static func diagnostic(_ n: RecognitionNote, schema: TableSchema, table: RecognizedTable, file: String?, sheet: String?) -> Diagnostic? {
    let loc = SourceLocation(file: file, sheet: sheet, row: n.row, column: n.column)
    var params = n.params.sorted { $0.key < $1.key }.map { DiagnosticParameter($0.key, $0.value) }
    switch n.code {
    case RecognitionCode.missingLabel:
      let fieldName = n.params["field"] ?? n.value
      let field = schema.fields.first { $0.name == fieldName || $0.title == fieldName }
      let required = field?.constraints.required ?? false
      return Diagnostic(code: .missingLabel, severity: required ? .error : .warning, location: loc,
                        field: field?.displayName ?? fieldName, value: n.value, parameters: params)
    case RecognitionCode.extraLabel:
      return Diagnostic(code: .extraLabel, severity: .warning, location: loc, value: n.value, parameters: params)
    case RecognitionCode.duplicateLabel:
      return Diagnostic(code: .duplicateLabel, severity: .error, location: loc, value: n.value, parameters: params)
    case RecognitionCode.blankLabel:
      return Diagnostic(code: .blankLabel, severity: .warning, location: loc, value: n.value, parameters: params)
    case RecognitionCode.blankRow:
      return Diagnostic(code: .blankRow, severity: .warning, location: loc, value: n.value, parameters: params)
    case RecognitionCode.schemaChosen:
      params.append(DiagnosticParameter("schema", schema.title ?? schema.name))
      return Diagnostic(code: .schemaChosen, severity: .info, location: loc, value: n.value, parameters: params)
    case RecognitionCode.footerSkipped:
      return Diagnostic(code: .footerSkipped, severity: .info, location: loc, value: n.value, parameters: params)
    case RecognitionCode.mergedCellFilled:
      return Diagnostic(code: .mergedCellFilled, severity: .info, location: loc,
                        field: n.column.flatMap { table.field(ofColumn: $0) }.map { schema.fields[$0].displayName },
                        value: n.value, parameters: params)
    case RecognitionCode.headerNotFound, RecognitionCode.sheetSkipped:
      return nil
    default:
      return Diagnostic(code: DiagnosticCode(n.code), severity: .info, location: loc, value: n.value, parameters: params)
    }
  }
}
