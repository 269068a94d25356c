import Schema

/// Builds the consolidated output (汇总表) from stored submissions and writes it to a ``MergeSink``.
///
/// One sheet per ledger (its schema title, at most 31 characters) with the provenance columns
/// `来源单位`, `来源文件`, `原始行号` before the fields, agencies in roster order (others after,
/// by name), each agency's submissions in arrival order and rows in sheet order; then `汇总`,
/// `未报送单位` and `问题文件`.
///
/// ```swift
/// let outcome = try Consolidation(schemas: schemas, options: .init(roster: roster)).write(from: store, to: sink)
/// ```
///
/// ### Memory
/// Rows stream from the source to the sink one at a time. Held across a run: the submission list,
/// per-agency totals, and — for ledgers with primary or unique keys — one entry per distinct key
/// (its text and first occurrence) while looking for keys found in two submissions. Listed
/// duplicates are capped at ``Options/duplicateListLimit``; counting goes on past the cap.
public struct Consolidation {
  /// What to consolidate and how.
  public struct Options: Sendable {
    /// The agency roster: the order of agencies and who has not submitted.
    public var roster: AgencyRoster?
    public var duplicates: DuplicatePolicy
    /// Keep the error-free rows of submissions with errors.
    public var includeInvalid: Bool
    /// Only these ledgers (schema names); nil means every ledger found.
    public var ledgers: [String]?
    /// Only this period; nil means every period.
    public var period: String?
    /// At most this many duplicate rows are listed in `问题文件`.
    public var duplicateListLimit: Int
    public init(roster: AgencyRoster? = nil, duplicates: DuplicatePolicy = .report, includeInvalid: Bool = false,
                ledgers: [String]? = nil, period: String? = nil, duplicateListLimit: Int = 10_000) {
      self.roster = roster; self.duplicates = duplicates; self.includeInvalid = includeInvalid
      self.ledgers = ledgers; self.period = period; self.duplicateListLimit = duplicateListLimit
    }
  }

  /// What was written.
  public struct Outcome: Sendable {
    /// Rows written per ledger (schema name).
    public var rowsByLedger: [String: Int] = [:]
    /// Submissions whose rows were consolidated.
    public var mergedSubmissions = 0
    /// Submissions and files left out, with their reasons (as listed in `问题文件`).
    public var leftOut: [SubmissionRecord] = []
    /// Rows whose key was already seen in another submission; and how many of them were dropped.
    public var duplicateRows = 0
    public var droppedDuplicates = 0
    /// Roster agencies with no valid submission, per ledger.
    public var notSubmitted: [String: [String]] = [:]
    /// The display title (`执法人员培训学时台账`) of each ledger named in `notSubmitted`, by schema name.
    public var ledgerTitles: [String: String] = [:]
    /// Rows whose `acrossAgencies: unique` value (身份证号) another agency's submission also has.
    public var acrossAgencyDuplicates = 0
    /// Listings of a record found in two lists of a table-group rule (`exclusive`) across the
    /// submissions (a document one file lists as 继续有效 and another as 宣布失效), each listing counted.
    public var exclusiveConflicts = 0
    /// The cross-file findings, as listed in `问题文件` (category, file, sheet, agency, row, explanation).
    /// Rows repeated across agencies are listed up to ``Options/duplicateListLimit``, as the other repeats.
    public var crossFileFindings: [CrossFileFinding] = []
    /// Rows repeated across agencies past the list's limit: counted in ``acrossAgencyDuplicates``, not listed.
    public var crossFileFindingsNotListed = 0
    /// True when the submissions together showed a finding (listed or not).
    public var hasCrossFileFindings: Bool { !crossFileFindings.isEmpty || crossFileFindingsNotListed > 0 }
    /// Total rows written to ledger sheets.
    public var totalRows: Int { rowsByLedger.values.reduce(0, +) }
  }

  /// Provenance columns written before the fields.
  public static let provenanceHeader = ["来源单位", "来源文件", "原始行号"]

  public let schemas: [TableSchema]
  public let options: Options
  /// Each roster agency's position (its first entry), for ordering submissions.
  private let rosterPositions: [String: Int]

  /// - Parameter schemas: the ledgers that may appear (built-in or loaded); their order is the sheet order.
  public init(schemas: [TableSchema], options: Options = Options()) {
    self.schemas = schemas
    self.options = options
    var positions: [String: Int] = [:]
    for (i, e) in (options.roster?.entries ?? []).enumerated() where positions[e.name] == nil { positions[e.name] = i }
    rosterPositions = positions
  }

  private struct Duplicate {
    var submission: SubmissionRecord; var row: Int; var key: String; var other: String; var kept: Bool
    /// The key is an `acrossAgencies: unique` field and the other row is another agency's.
    var acrossAgencies = false
  }

  /// Writes the consolidated output and commits the sink; on error the sink is discarded.
  /// - Throws: what the source or the sink throws.
  @discardableResult
  public func write(from source: some ConsolidationSource, to sink: MergeSink) throws -> Outcome {
    do {
      let outcome = try writeSheets(from: source, to: sink)
      try sink.finish()
      return outcome
    } catch {
      sink.discard()
      throw error
    }
  }

  private func writeSheets(from source: some ConsolidationSource, to sink: MergeSink) throws -> Outcome {
    var outcome = Outcome()
    let all = try source.allSubmissions().filter { s in options.period.map { s.period == $0 || s.ledger == nil } ?? true }
    let wanted = { (s: SubmissionRecord) -> Bool in
      guard let l = s.ledger, options.ledgers.map({ $0.contains(l) }) ?? true else { return false }
      return s.status == .valid || (options.includeInvalid && s.status == .invalid)
    }
    let merged = all.filter(wanted)
    let present = Set(merged.compactMap(\.ledger))
    let ledgerSchemas = schemas.filter { present.contains($0.name) || (options.ledgers?.contains($0.name) ?? false) }
    var duplicates: [Duplicate] = []
    var summaries: [(schema: TableSchema, rows: [(agency: String, subs: Int, errors: Int, totals: LedgerTotals)])] = []
    var usedNames: Set<String> = ["汇总", "未报送单位", "问题文件"]
    let conflicts = try exclusiveConflicts(ledgerSchemas, merged: merged, source: source)
    outcome.exclusiveConflicts = conflicts.count
    outcome.crossFileFindings = conflicts

    for schema in ledgerSchemas {
      let subs = merged.filter { $0.ledger == schema.name }.sorted(by: agencyOrder)
      let keys = Self.keyFields(schema)
      // Rows whose key hash another row shares (from the store's key index); nil: check every row.
      let candidates = keys.isEmpty || subs.count < 2 ? [:] : try source.rowsSharingKeys(among: Set(subs.map(\.id)))
      let keyIndex = try duplicateIndex(keys: keys, subs: subs, source: source, only: candidates)
      let name = Self.sheetName(schema.title ?? schema.name, used: &usedNames)
      try sink.beginSheet(name: name, kind: .ledger(schemaName: schema.name),
                          header: Self.provenanceHeader + schema.fields.map(\.displayName))
      let typer = CellTyper(schema: schema)
      var perAgency: [(agency: String, subs: Int, errors: Int, totals: LedgerTotals)] = []
      var written = 0
      for sub in subs {
        let agency = sub.agency ?? ""
        if perAgency.last?.agency != agency {
          perAgency.append((agency, 0, 0, LedgerTotals(schema: schema)))
        }
        perAgency[perAgency.count - 1].subs += 1
        perAgency[perAgency.count - 1].errors += sub.errors
        var cells: [MergeCell] = []
        let checked = keyIndex.isEmpty ? Set<Int>() : candidates.map { $0[sub.id] ?? [] }
        try source.forEachValidRow(of: sub.id) { row in
          if checked?.contains(row.rowNumber) ?? true, !keyIndex.isEmpty,
             let d = checkKeys(row: row, sub: sub, schema: schema, keys: keys, index: keyIndex) {
            outcome.duplicateRows += 1
            if !d.kept { outcome.droppedDuplicates += 1 }
            if d.acrossAgencies {
              outcome.acrossAgencyDuplicates += 1
              // Listed up to the limit, as the other repeats, so that memory does not grow with them.
              if outcome.acrossAgencyDuplicates > options.duplicateListLimit {
                outcome.crossFileFindingsNotListed += 1
              } else {
                outcome.crossFileFindings.append(CrossFileFinding(
                  kind: .duplicateAcrossAgencies, file: d.submission.fileName, sheet: d.submission.sheet,
                  ledger: schema.title ?? schema.name, agency: d.submission.agency, row: d.row,
                  explanation: "\(d.key) 与 \(d.other) 重复：同一人员由两个单位报送"))
              }
            }
            if duplicates.count < options.duplicateListLimit { duplicates.append(d) }
            if !d.kept { return }
          }
          cells.removeAll(keepingCapacity: true)
          cells.append(.text(agency)); cells.append(.text(sub.fileName)); cells.append(.number(String(row.rowNumber)))
          typer.append(row.values, to: &cells)
          try sink.write(cells: cells)
          perAgency[perAgency.count - 1].totals.add(row.values)
          written += 1
        }
      }
      try sink.endSheet()
      outcome.rowsByLedger[schema.name] = written
      outcome.mergedSubmissions += subs.count
      summaries.append((schema, perAgency))
    }

    try writeSummary(summaries, to: sink)
    try writeNotSubmitted(ledgerSchemas, all: all, merged: merged, outcome: &outcome, to: sink)
    outcome.leftOut = all.filter { !wanted($0) || $0.status == .invalid }
    try writeProblems(outcome.leftOut, duplicates: duplicates, outcome: outcome,
                      supersedingFiles: Dictionary(all.map { ($0.id, $0.fileName) }, uniquingKeysWith: { a, _ in a }), to: sink)
    return outcome
  }

  // MARK: Ordering

  private func rosterIndex(_ agency: String?) -> Int {
    guard let a = agency else { return Int.max }
    return rosterPositions[a] ?? Int.max
  }

  private func agencyOrder(_ a: SubmissionRecord, _ b: SubmissionRecord) -> Bool {
    let (ia, ib) = (rosterIndex(a.agency), rosterIndex(b.agency))
    if ia != ib { return ia < ib }
    if (a.agency ?? "") != (b.agency ?? "") { return (a.agency ?? "") < (b.agency ?? "") }
    return a.id < b.id
  }

  // MARK: Keys across submissions

  /// Key text → the winning (submission, row) and how many rows carry it; only keys found more than once.
  private typealias KeyIndex = [String: (winner: Int64, winnerRow: Int, winnerFile: String, count: Int, agencies: Set<String>)]

  /// First pass, in arrival order: which keys occur in more than one submission of the same period
  /// (an officer trained in 2022 and in 2023 is no repeat), and which row wins.
  /// With `only` (the store's candidates), only those rows are read: any other row's key is unique.
  private func duplicateIndex(keys: [[Int]], subs: [SubmissionRecord], source: some ConsolidationSource,
                              only: [Int64: Set<Int>]?) throws -> KeyIndex {
    guard !keys.isEmpty, subs.count > 1 else { return [:] }
    var index: KeyIndex = [:]
    for sub in subs.sorted(by: { $0.id < $1.id }) {
      let rows = only.map { $0[sub.id] ?? [] }
      if rows?.isEmpty ?? false { continue }
      try source.forEachValidRow(of: sub.id) { row in
        if let rows, !rows.contains(row.rowNumber) { return }
        for (k, key) in keys.enumerated() {
          guard let text = Self.keyText(key, number: k, values: row.values) else { continue }
          let t = sub.period + "\u{1E}" + text  // a key repeats only within one period
          if var e = index[t] {
            e.count += 1
            if let a = sub.agency { e.agencies.insert(a) }
            if options.duplicates == .keepLatest, e.winner != sub.id {
              e.winner = sub.id; e.winnerRow = row.rowNumber; e.winnerFile = sub.fileName
            }
            index[t] = e
          } else {
            index[t] = (sub.id, row.rowNumber, sub.fileName, 1, sub.agency.map { [$0] } ?? [])
          }
        }
      }
    }
    return index.filter { $0.value.count > 1 }
  }

  /// Second pass: is this row a duplicate, and is it kept?
  private func checkKeys(row: StoredRow, sub: SubmissionRecord, schema: TableSchema, keys: [[Int]], index: KeyIndex) -> Duplicate? {
    for (k, key) in keys.enumerated() {
      guard let text = Self.keyText(key, number: k, values: row.values), let e = index[sub.period + "\u{1E}" + text] else { continue }
      if e.winner == sub.id && e.winnerRow == row.rowNumber { continue }
      let label = key.map { schema.fields[$0].displayName + "=" + row.values[$0] }.joined(separator: "，")
      let kept = options.duplicates == .report
      let across = key.count == 1 && schema.uniqueAcrossAgencies.contains(key[0]) && e.agencies.count > 1
      let others = e.agencies.subtracting([sub.agency ?? ""]).sorted().joined(separator: "、")
      return Duplicate(submission: sub, row: row.rowNumber, key: label,
                       other: "\(e.winnerFile) 第\(e.winnerRow)行" + (across && !others.isEmpty ? "（\(others)）" : ""),
                       kept: kept, acrossAgencies: across)
    }
    return nil
  }

  // MARK: Table-group rules across submissions

  /// Where a submission lists a record of a table-group rule.
  private struct Listing { var sub: SubmissionRecord; var ledger: TableSchema; var row: Int; var label: String }

  /// Records listed in two lists of a table-group rule (`exclusive`) by the merged submissions:
  /// one finding per listing, naming the other listings. Reads the valid rows of the lists'
  /// submissions once more (the lists are short: tens to hundreds of documents per agency).
  private func exclusiveConflicts(_ ledgers: [TableSchema], merged: [SubmissionRecord],
                                  source: some ConsolidationSource) throws -> [CrossFileFinding] {
    var out: [CrossFileFinding] = []
    var done: Set<String> = []
    for schema in ledgers {
      for rule in schema.exclusive where done.insert(rule.name).inserted {
        let lists = ledgers.filter { rule.lists.contains($0.name) }
        guard lists.count > 1 else { continue }
        var listings: [Listing] = []
        var byKey: [String: [Int]] = [:]
        for list in lists {
          let alternatives = rule.keys.map { names in names.compactMap { list.fieldIndex(named: $0) } }
          for sub in merged where sub.ledger == list.name {
            try source.forEachValidRow(of: sub.id) { row in
              var seen: Set<String> = []
              for (a, key) in alternatives.enumerated() where !key.isEmpty {
                let parts = key.map { $0 < row.values.count ? String(row.values[$0].filter { !$0.isWhitespace }) : "" }
                guard !parts.contains(where: \.isEmpty) else { continue }
                let k = String(a) + "\u{1E}" + parts.joined(separator: "\u{1F}")
                guard seen.insert(k).inserted else { continue }
                let label = key.map { list.fields[$0].displayName + "=" + row.values[$0] }.joined(separator: "，")
                byKey[k, default: []].append(listings.count)
                listings.append(Listing(sub: sub, ledger: list, row: row.rowNumber, label: label))
              }
            }
          }
        }
        var reported: Set<String> = []
        for k in byKey.keys.sorted() {
          let idx = byKey[k] ?? []
          guard Set(idx.map { listings[$0].ledger.name }).count > 1 else { continue }
          for i in idx {
            let l = listings[i]
            guard reported.insert("\(l.sub.id)\u{1F}\(l.row)").inserted else { continue }
            let others = idx.filter { listings[$0].ledger.name != l.ledger.name }.map { j -> String in
              let o = listings[j]
              return "\(o.sub.fileName)\(o.sub.sheet.map { "!\($0)" } ?? "") 第\(o.row)行（\(o.ledger.title ?? o.ledger.name)）"
            }.joined(separator: "、")
            out.append(CrossFileFinding(kind: .exclusiveListing, file: l.sub.fileName, sheet: l.sub.sheet,
                                        ledger: l.ledger.title ?? l.ledger.name, agency: l.sub.agency, row: l.row,
                                        explanation: "\(l.label) 同时列入「\(l.ledger.title ?? l.ledger.name)」与 \(others)："
                                          + (rule.message ?? "同一记录只能列入其中一个清单")))
          }
        }
      }
    }
    return out
  }

  // MARK: Summary sheets

  private func writeSummary(_ summaries: [(schema: TableSchema, rows: [(agency: String, subs: Int, errors: Int, totals: LedgerTotals)])],
                            to sink: MergeSink) throws {
    let extra = summaries.first.map { LedgerTotals(schema: $0.schema).header } ?? []
    try sink.beginSheet(name: "汇总", kind: .summary, header: ["台账", "单位", "报送份数", "合并行数", "错误数"] + extra)
    for (i, s) in summaries.enumerated() {
      if i > 0 {
        try sink.write(cells: [])
        try sink.write(cells: (["台账", "单位", "报送份数", "合并行数", "错误数"] + LedgerTotals(schema: s.schema).header).map { .text($0) })
      }
      let title = MergeCell.text(s.schema.title ?? s.schema.name)
      var all = LedgerTotals(schema: s.schema)
      var subs = 0, errors = 0
      for a in s.rows {
        try sink.write(cells: [title, .text(a.agency), .number(String(a.subs)), .number(String(a.totals.rows)),
                               .number(String(a.errors))] + a.totals.cells)
        all.merge(a.totals); subs += a.subs; errors += a.errors
      }
      try sink.write(cells: [title, .text("合计"), .number(String(subs)), .number(String(all.rows)), .number(String(errors))] + all.cells)
    }
    try sink.endSheet()
  }

  private func writeNotSubmitted(_ ledgers: [TableSchema], all: [SubmissionRecord], merged: [SubmissionRecord],
                                 outcome: inout Outcome, to sink: MergeSink) throws {
    try sink.beginSheet(name: "未报送单位", kind: .notSubmitted, header: ["台账", "单位名称", "简称", "情况"])
    if let roster = options.roster {
      for schema in ledgers {
        let done = Set(merged.filter { $0.ledger == schema.name && $0.status == .valid }.compactMap(\.agency))
        let tried = Set(all.filter { $0.ledger == schema.name }.compactMap(\.agency))
        var missing: [String] = []
        for e in roster.entries where !done.contains(e.name) {
          missing.append(e.name)
          try sink.write(cells: [.text(schema.title ?? schema.name), .text(e.name), e.shortName.map { .text($0) } ?? .empty,
                                 .text(tried.contains(e.name) ? "报送有误，未合并" : "未报送")])
        }
        outcome.notSubmitted[schema.name] = missing
        outcome.ledgerTitles[schema.name] = schema.title ?? schema.name
      }
    }
    try sink.endSheet()
  }

  private func writeProblems(_ leftOut: [SubmissionRecord], duplicates: [Duplicate], outcome: Outcome,
                             supersedingFiles: [Int64: String], to sink: MergeSink) throws {
    try sink.beginSheet(name: "问题文件", kind: .problems,
                        header: ["类别", "文件", "工作表", "台账", "单位", "行号", "错误数", "说明"])
    func ledgerTitle(_ name: String?) -> MergeCell {
      guard let name else { return .empty }
      return .text(schemas.first { $0.name == name }?.title ?? name)
    }
    for s in leftOut {
      var reason = s.reason
      if s.status == .superseded, reason.isEmpty, let by = s.supersededBy {
        reason = "被较新的报送替代（\(supersedingFiles[by] ?? "编号 \(by)")）"
      }
      let category: String
      switch s.status {
      case .invalid: category = options.includeInvalid ? "有错误，仅合并无误的行" : "有错误，未合并"
      case .superseded: category = "已被同单位较新报送替代"
      default: category = s.status.labelZH
      }
      try sink.write(cells: [.text(category), .text(s.fileName), s.sheet.map { .text($0) } ?? .empty, ledgerTitle(s.ledger),
                             s.agency.map { .text($0) } ?? .empty, .empty, .number(String(s.errors)), .text(reason)])
    }
    for d in duplicates {
      let category = d.acrossAgencies ? (d.kept ? "多个单位重复报送（保留）" : "多个单位重复报送（未合并）")
        : (d.kept ? "重复记录（保留）" : "重复记录（未合并）")
      try sink.write(cells: [.text(category), .text(d.submission.fileName),
                             d.submission.sheet.map { .text($0) } ?? .empty, ledgerTitle(d.submission.ledger),
                             d.submission.agency.map { .text($0) } ?? .empty, .number(String(d.row)), .empty,
                             .text("\(d.key) 与 \(d.other) 重复")])
    }
    for f in outcome.crossFileFindings where f.kind == .exclusiveListing {
      try sink.write(cells: [.text("同一文件列入多个清单"), .text(f.file), f.sheet.map { .text($0) } ?? .empty, .text(f.ledger),
                             f.agency.map { .text($0) } ?? .empty, .number(String(f.row)), .empty, .text(f.explanation)])
    }
    if outcome.duplicateRows > duplicates.count {
      try sink.write(cells: [.text("重复记录"), .empty, .empty, .empty, .empty, .empty, .empty,
                             .text("另有 \(outcome.duplicateRows - duplicates.count) 条重复记录未列出")])
    }
    try sink.endSheet()
  }

  /// An Excel sheet name: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
  static func sheetName(_ title: String, used: inout Set<String>) -> String {
    let cleaned = String(title.map { "[]:*?/\\".contains($0) ? "_" : $0 })
    var name = String(cleaned.prefix(31))
    var n = 2
    while used.contains(name) {
      let suffix = "(\(n))"
      name = String(cleaned.prefix(31 - suffix.count)) + suffix
      n += 1
    }
    used.insert(name)
    return name
  }
}

/// Turns stored canonical text into output cells by field type (numbers stay exact, dates are dates).
struct CellTyper {
  private let kinds: [FieldType]
  init(schema: TableSchema) { kinds = schema.fields.map(\.type) }

  func append(_ values: [String], to cells: inout [MergeCell]) {
    for (i, kind) in kinds.enumerated() {
      let v = i < values.count ? values[i] : ""
      if v.isEmpty { cells.append(.empty); continue }
      switch kind {
      case .integer, .number: cells.append(.number(v))
      case .date: cells.append(Self.isoDate(v).map { .date($0) } ?? .text(v))
      default: cells.append(.text(v))
      }
    }
  }

  /// `2023-07-13` → a date; anything else nil.
  static func isoDate(_ s: String) -> LocalDate? {
    let u = Array(s.utf8)
    guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
    func num(_ r: Range<Int>) -> Int? {
      var v = 0
      for b in u[r] { guard b >= 48 && b <= 57 else { return nil }; v = v * 10 + Int(b - 48) }
      return v
    }
    guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
    return LocalDate(year: y, month: m, day: d)
  }
}

/// A finding only the submissions together show (`merge`): a document listed in two lists of a
/// table-group rule by different files, or an `acrossAgencies: unique` value (身份证号) two agencies submitted.
public struct CrossFileFinding: Sendable, Hashable {
  public enum Kind: String, Sendable {
    /// `exclusive-listing`: the record is in another list too.
    case exclusiveListing = "exclusive-listing"
    /// `duplicate-across-agencies`: another agency submitted the same value.
    case duplicateAcrossAgencies = "duplicate-across-agencies"
  }
  public var kind: Kind
  public var file: String
  public var sheet: String?
  /// The ledger's title.
  public var ledger: String
  public var agency: String?
  /// The 1-based sheet row.
  public var row: Int
  /// What is wrong, in Chinese, naming the other listing.
  public var explanation: String
}
