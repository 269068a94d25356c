import CSV
import Foundation
import Intake
import Recognition
import Reports
import Schema
import Tabular
import Validation
import XLSXReader

/// Writes the agency-facing reports of a run into one folder: per submission an annotated
/// workbook (`<原文件名>_校验结果.xlsx`, or a `<原文件名>_校验通过.xlsx` receipt when there is
/// nothing to fix) or an HTML page (`<原文件名>_校验结果.html`), and for HTML an `index.html`
/// over every submission.
///
/// ```swift
/// var writer = try ReportWriter(folder: "out", job: job)
/// let result = try job.run(path: "培训.xlsx")
/// let written = try writer.writeWorkbook(for: result, path: "培训.xlsx")
/// ```
///
/// Every file is written atomically (temporary file, then rename). The annotated workbook
/// re-reads the submission, streaming each sheet once more; the findings of the current file
/// are the only thing held.
public struct ReportWriter {
  /// The folder the reports go to (created when missing).
  public private(set) var folder: String
  private let job: ValidateJob
  private let ledgerTitles: [String: String]
  private var namer = ReportFile.Namer()
  private var entries: [HTMLIndex.Entry] = []

  /// Creates `folder` (and its parents) when missing.
  /// - Throws: Foundation's error when the folder cannot be created.
  public init(folder: String, job: ValidateJob) throws {
    self.folder = folder
    self.job = job
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var titles: [String: String] = [:]
    for s in ((try? SchemaCatalog.builtinLedgers()) ?? []) + (job.options.schema.map { [$0] } ?? []) {
      titles[s.name] = s.title ?? s.name
    }
    ledgerTitles = titles
  }

  /// The same writer for another folder (created when missing), with no names or pages remembered:
  /// cheaper than a new writer, which loads the built-in ledgers' titles.
  /// - Throws: Foundation's error when the folder cannot be created.
  public func inFolder(_ folder: String) throws -> ReportWriter {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var w = self
    w.folder = folder
    w.namer = ReportFile.Namer()
    w.entries = []
    return w
  }

  /// The report model of one validated file.
  public func submission(_ result: ValidateJob.FileResult, checkedAt: Date = Date()) -> SubmissionReport {
    SubmissionReport(file: result.file, tables: result.tables, ledgerTitles: ledgerTitles, checkedAt: checkedAt)
  }

  /// Writes the annotated workbook of `result` (read again from `path`), or its receipt when the
  /// submission has nothing to fix; returns the path written.
  /// - Throws: an ``InputProblem`` when the submission cannot be read again, or the writer's error.
  /// With `recordings` (the sheets as the validation read them, ``MergeJob/StagedFile/recordings``) the
  /// submission is copied from those rows instead of being read again.
  public mutating func writeWorkbook(for result: ValidateJob.FileResult, path: String, recordings: SheetRecordings? = nil) throws -> String {
    let report = submission(result)
    let stem = namer.stem(for: result.file)
    if report.isClean {
      let out = folder + "/" + stem + "_校验通过.xlsx"
      try ReceiptWorkbook(submission: report).write(to: out)
      return out
    }
    let out = folder + "/" + stem + "_校验结果.xlsx"
    let (sheets, dateSystem) = try recordings.flatMap { $0.isUsable ? Self.sourceSheets($0, fileName: result.file) : nil }
      ?? sourceSheets(path: path, fileName: result.file)
    try AnnotatedWorkbook(submission: report, sheets: sheets, dateSystem: dateSystem).write(to: out)
    return out
  }

  /// The annotated workbook (or the receipt) of `result` as bytes, named as ``writeWorkbook(for:path:recordings:)``
  /// would name its file (the names stay unique within this writer): for a reply's attachment, where a file
  /// on disk would only be read back and removed. Nothing is written to disk.
  /// - Throws: an ``InputProblem`` when the submission cannot be read again, or the writer's error.
  public mutating func workbookBytes(for result: ValidateJob.FileResult, path: String,
                                     recordings: SheetRecordings? = nil) throws -> (name: String, bytes: [UInt8]) {
    let report = submission(result)
    let stem = namer.stem(for: result.file)
    if report.isClean {
      return (stem + "_校验通过.xlsx", try ReceiptWorkbook(submission: report).bytes())
    }
    let (sheets, dateSystem) = try recordings.flatMap { $0.isUsable ? Self.sourceSheets($0, fileName: result.file) : nil }
      ?? sourceSheets(path: path, fileName: result.file)
    return (stem + "_校验结果.xlsx", try AnnotatedWorkbook(submission: report, sheets: sheets, dateSystem: dateSystem).bytes())
  }

  /// The same writer with no names remembered, for ``workbookBytes(for:path:recordings:)`` only: no folder
  /// is created (writing files through it writes into ``folder``, as before).
  public func forBytes() -> ReportWriter {
    var w = self
    w.namer = ReportFile.Namer()
    w.entries = []
    return w
  }

  /// Writes the annotated workbook (or the receipt) of `result`, read again from `path`, to `output`
  /// exactly: for a caller that names its files itself (`sheetgate serve` never puts a filer's name in a path).
  /// - Returns: true when it is the receipt (nothing to fix).
  /// - Throws: an ``InputProblem`` when the submission cannot be read again, or the writer's error.
  @discardableResult
  public func writeWorkbook(for result: ValidateJob.FileResult, path: String, to output: String,
                            recordings: SheetRecordings? = nil) throws -> Bool {
    let report = submission(result)
    if report.isClean {
      try ReceiptWorkbook(submission: report).write(to: output)
      return true
    }
    let (sheets, dateSystem) = try recordings.flatMap { $0.isUsable ? Self.sourceSheets($0, fileName: result.file) : nil }
      ?? sourceSheets(path: path, fileName: result.file)
    try AnnotatedWorkbook(submission: report, sheets: sheets, dateSystem: dateSystem).write(to: output)
    return false
  }

  /// Writes the HTML page of `result` and remembers it for the index; returns the path written.
  /// - Throws: ``ByteIOError`` when the page cannot be written.
  public mutating func writePage(for result: ValidateJob.FileResult) throws -> String {
    let report = submission(result)
    let name = namer.stem(for: result.file) + "_校验结果.html"
    let out = folder + "/" + name
    try ReportFile.write(HTMLReport(submission: report).render(), to: out)
    entries.append(HTMLIndex.Entry(submission: report, page: name))
    return out
  }

  /// Remembers a file that could not be read, for the index.
  public mutating func noteUnreadable(file: String, problem: String) {
    entries.append(HTMLIndex.Entry(unreadable: (file as NSString).lastPathComponent, problem: problem))
  }

  /// Writes `index.html` over every page written and every file noted unreadable; returns its path.
  /// - Throws: ``ByteIOError`` when the page cannot be written.
  public func writeIndex(generatedAt: Date = Date()) throws -> String {
    let out = folder + "/index.html"
    try ReportFile.write(HTMLIndex(entries: entries, generatedAt: generatedAt).render(), to: out)
    return out
  }

  /// The submission's sheets, each described for a second streaming pass: for a workbook every
  /// worksheet with its merged ranges, visibility and header rows (found again by Recognition
  /// over the bounded header buffer); for a CSV file one sheet named after the file.
  func sourceSheets(path: String, fileName: String) throws -> ([SourceSheet], DateSystem) {
    let opened = try OpenedFile.open(path: path, options: .init(csvEncoding: job.options.csvEncoding))
    var probe = HeaderProbe(opened: opened, ledgers: job.ledgers, fileName: fileName)
    try opened.walk(&probe)
    return (probe.sheets, opened.dateSystem)
  }

  /// The recorded sheets, described as ``sourceSheets(path:fileName:)`` describes the file's.
  static func sourceSheets(_ r: SheetRecordings, fileName: String) -> ([SourceSheet], DateSystem) {
    let sheets = r.sheets.map { s in
      SourceSheet(name: s.isCSV ? ReportFile.stem(of: fileName) : s.name, findingsSheet: s.isCSV ? nil : s.name,
                  isHidden: s.isHidden, headerRows: s.headerRows ?? 0, mergedRanges: s.mergedRanges) { s.rows.replay() }
    }
    return (sheets, r.dateSystem)
  }

  /// Finds each sheet's header rows again and describes how to read the sheet a second time.
  private struct HeaderProbe: SheetVisitor {
    let opened: OpenedFile
    let ledgers: Ledgers
    let fileName: String
    var sheets: [SourceSheet] = []

    mutating func visit<Rows: RowSource>(_ sheet: inout SheetInput<Rows>) throws -> Bool {
      let table = try TableReader(source: sheet.rows, recognizer: ledgers.recognizer, context: sheet.context,
                                  mergedRanges: sheet.mergedRanges, ledgerName: ledgers.named?.name)
      let headerRows = table.recognition.table.map { $0.headerRows.upperBound + 1 } ?? 0
      let path = opened.path
      switch (sheet.kind, opened) {
      case (.worksheet(let info, _), .workbook(let wb)):
        sheets.append(SourceSheet(name: info.name, findingsSheet: info.name, isHidden: info.visibility != .visible,
                                  headerRows: headerRows, mergedRanges: sheet.mergedRanges) {
          do { return try wb.sheetReader(for: info) } catch { throw InputProblem(error, file: path) }
        })
      case (.legacyWorksheet(let info, _), .xls(let wb)):
        sheets.append(SourceSheet(name: info.name, findingsSheet: info.name, isHidden: info.visibility != .visible,
                                  headerRows: headerRows, mergedRanges: sheet.mergedRanges) {
          do { return try wb.sheetReader(for: info) } catch { throw InputProblem(error, file: path) }
        })
      case (_, .csv(let p, let o)):
        sheets.append(SourceSheet(name: ReportFile.stem(of: fileName), findingsSheet: nil, headerRows: headerRows) {
          do { return try CSVRowReader(path: p, options: o) } catch { throw InputProblem(error, file: path) }
        })
      default:
        break
      }
      return true
    }
  }
}
