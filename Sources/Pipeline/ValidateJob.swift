import Diagnostics
import Foundation
import Intake
import Recognition
import Schema
import Tabular
import Validation

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
    public init(file: String, tables: [TableReport], metadata: [SubmissionMetadata]) {
      self.file = file; self.tables = tables; self.metadata = metadata
    }
  }

  public let options: Options
  /// The ledgers each sheet is recognised against (the named schema alone, or every built-in one).
  public let ledgers: Ledgers

  public init(options: Options) throws {
    self.options = options
    ledgers = try Ledgers(schema: options.schema)
  }

  /// A job over ledgers built already (`sheetgate run` shares one recogniser among its jobs).
  public init(options: Options, ledgers: Ledgers) {
    self.options = options
    self.ledgers = ledgers
  }

  /// Validates every recognised table of the file at `path`; `name` is the name it goes by when its path says
  /// otherwise (a saved attachment): recognition and the findings use it.
  /// - Throws: ``InputProblem`` when the file cannot be read.
  public func run(path: String, name: String? = nil) throws -> FileResult {
    let opened = try OpenedFile.open(path: path, options: .init(csvEncoding: options.csvEncoding))
    let name = name ?? lastPathComponent(path)
    var visitor = Visitor(job: self, overlap: Self.isBig(path), result: FileResult(file: name, tables: [], metadata: []))
    try opened.walkTables(ledgers, visitor: &visitor, knownAgencies: options.roster?.entries.map { $0.name } ?? [], name: name)
    var result = visitor.result
    Self.checkExclusiveListings(&result, schemas: visitor.schemas)
    if result.tables.isEmpty {
      // No sheet looked like any ledger: one finding says so, with what to do.
      var c = DiagnosticCollector(limit: options.limitErrors)
      c.add(Diagnostic(code: .headerNotFound, severity: .error, location: SourceLocation(file: result.file),
                       parameters: [DiagnosticParameter("schemas", ledgers.titles)]))
      var stats = ValidationStats()
      stats.errors = 1
      result.tables.append(TableReport(file: result.file, sheet: nil, schema: options.schema?.name, stats: stats, collector: c))
    }
    return result
  }

  /// A record listed in two lists of a table-group rule (`exclusive`: a document both 继续有效
  /// and 宣布失效) within this file: an error at each listing, added to its table's findings.
  static func checkExclusiveListings(_ result: inout FileResult, schemas: [TableSchema]) {
    guard result.tables.contains(where: { !$0.exclusiveListings.isEmpty }) else { return }
    let tables = zip(result.tables, schemas).map { t, s in
      ExclusiveListings.Table(schema: s, file: t.file, sheet: t.sheet, listings: t.exclusiveListings)
    }
    for (t, d) in ExclusiveListings.conflicts(tables) {
      result.tables[t].diagnostics.append(d)
      result.tables[t].stats.count(d.severity)
    }
  }

  /// Files at least this large are read on a second thread while the rows are validated.
  static let overlapThreshold = 2 << 20

  /// True when `path` is large enough for reading and validating to overlap (`RowPipeline`).
  static func isBig(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && Int(st.st_size) >= overlapThreshold
  }

  /// Validates each table the walk hands over.
  private struct Visitor: TableVisitor {
    let job: ValidateJob
    /// Big inputs on a machine with more than one core read on a second thread (`RowPipeline`).
    let overlap: Bool
    var result: FileResult
    /// The schema of each table in `result.tables`.
    var schemas: [TableSchema] = []

    mutating func visit<Rows: RowSource>(_ t: inout TableInput<Rows>) throws -> Bool {
      result.tables.append(try job.validate(&t, overlap: overlap))
      schemas.append(t.schema)
      result.metadata.append(t.reader.metadata)
      return true
    }
  }

  /// Validates one recognised table.
  ///
  /// With `overlap` (big inputs on a machine with more than one core) the rows are read on a
  /// second thread (`RowPipeline`) while this one validates them; a small table stays on one thread.
  private func validate<S: RowSource>(_ t: inout TableInput<S>, overlap: Bool) throws -> TableReport {
    let schema = t.schema
    var collector = DiagnosticCollector(limit: options.limitErrors)
    let vctx = ValidationContext(file: t.context.fileName, sheet: t.context.sheetName, dateSystem: t.dateSystem,
                                 roster: options.roster, headerWidth: t.table.isPositional ? t.table.columns.count : nil,
                                 rowsAreDense: t.rowsAreDense, today: options.today)
    var validator = Validator(schema: schema, mapping: t.fieldColumns, context: vctx)
    let threading: Threading
    switch options.threading {
    case .auto: threading = overlap && ProcessInfo.processInfo.activeProcessorCount > 1 ? .auto : .single
    default: threading = options.threading
    }
    if threading != .single {
      let pipeline = RowPipeline(reader: t.reader, precheck: threading == .pipelined ? nil : validator.makePrecheck(),
                                 precheckEveryBatch: threading == .pipelinedWithPrecheck,
                                 // Three batches of 256 rows keep both threads busy; more only costs memory.
                                 slots: 3, batchSize: 256)
      try Self.validateRows(of: pipeline, with: &validator, into: &collector)
      t.reader = pipeline.reader
    } else {
      var row = Row()
      while try t.reader.nextRow(into: &row) {
        validator.validate(row: row, into: &collector)
      }
    }
    var stats = validator.finish(into: &collector)
    for d in t.recognitionDiagnostics() {
      collector.add(d)
      stats.count(d.severity)
    }
    var report = TableReport(file: t.context.fileName, sheet: t.context.sheetName, schema: schema.name, stats: stats, collector: collector)
    report.metadata = Self.display(t.reader.metadata)
    report.exclusiveListings = validator.exclusiveListings
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
}
