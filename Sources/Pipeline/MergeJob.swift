import CSV
import Diagnostics
import Foundation
import Merge
import Recognition
import Schema
import Store
import Tabular
import Validation
import XLSXReader

/// Merges agency submissions into one consolidated workbook or CSV (`sheetgate merge`).
///
/// Every input file is read once: each sheet is recognised and validated as `ValidateJob` does, and
/// while validating, every data row's typed field values go into the ``SubmissionStore`` with a flag
/// saying whether the row had an error. A file is one store transaction. The output is then built
/// from the store by ``Consolidation`` with cursors. Without `--store` the store is a temporary file
/// deleted at the end, so both paths are the same code.
///
/// ### Memory
/// One row per sheet in flight while ingesting (plus the validator's key hashes for the file);
/// while writing, one row at a time plus the duplicate-key index (see ``Consolidation``).
public struct MergeJob {
  /// How to merge.
  public struct Options: Sendable {
    /// A schema for every table; nil chooses among the built-in ledgers per sheet.
    public var schema: TableSchema?
    public var roster: AgencyRoster?
    /// The period assigned to submissions read in this run and kept in the output; nil takes it from each file.
    public var period: String?
    public var duplicates: DuplicatePolicy
    public var includeInvalid: Bool
    public var csvEncoding: String?
    public var today: LocalDate
    public init(schema: TableSchema? = nil, roster: AgencyRoster? = nil, period: String? = nil,
                duplicates: DuplicatePolicy = .report, includeInvalid: Bool = false, csvEncoding: String? = nil,
                today: LocalDate = .today) {
      self.schema = schema; self.roster = roster; self.period = period; self.duplicates = duplicates
      self.includeInvalid = includeInvalid; self.csvEncoding = csvEncoding; self.today = today
    }
  }

  /// What happened to one input file.
  public struct FileOutcome: Sendable {
    public var path: String
    /// True when a file with the same bytes was already in the store (nothing done).
    public var alreadyStored: Bool
    /// The submissions recorded from it (empty when already stored).
    public var submissions: [SubmissionRecord]
  }

  public let options: Options
  private let candidates: [TableSchema]
  private let recognizer: TableRecognizer

  /// - Throws: a schema loading error for the built-in ledgers.
  public init(options: Options) throws {
    self.options = options
    candidates = try options.schema.map { [$0] } ?? SchemaCatalog.builtinLedgers()
    recognizer = TableRecognizer(ledgers: candidates.map(SchemaCatalog.labels))
  }

  /// Ingests each file not yet in `store` (one transaction per file), in the order given.
  /// - Throws: store errors only; an unreadable file is recorded as such, not thrown.
  public func ingest(paths: [String], into store: SubmissionStore, receivedAt: String = MergeJob.now()) throws -> [FileOutcome] {
    var out: [FileOutcome] = []
    for path in paths {
      let name = lastPathComponent(path)
      let digest: String
      do { digest = try SHA256.hex(ofFileAt: path) } catch {
        let subs = try store.ingest(fileName: name, sha256: "", receivedAt: receivedAt) {
          try $0.recordUnusable(status: .unreadable, reason: "无法读取文件：\(error.localizedDescription)")
        }
        out.append(FileOutcome(path: path, alreadyStored: false, submissions: subs))
        continue
      }
      if try store.contains(sha256: digest) {
        out.append(FileOutcome(path: path, alreadyStored: true, submissions: []))
        continue
      }
      var subs: [SubmissionRecord]
      do {
        subs = try store.ingest(fileName: name, sha256: digest, receivedAt: receivedAt) { ingest in
          try read(path: path, name: name, into: ingest)
        }
      } catch let p as InputProblem {
        // The partial file was rolled back; record why it could not be read.
        subs = try store.ingest(fileName: name, sha256: digest, receivedAt: receivedAt) {
          try $0.recordUnusable(status: .unreadable, reason: p.messageZH)
        }
      }
      out.append(FileOutcome(path: path, alreadyStored: false, submissions: subs))
    }
    return out
  }

  /// The consolidation settings these options imply (ledger restriction, period, duplicates).
  public var consolidationOptions: Consolidation.Options {
    Consolidation.Options(roster: options.roster, duplicates: options.duplicates, includeInvalid: options.includeInvalid,
                          ledgers: options.schema.map { [$0.name] }, period: options.period)
  }

  /// The ledgers the output may hold, in sheet order.
  public var schemas: [TableSchema] { candidates }

  /// Now as ISO 8601 (UTC), for `received_at`.
  public static func now() -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return f.string(from: Date())
  }

  // MARK: Reading one file

  private func read(path: String, name: String, into ingest: SubmissionStore.Ingest) throws {
    let opened = try OpenedFile.open(path: path, options: .init(csvEncoding: options.csvEncoding))
    let known = options.roster?.entries.map { $0.name } ?? []
    var tables = 0
    switch opened {
    case .workbook(let wb):
      for info in wb.sheets {
        do {
          let reader = try wb.sheetReader(for: info)
          let ctx = SheetContext(fileName: name, sheetName: info.name, isHidden: info.visibility != .visible, knownAgencies: known)
          if try table(reader, merged: reader.mergedRanges, context: ctx, dateSystem: wb.dateSystem, dense: false, into: ingest) {
            tables += 1
          }
        } catch let e as InputProblem { throw e } catch { throw InputProblem(error, file: path) }
      }
    case .csv(let p, let o):
      do {
        let reader = try CSVRowReader(path: p, options: o)
        let ctx = SheetContext(fileName: name, sheetName: nil, isHidden: false, knownAgencies: known)
        if try table(reader, merged: [], context: ctx, dateSystem: .excel1900, dense: true, into: ingest) { tables += 1 }
      } catch let e as InputProblem { throw e } catch { throw InputProblem(error, file: path) }
    }
    if tables == 0 {
      let names = candidates.map { $0.title ?? $0.name }.joined(separator: "、")
      try ingest.recordUnusable(status: .unrecognized, reason: "未找到任何台账的表头（可识别的台账：\(names)）")
    }
  }

  /// Recognises, validates and stores one sheet; false when it matches no ledger.
  private func table<S: RowSource>(_ source: S, merged: [CellRange], context: SheetContext, dateSystem: DateSystem,
                                   dense: Bool, into ingest: SubmissionStore.Ingest) throws -> Bool {
    var table = try TableReader(source: source, recognizer: recognizer, context: context, mergedRanges: merged,
                                ledgerName: options.schema?.name)
    guard table.isRecognized, let rec = table.recognition.table else { return false }
    let schema = candidates[rec.ledgerIndex]
    let id = try ingest.beginTable(sheet: context.sheetName, ledger: schema.name)
    var collector = DiagnosticCollector(limit: 50)
    let vctx = ValidationContext(file: context.fileName, sheet: context.sheetName, dateSystem: dateSystem,
                                 roster: options.roster, headerWidth: nil, rowsAreDense: dense, today: options.today)
    var validator = Validator(schema: schema, mapping: rec.fieldColumns, context: vctx)
    var coercer = CellCoercer(dateSystem: dateSystem, today: options.today)
    let mapping = rec.fieldColumns
    let agencyField = schema.fieldIndex(named: "agency")
    var rowAgency: String?
    var values = [String](repeating: "", count: schema.fields.count)
    var row = Row()
    while try table.nextRow(into: &row) {
      let before = validator.currentStats.errors
      validator.validate(row: row, into: &collector)
      let valid = validator.currentStats.errors == before
      for (i, field) in schema.fields.enumerated() {
        guard i < mapping.count, let column = mapping[i] else { values[i] = ""; continue }
        values[i] = coercer.coerce(row, column: column, field: field).value.description
      }
      if rowAgency == nil, let a = agencyField, !values[a].isEmpty { rowAgency = values[a] }
      try ingest.addRow(id, number: row.index + 1, valid: valid, values: values)
    }
    var stats = validator.finish(into: &collector)
    for note in table.notes {
      if let d = ValidateJob.diagnostic(note, schema: schema, table: rec, file: context.fileName, sheet: context.sheetName) {
        collector.add(d)
        if d.severity == .error { stats.errors += 1 }
        if d.severity == .warning { stats.warnings += 1 }
      }
    }
    let meta = table.metadata
    let agency = canonicalAgency(meta.agency) ?? canonicalAgency(rowAgency) ?? meta.agency ?? rowAgency
    let reason = collector.diagnostics.first { $0.severity == .error }.map { d in
      let where_ = d.location.a1.map { "\($0)：" } ?? d.location.row.map { "第\($0 + 1)行：" } ?? ""
      return "共 \(stats.errors) 处错误；首个：" + where_ + MessageCatalog.render(d, lang: .zhCN).message
    } ?? ""
    try ingest.endTable(id, agency: agency, period: period(meta: meta, fileName: context.fileName ?? ""),
                        errors: stats.errors, warnings: stats.warnings, rows: stats.rows, validRows: stats.validRows,
                        reason: reason)
    return true
  }

  /// The roster's name for an agency named in a file (exact or a clear suggestion), else nil.
  private func canonicalAgency(_ name: String?) -> String? {
    guard let name, let roster = options.roster else { return nil }
    switch roster.lookup(name) {
    case .exact(let n), .suggestion(let n, _): return n
    case .none: return nil
    }
  }

  /// `--period`, else the year of the 填报日期 line, else a year in the file name, else empty.
  private func period(meta: SubmissionMetadata, fileName: String) -> String {
    if let p = options.period { return p }
    return Self.year(in: meta.reportDate ?? "") ?? Self.year(in: fileName) ?? ""
  }

  /// The first `19xx`/`20xx` standing alone in `s`.
  static func year(in s: String) -> String? {
    let u = Array(s.utf8)
    guard u.count >= 4 else { return nil }
    func digit(_ i: Int) -> Bool { i >= 0 && i < u.count && u[i] >= 48 && u[i] <= 57 }
    for i in 0...(u.count - 4) where digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i - 1) && !digit(i + 4) {
      if (u[i] == 50 && u[i + 1] == 48) || (u[i] == 49 && u[i + 1] == 57) {
        return String(decoding: u[i..<(i + 4)], as: UTF8.self)
      }
    }
    return nil
  }
}
