import Diagnostics
import Foundation
import Intake
import Merge
import Recognition
import Schema
import Store
import Tabular
import Validation

/// Merges agency submissions into one consolidated workbook or CSV (`sheetgate merge`).
///
/// Every input file is read once: each sheet is recognised and validated as `ValidateJob` does, and
/// every data row's typed field values are encoded (``RowCodec``) with a flag saying whether the row
/// had an error and the hashes of its keys. Files are prepared on worker threads and stored in input
/// order, one store transaction per file. The output is then built from the store by ``Consolidation``
/// with cursors, the sink on its own thread (``ThreadedMergeSink``). Without `--store` the store is a
/// temporary file deleted at the end, so both paths are the same code.
///
/// ### Memory
/// At most a few prepared files in flight (about 75 KB per 500-row file) plus one reader per worker;
/// while writing, one row at a time plus a few queued batches and the duplicate candidates (see ``Consolidation``).
public struct MergeJob: Sendable {
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
    /// The agency every submission read is attributed to, whatever the file says (`sheetgate run`: the
    /// sender's address is in the roster's 邮箱 column); nil lets each file decide.
    public var agency: String?
    /// The agency for a file that names none (`sheetgate run`: from the file or the sender's name).
    public var fallbackAgency: String?
    /// How many findings each table keeps for its report (``stage(path:skipping:)``); the counts are exact anyway.
    public var findingsKept = 50
    /// Encoded bytes of a table's rows held in memory before they move to a temporary file (4 MiB, about
    /// 28,000 training-hours rows): a merge's memory does not grow with a file's rows.
    public var spillBytes = 4 << 20
    /// Distinct values of a unique key checked in memory before the key's set moves to a temporary file
    /// (``ValidationContext/uniqueKeysInMemory``).
    public var uniqueKeysInMemory = 65_536
    /// Repeated rows listed in `问题文件` and on the terminal (``Consolidation/Options/duplicateListLimit``);
    /// the counts go on past it, so a merge's memory does not grow with the repeats.
    public var duplicateListLimit = 10_000
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
  /// The ledgers each sheet is recognised against (the named schema alone, or every built-in one).
  public let ledgers: Ledgers

  /// - Throws: a schema loading error for the built-in ledgers.
  public init(options: Options) throws {
    self.options = options
    ledgers = try Ledgers(schema: options.schema)
  }

  /// A job over ledgers built already (one recogniser shared by many jobs, as `sheetgate run` does
  /// with a job per message).
  public init(options: Options, ledgers: Ledgers) {
    self.options = options
    self.ledgers = ledgers
  }

  /// Ingests each file not yet in `store` (one transaction per file), in the order given.
  ///
  /// Files are hashed, read, recognised, validated and encoded on worker threads (``OrderedWorkers``,
  /// one per core, a few files ahead); the calling thread stores them strictly in input order, so
  /// submission ids, supersession and the output do not depend on timing.
  /// - Throws: store errors only; an unreadable file is recorded as such, not thrown.
  /// `progress`, when given, is called on the calling thread after each file is stored, with the
  /// files done, the total and the rows read so far.
  public func ingest(paths: [String], into store: SubmissionStore, receivedAt: String = MergeJob.now(),
                     progress: ((_ done: Int, _ total: Int, _ rows: Int) -> Void)? = nil) throws -> [FileOutcome] {
    let stored = try store.storedDigests()
    let workers = OrderedWorkers(count: paths.count, threads: min(ProcessInfo.processInfo.activeProcessorCount, 4)) { i in
      try self.prepare(path: paths[i], skipping: stored)
    }
    defer { workers.stop() }
    var out: [FileOutcome] = []
    out.reserveCapacity(paths.count)
    var rows = 0
    for i in paths.indices {
      let outcome = try save(try workers.take(i), into: store, receivedAt: receivedAt)
      rows += outcome.submissions.reduce(0) { $0 + $1.rows }
      out.append(outcome)
      progress?(i + 1, paths.count, rows)
    }
    return out
  }

  /// Writes one prepared file in one transaction (nothing when its bytes are stored already).
  func save(_ file: PreparedFile, into store: SubmissionStore, receivedAt: String) throws -> FileOutcome {
    let skip = FileOutcome(path: file.path, alreadyStored: true, submissions: [])
    if case .stored = file.content { return skip }
    // The same bytes twice among this run's inputs: the first one was stored above.
    if !file.digest.isEmpty, try store.contains(sha256: file.digest) { return skip }
    let subs = try store.ingest(fileName: file.name, sha256: file.digest, receivedAt: receivedAt) { ingest in
      switch file.content {
      case .stored: break
      case .unusable(let status, let reason): try ingest.recordUnusable(status: status, reason: reason)
      case .tables(let tables):
        for t in tables {
          let id = try ingest.beginTable(sheet: t.sheet, ledger: t.ledger, keysIndexed: true)
          try t.forEachRow { number, valid, blob, keys in
            try ingest.addRow(id, number: number, valid: valid, encoded: blob, keyHashes: keys)
          }
          try ingest.endTable(id, agency: t.agency, period: t.period, errors: t.errors, warnings: t.warnings,
                              rows: t.rowCount, validRows: t.validRows, reason: t.reason)
        }
      }
    }
    return FileOutcome(path: file.path, alreadyStored: false, submissions: subs)
  }

  /// The consolidation settings these options imply (ledger restriction, period, duplicates).
  public var consolidationOptions: Consolidation.Options {
    Consolidation.Options(roster: options.roster, duplicates: options.duplicates, includeInvalid: options.includeInvalid,
                          ledgers: options.schema.map { [$0.name] }, period: options.period,
                          duplicateListLimit: options.duplicateListLimit)
  }

  /// The ledgers the output may hold, in sheet order.
  public var schemas: [TableSchema] { ledgers.schemas }

  /// Now as ISO 8601 (UTC), for `received_at`.
  public static func now() -> String { Timestamp.now(milliseconds: true) }

  // MARK: Reading one file (on a worker thread)

  /// Hashes, reads, recognises, validates and encodes one file; touches no shared state.
  /// - Throws: only unexpected errors (an unreadable file is a `.unusable` result).
  func prepare(path: String, skipping stored: Set<String>) throws -> PreparedFile {
    let name = lastPathComponent(path)
    let digest: String
    do { digest = try SHA256.hex(ofFileAt: path) } catch {
      return PreparedFile(path: path, name: name, digest: "",
                          content: .unusable(.unreadable, "无法读取文件：\(error.localizedDescription)"))
    }
    if stored.contains(digest) { return PreparedFile(path: path, name: name, digest: digest, content: .stored) }
    do {
      let tables = try read(path: path, name: name)
      if tables.isEmpty {
        return PreparedFile(path: path, name: name, digest: digest,
                            content: .unusable(.unrecognized, "未找到任何台账的表头（可识别的台账：\(ledgers.titles)）"))
      }
      return PreparedFile(path: path, name: name, digest: digest, content: .tables(tables))
    } catch let p as InputProblem {
      return PreparedFile(path: path, name: name, digest: digest, content: .unusable(.unreadable, p.messageZH))
    }
  }

  private func read(path: String, name: String) throws -> [PreparedTable] {
    try readWithReports(path: path).tables
  }

  /// Reads a file as ``read(path:name:)`` does and also keeps, per table, its validation report and the
  /// agency the file itself names (for ``stage(path:skipping:)``).
  func readWithReports(path: String, name: String? = nil, recordings: SheetRecordings? = nil) throws -> Preparer {
    let opened = try OpenedFile.open(path: path, options: .init(csvEncoding: options.csvEncoding))
    var visitor = Preparer(job: self)
    try opened.walkTables(ledgers, visitor: &visitor, knownAgencies: options.roster?.entries.map { $0.name } ?? [],
                          recordings: recordings, name: name)
    return visitor
  }

  /// Validates and encodes each table the walk hands over.
  struct Preparer: TableVisitor {
    let job: MergeJob
    var tables: [PreparedTable] = []
    var reports: [TableReport] = []
    var metadata: [SubmissionMetadata] = []
    var namedAgencies: [String?] = []

    mutating func visit<Rows: RowSource>(_ t: inout TableInput<Rows>) throws -> Bool {
      let (table, report, named) = try job.table(&t)
      tables.append(table)
      reports.append(report)
      metadata.append(t.reader.metadata)
      namedAgencies.append(named)
      return true
    }
  }

  /// Validates and encodes one recognised table; also returns its validation report and the agency
  /// the file names (nil when only ``Options/agency`` or ``Options/fallbackAgency`` gave one).
  private func table<S: RowSource>(_ t: inout TableInput<S>) throws -> (PreparedTable, TableReport, String?) {
    let schema = t.schema
    var out = PreparedTable(sheet: t.context.sheetName, ledger: schema.name)
    var collector = DiagnosticCollector(limit: options.findingsKept)
    var vctx = ValidationContext(file: t.context.fileName, sheet: t.context.sheetName, dateSystem: t.dateSystem,
                                 roster: options.roster, headerWidth: t.table.isPositional ? t.table.columns.count : nil,
                                 rowsAreDense: t.rowsAreDense, today: options.today)
    vctx.uniqueKeysInMemory = options.uniqueKeysInMemory
    // Up to 65,536 distinct values a key's set stays in memory and every repeat is known at its row; past
    // it (a large table, whose rows are in a temporary file by then) the set moves to a temporary file too,
    // and the rows found to be repeats at the end are corrected as they are stored (``PreparedTable/invalidatedAtEnd``).
    let validator = Validator(schema: schema, mapping: t.fieldColumns, context: vctx)
    var coercer = CellCoercer(dateSystem: t.dateSystem, today: options.today)
    let mapping = t.fieldColumns
    let agencyField = schema.fieldIndex(named: "agency")
    let keys = Consolidation.keyFields(schema)
    var rowAgency: String?
    var values = [String](repeating: "", count: schema.fields.count)
    var fields: [Range<Int>] = []
    fields.reserveCapacity(schema.fields.count)
    var row = Row()
    while try t.reader.nextRow(into: &row) {
      let before = validator.currentStats.errors
      validator.validate(row: row, into: &collector)
      let valid = validator.currentStats.errors == before
      // A blank row comes here only from a positional (plain Table Schema) header: reported, never merged.
      if row.isBlank { continue }
      // The validator's typed values, as text, written into the row's blob as they come (plain
      // cells as their bytes); a row it did not type (a blank row) is coerced here.
      let start = out.bytes.count
      out.bytes.append(RowCodec.binaryTag)
      fields.removeAll(keepingCapacity: true)
      let typed = validator.withFieldTexts(of: row) { text in
        RowCodec.appendBinaryField(text, into: &out.bytes)
        fields.append((out.bytes.count - text.count)..<out.bytes.count)
      }
      if !typed {
        for (i, field) in schema.fields.enumerated() {
          guard i < mapping.count, let column = mapping[i] else { values[i] = ""; continue }
          values[i] = coercer.coerce(row, column: column, field: field).value.description
        }
        out.bytes.removeSubrange(start...)
        RowCodec.encodeBinary(values, into: &out.bytes)
        if rowAgency == nil, let a = agencyField, !values[a].isEmpty { rowAgency = values[a] }
        if valid {
          for (k, key) in keys.enumerated() {
            if let h = Consolidation.keyHash(key, number: k, values: values) { out.keys.append(h) }
          }
        }
      } else {
        out.bytes.withUnsafeBufferPointer { b in
          if rowAgency == nil, let a = agencyField, !fields[a].isEmpty {
            rowAgency = String(decoding: UnsafeBufferPointer(rebasing: b[fields[a]]), as: UTF8.self)
          }
          if valid {
            for (k, key) in keys.enumerated() {
              if let h = Consolidation.keyHash(key, number: k, bytes: b, fields: fields) { out.keys.append(h) }
            }
          }
        }
      }
      out.rows.append(PreparedTable.RowEntry(number: row.index + 1, valid: valid, end: out.bytes.count, keysEnd: out.keys.count))
      if out.bytes.count >= options.spillBytes && !out.spillRefused { out.spill() }
    }
    var stats = validator.finish(into: &collector)
    out.invalidatedAtEnd = validator.rowsInvalidatedAtEnd
    for d in t.recognitionDiagnostics() {
      collector.add(d)
      stats.count(d.severity)
    }
    let meta = t.reader.metadata
    let named = canonicalAgency(meta.agency) ?? canonicalAgency(rowAgency) ?? meta.agency ?? rowAgency
    out.agency = options.agency ?? named ?? options.fallbackAgency
    out.reason = collector.diagnostics.first { $0.severity == .error }.map { d in
      let where_ = d.location.a1.map { "\($0)：" } ?? d.location.row.map { "第\($0 + 1)行：" } ?? ""
      return "共 \(stats.errors) 处错误；首个：" + where_ + MessageCatalog.render(d, lang: .zhCN).message
    } ?? ""
    out.period = period(meta: meta, fileName: t.context.fileName ?? "")
    out.errors = stats.errors; out.warnings = stats.warnings; out.rowCount = stats.rows; out.validRows = stats.validRows
    var report = TableReport(file: t.context.fileName, sheet: t.context.sheetName, schema: schema.name, stats: stats, collector: collector)
    report.metadata = ValidateJob.display(meta)
    return (out, report, named)
  }

  /// The roster's name for an agency named in a file (exact or a clear suggestion), else nil.
  private func canonicalAgency(_ name: String?) -> String? {
    guard let name, let roster = options.roster else { return nil }
    switch roster.lookup(name) {
    case .exact(let n), .suggestion(let n, _): return n
    case .abbreviation(let names, _) where names.count == 1: return names[0]
    case .abbreviation, .none: return nil
    }
  }

  /// `--period`, else the template marker's period, else the year of the 填报日期 line, else a year
  /// in the file name, else empty.
  private func period(meta: SubmissionMetadata, fileName: String) -> String {
    if let p = options.period { return p }
    if let p = meta.period, !p.isEmpty { return p }
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
