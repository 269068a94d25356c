import Tabular

/// One labelled column of a recognised header.
public struct ColumnLabel: Sendable, Hashable {
  /// Zero-based sheet column.
  public var column: Int
  /// The label as shown, `培训学时/公共法律知识` for a two-row header.
  public var text: String
  /// The unit hint split off the label (`元`, `h`), if any.
  public var unit: String?
  /// The index of the matched field in `LedgerLabels.fields`, or nil for an extra column.
  public var field: Int?
}

/// How well one ledger fits a sheet.
public struct LedgerScore: Sendable, Hashable {
  /// Index of the ledger in `TableRecognizer.ledgers`.
  public var ledgerIndex: Int
  /// The ledger's name.
  public var ledgerName: String
  /// The combined score, 0…1: `0.75 × header + 0.25 × min(keywordHits, 2) / 2`. Keywords weigh a
  /// quarter because ledgers of one family (继续有效 / 宣布失效 lists) share most columns, and
  /// filers often leave out a required column; the sheet name and title then decide.
  public var score: Double
  /// The best header candidate's score, 0…1: `0.5 × required share + 0.3 × cell share + 0.2 × field share`.
  public var headerScore: Double
  /// Keywords (and the ledger title) found in the title rows, the sheet name or the file name.
  public var keywordHits: Int
  /// Distinct fields matched by the best header candidate.
  public var matchedFields: Int
}

/// The table found in a sheet: which ledger, which header rows, which column is which field.
public struct RecognizedTable: Sendable {
  /// The ledger the header matched.
  public var ledger: LedgerLabels
  /// Index of the ledger in `TableRecognizer.ledgers`.
  public var ledgerIndex: Int
  /// Zero-based sheet rows of the header (one or two rows).
  public var headerRows: ClosedRange<Int>
  /// Every labelled or blank column inside the header's span, left to right.
  public var columns: [ColumnLabel]
  /// For each field of `ledger`, the sheet column it was found in, or nil when missing.
  public var fieldColumns: [Int?]
  /// The ledger's score for this sheet.
  public var score: LedgerScore

  /// The first row after the header.
  public var firstDataRow: Int { headerRows.upperBound + 1 }

  /// True when the header was read by position (a plain Table Schema, `LedgerLabels.positional`):
  /// the first row, column i holding field i.
  public var isPositional: Bool {
    ledger.positional && headerRows == 0...0
      && columns.enumerated().allSatisfy { $0.element.column == $0.offset && ($0.element.field ?? $0.offset) == $0.offset }
  }

  /// The field of a sheet column, or nil for an extra or blank column.
  public func field(ofColumn column: Int) -> Int? {
    columns.first { $0.column == column }?.field
  }
}

/// What recognition found in one sheet.
public struct SheetRecognition: Sendable {
  /// The table, or nil when no ledger's header was found (`header-not-found` is in `notes`).
  public var table: RecognizedTable?
  /// The ledger with the best score (chosen when it qualifies), and the runner-up.
  public var best: LedgerScore?
  /// The second-best ledger, for the `schema-chosen` note and the `inspect` command.
  public var runnerUp: LedgerScore?
  /// True when the caller named the ledger instead of letting recognition choose.
  public var ledgerWasNamed: Bool
  /// Title rows above the header (a single text, such as `2023年度…学时台账`).
  public var titleLines: [String]
  /// Agency, date and contact found above the header, in the titles or in the file name.
  public var metadata: SubmissionMetadata
  /// Findings about the header, in column order.
  public var notes: [RecognitionNote]

  /// True when a table was found.
  public var isRecognized: Bool { table != nil }
}

/// Finds the header of a ledger in the first rows of a sheet and picks the ledger that fits.
///
/// Every buffered row with at least two labels is a one-row candidate, and every pair of
/// adjacent rows a two-row candidate (see `LabelMatcher` for how parent and child labels
/// match). A candidate's header score is `0.5 × required share + 0.3 × cell share + 0.2 ×
/// field share`, where the required share is the matched required fields over all required
/// fields (all fields when none is required), the cell share the matched cells over the
/// non-blank header cells, and the field share the matched fields over all fields. A two-row
/// candidate wins only when it scores higher than every one-row candidate (a tie goes to the
/// one-row candidate, so a title or metadata row is never taken as a parent row). A
/// candidate qualifies when it matches at least two fields and scores at least
/// `RecognitionOptions.minimumScore`. Title rows, metadata lines and blank rows match nothing
/// and so are never chosen.
///
/// Cost: O(rows × columns) label look-ups over the bounded header buffer, plus O(ledgers) per
/// cell that some ledger's labels fit: every candidate cell is first looked up once in a matcher
/// over the fields of all ledgers, and only cells it matches are looked up per ledger (data rows
/// in the buffer, most of the candidates, match nothing). The matchers and the folded keywords
/// are built once, with the recognizer, so one recognizer should serve many sheets. Strings are
/// made for header-buffer cells only.
public struct TableRecognizer: Sendable {
  /// The candidate ledgers.
  public let ledgers: [LedgerLabels]
  /// Settings.
  public var options: RecognitionOptions
  /// One matcher per ledger, and one over the fields of all ledgers.
  private let matchers: [LabelMatcher]
  private let anyLedger: LabelMatcher
  /// Per ledger, its title and keywords folded (`HeaderLabel.fold`) as UTF-8, the empty ones left out.
  private let keywordBytes: [[[UInt8]]]

  /// Creates a recognizer for `ledgers`.
  public init(ledgers: [LedgerLabels], options: RecognitionOptions = RecognitionOptions()) {
    self.ledgers = ledgers
    self.options = options
    matchers = ledgers.map { LabelMatcher($0) }
    anyLedger = LabelMatcher(fields: ledgers.flatMap(\.fields))
    keywordBytes = ledgers.map { l in ([l.title] + l.keywords).map(HeaderLabel.fold).filter { !$0.isEmpty }.map { Array($0.utf8) } }
  }

  private struct Evaluation {
    var header: CandidateHeader
    var fieldOfCell: [Int?]
    var duplicates: [(cell: Int, field: Int, first: Int)]
    var matched: Int
    var score: Double
  }

  /// Recognises the table in `rows` (the first rows of a sheet, at most
  /// `options.headerScanRows` are looked at) with the sheet's merged ranges.
  ///
  /// - Parameter ledgerName: the ledger to use; nil lets recognition choose among all.
  public func recognize(rows: [Row], mergedRanges: [CellRange] = [], context: SheetContext = SheetContext(),
                        ledgerName: String? = nil) -> SheetRecognition {
    if let positional = positionalRecognition(rows: rows, ledgerName: ledgerName) { return positional }
    let scanned = Array(rows.prefix(options.headerScanRows))
    let grid = HeaderGrid(rows: scanned, mergedRanges: mergedRanges)
    var candidates: [CandidateHeader] = []
    for r in scanned where !r.isBlank || grid.width(row: r.index) > 0 {
      let single = grid.single(row: r.index)
      if single.cells.filter({ !$0.isBlank }).count >= 2 { candidates.append(single) }
      if grid.hasRow(r.index + 1), !(scanned.first { $0.index == r.index + 1 }?.isBlank ?? true) {
        candidates.append(grid.pair(row: r.index))
      }
    }
    var indices = Array(ledgers.indices)
    if let ledgerName { indices = indices.filter { ledgers[$0].name == ledgerName } }
    // Which cells of each candidate some ledger's labels fit; the others match no ledger.
    let fits: [[Bool]] = candidates.map { cand in
      cand.cells.map { cell in (cell.child.map { anyLedger.match(parent: cell.parent, child: $0) } ?? anyLedger.match(cell.parent)) != nil }
    }
    // The file and sheet names as keyword haystacks (the same for every ledger), and title rows by the header row they are above.
    var contextHaystacks: [[UInt8]] = []
    if let s = context.sheetName { contextHaystacks.append(Array(HeaderLabel.fold(s).utf8)) }
    if let f = context.fileName { contextHaystacks.append(Array(HeaderLabel.fold(MetadataParser.fileNameParts(f).joined()).utf8)) }
    var titleHaystacks: [Int: [[UInt8]]] = [:]

    var scores: [(LedgerScore, Evaluation?)] = []
    for li in indices {
      let matcher = matchers[li]
      var best: Evaluation?
      for (ci, cand) in candidates.enumerated() {
        let e = evaluate(cand, fits: fits[ci], ledger: ledgers[li], matcher: matcher)
        guard let b = best else { best = e; continue }
        // Higher score wins; on a tie the candidate with fewer rows wins, so a title or
        // metadata row above a one-row header is not read as a parent row.
        let fewerRows = e.header.lastRow - e.header.firstRow < b.header.lastRow - b.header.firstRow
        if e.score > b.score + 1e-9 || (e.score > b.score - 1e-9 && fewerRows) { best = e }
      }
      let titleRow = best?.header.firstRow ?? -1
      if titleHaystacks[titleRow] == nil {
        let titles = best.map { titleLines(grid, above: $0.header.firstRow) } ?? []
        titleHaystacks[titleRow] = titles.map { Array(HeaderLabel.fold($0).utf8) }
      }
      let hits = keywordHits(li, haystacks: titleHaystacks[titleRow]! + contextHaystacks)
      let hs = best?.score ?? 0
      let s = LedgerScore(ledgerIndex: li, ledgerName: ledgers[li].name, score: 0.75 * hs + 0.25 * Double(min(hits, 2)) / 2,
                          headerScore: hs, keywordHits: hits, matchedFields: best?.matched ?? 0)
      scores.append((s, best))
    }
    scores.sort { $0.0.score > $1.0.score }
    // A template marker: the marked ledger is taken as is when its header fits and no other
    // ledger's header fits clearly better; otherwise the content decides and the mismatch is noted.
    var markerNote: RecognitionNote?
    if let marker = context.marker {
      func qualifies(_ e: Evaluation?, _ li: Int) -> Bool {
        guard let e else { return false }
        return e.matched >= min(2, ledgers[li].fields.count) && e.score >= options.minimumScore
      }
      if let ledgerName {
        if ledgerName != marker.ledger {
          markerNote = RecognitionNote(code: RecognitionCode.templateMarkerMismatch, value: marker.ledger,
                                       params: ["declared": marker.ledger, "found": ledgerName, "reason": "named"])
        }
      } else if let k = scores.firstIndex(where: { ledgers[$0.0.ledgerIndex].name == marker.ledger }) {
        let declared = scores[k]
        let ok = qualifies(declared.1, declared.0.ledgerIndex)
        let better = scores.first { $0.0.ledgerIndex != declared.0.ledgerIndex && qualifies($0.1, $0.0.ledgerIndex)
          && $0.0.headerScore > declared.0.headerScore + 0.05 }
        if ok && better == nil {
          scores.remove(at: k)
          scores.insert(declared, at: 0)
          var params = ["ledger": marker.ledger, "version": marker.schemaVersion]
          if let a = marker.agency { params["agency"] = a }
          if let p = marker.period { params["period"] = p }
          markerNote = RecognitionNote(code: RecognitionCode.templateMarker, value: ledgers[declared.0.ledgerIndex].title,
                                       params: params)
        } else if let found = better ?? scores.first(where: { qualifies($0.1, $0.0.ledgerIndex) }) {
          markerNote = RecognitionNote(code: RecognitionCode.templateMarkerMismatch, value: marker.ledger,
                                       params: ["declared": marker.ledger, "declaredTitle": ledgers[declared.0.ledgerIndex].title,
                                                "found": found.0.ledgerName, "foundTitle": ledgers[found.0.ledgerIndex].title,
                                                "reason": "other-ledger"])
        }
      } else if let found = scores.first(where: { qualifies($0.1, $0.0.ledgerIndex) }) {
        markerNote = RecognitionNote(code: RecognitionCode.templateMarkerMismatch, value: marker.ledger,
                                     params: ["declared": marker.ledger, "found": found.0.ledgerName,
                                              "foundTitle": ledgers[found.0.ledgerIndex].title, "reason": "unknown-ledger"])
      }
    }
    var result = SheetRecognition(table: nil, best: scores.first?.0, runnerUp: scores.count > 1 ? scores[1].0 : nil,
                                  ledgerWasNamed: ledgerName != nil, titleLines: [], metadata: SubmissionMetadata(),
                                  notes: [])
    guard let (top, eval) = scores.first, let e = eval,
          e.matched >= min(2, ledgers[top.ledgerIndex].fields.count), e.score >= options.minimumScore else {
      var params = ["scannedRows": String(scanned.count)]
      if let ledgerName { params["ledger"] = ledgerName }
      if let top = scores.first {
        params["bestLedger"] = top.0.ledgerName
        params["bestScore"] = Self.format(top.0.score)
      }
      if let sheet = context.sheetName { params["sheet"] = sheet }
      result.titleLines = titleLines(grid, above: (scanned.last?.index ?? 0) + 1)
      result.metadata = metadata(grid, above: (scanned.last?.index ?? 0) + 1, titles: result.titleLines, context: context)
      result.notes.append(RecognitionNote(code: RecognitionCode.headerNotFound, params: params))
      return result
    }
    let ledger = ledgers[top.ledgerIndex]
    result.titleLines = titleLines(grid, above: e.header.firstRow)
    result.metadata = metadata(grid, above: e.header.firstRow, titles: result.titleLines, context: context)
    result.table = table(e, ledger: ledger, score: top, notes: &result.notes)
    if let marker = context.marker {
      if let a = marker.agency {
        result.metadata.agency = a
        result.metadata.agencySource = .templateMarker
      }
      result.metadata.period = marker.period
    }
    if let markerNote {
      var note = markerNote
      note.row = e.header.firstRow
      result.notes.insert(note, at: 0)
    } else if ledgerName == nil {
      var params = ["ledger": ledger.name, "score": Self.format(top.score)]
      if let r = result.runnerUp {
        params["runnerUp"] = r.ledgerName
        params["runnerUpScore"] = Self.format(r.score)
      }
      result.notes.insert(RecognitionNote(code: RecognitionCode.schemaChosen, row: e.header.firstRow,
                                          value: ledger.title, params: params), at: 0)
    }
    return result
  }

  /// Scores `cand` for one ledger; `fits[i]` is false when no ledger's labels fit cell `i`.
  private func evaluate(_ cand: CandidateHeader, fits: [Bool], ledger: LedgerLabels, matcher: LabelMatcher) -> Evaluation {
    var fieldOfCell: [Int?] = []
    var firstColumnOfField: [Int: Int] = [:]
    var duplicates: [(Int, Int, Int)] = []
    var nonBlank = 0
    var matchedCells = 0
    fieldOfCell.reserveCapacity(cand.cells.count)
    for (i, cell) in cand.cells.enumerated() {
      if !cell.isBlank { nonBlank += 1 }
      guard fits[i] else { fieldOfCell.append(nil); continue }
      let f = cell.child.map { matcher.match(parent: cell.parent, child: $0) } ?? matcher.match(cell.parent)
      guard let f else { fieldOfCell.append(nil); continue }
      if let first = firstColumnOfField[f] {
        duplicates.append((i, f, first))
        fieldOfCell.append(nil)
      } else {
        firstColumnOfField[f] = cell.column
        fieldOfCell.append(f)
        matchedCells += 1
      }
    }
    let fields = max(1, ledger.fields.count)
    let required = ledger.fields.indices.filter { ledger.fields[$0].required }
    let requiredShare = required.isEmpty
      ? Double(firstColumnOfField.count) / Double(fields)
      : Double(required.filter { firstColumnOfField[$0] != nil }.count) / Double(required.count)
    let cellShare = nonBlank == 0 ? 0 : Double(matchedCells) / Double(nonBlank)
    let fieldShare = Double(firstColumnOfField.count) / Double(fields)
    return Evaluation(header: cand, fieldOfCell: fieldOfCell, duplicates: duplicates, matched: firstColumnOfField.count,
                      score: 0.5 * requiredShare + 0.3 * cellShare + 0.2 * fieldShare)
  }

  private func table(_ e: Evaluation, ledger: LedgerLabels, score: LedgerScore,
                     notes: inout [RecognitionNote]) -> RecognizedTable {
    let cells = e.header.cells
    let first = cells.firstIndex { !$0.isBlank } ?? 0
    let last = cells.lastIndex { !$0.isBlank } ?? -1
    var columns: [ColumnLabel] = []
    var fieldColumns = [Int?](repeating: nil, count: ledger.fields.count)
    let labelRow = e.header.lastRow
    var duplicateOf: [Int: (Int, Int)] = [:]
    for d in e.duplicates { duplicateOf[d.cell] = (d.field, d.first) }
    if first <= last {
      for i in first...last {
        let cell = cells[i]
        let f = e.fieldOfCell[i]
        columns.append(ColumnLabel(column: cell.column, text: cell.text, unit: cell.unit, field: f))
        if let f {
          fieldColumns[f] = cell.column
        } else if let (f, firstColumn) = duplicateOf[i] {
          notes.append(RecognitionNote(code: RecognitionCode.duplicateLabel, row: labelRow, column: cell.column,
                                       value: cell.text, params: ["field": ledger.fields[f].name,
                                                                  "firstColumn": CellAddress.columnName(firstColumn)]))
        } else if cell.isBlank {
          notes.append(RecognitionNote(code: RecognitionCode.blankLabel, row: labelRow, column: cell.column))
        } else {
          notes.append(RecognitionNote(code: RecognitionCode.extraLabel, row: labelRow, column: cell.column,
                                       value: cell.text))
        }
      }
    }
    for (i, f) in ledger.fields.enumerated() where fieldColumns[i] == nil {
      notes.append(RecognitionNote(code: RecognitionCode.missingLabel, row: e.header.firstRow, value: f.title,
                                   params: ["field": f.name, "title": f.title, "required": f.required ? "true" : "false"]))
    }
    return RecognizedTable(ledger: ledger, ledgerIndex: score.ledgerIndex, headerRows: e.header.firstRow...e.header.lastRow,
                           columns: columns, fieldColumns: fieldColumns, score: score)
  }

  /// Frictionless's header for a plain Table Schema (`LedgerLabels.positional`): the sheet's first
  /// row, fields by position, label findings as `frictionless validate` reports them — extra labels
  /// past the fields, missing labels past the labels, then per position a blank, duplicate or
  /// incorrect label. Each label finding carries `fieldName` and `fieldNumber` (1-based position).
  /// Nil when the ledger is not positional or the first row names none of its fields (the
  /// header is then searched for as usual: title rows above a header are common in submissions).
  private func positionalRecognition(rows: [Row], ledgerName: String?) -> SheetRecognition? {
    let candidates = ledgers.indices.filter { ledgerName == nil || ledgers[$0].name == ledgerName }
    guard candidates.count == 1, ledgers[candidates[0]].positional, let first = rows.first, first.index == 0 else { return nil }
    let li = candidates[0]
    let ledger = ledgers[li]
    var labels = [String](repeating: "", count: first.width)
    for (k, c) in first.cells.enumerated() where Int(c.column) < labels.count { labels[Int(c.column)] = first.text(k) }
    guard labels.contains(where: { l in ledger.fields.contains { $0.name == l } }) else { return nil }
    var notes: [RecognitionNote] = []
    func note(_ code: RecognitionCode, _ i: Int, _ fieldName: String, value: String?, _ extra: [String: String] = [:]) {
      var params = extra
      params["fieldName"] = fieldName
      params["fieldNumber"] = String(i + 1)
      notes.append(RecognitionNote(code: code, row: 0, column: i < labels.count ? i : nil, value: value, params: params))
    }
    for i in ledger.fields.count..<max(ledger.fields.count, labels.count) {
      note(.extraLabel, i, "", value: labels[i])
    }
    for i in labels.count..<max(labels.count, ledger.fields.count) {
      let f = ledger.fields[i]
      note(.missingLabel, i, f.name, value: f.title, ["field": f.name, "title": f.title, "required": f.required ? "true" : "false"])
    }
    for i in 0..<min(labels.count, ledger.fields.count) {
      let label = labels[i], field = ledger.fields[i]
      if label.isEmpty {
        note(.blankLabel, i, field.name, value: nil)
      } else if let earlier = labels[..<i].firstIndex(of: label) {
        note(.duplicateLabel, i, field.name, value: label, ["field": field.name, "firstColumn": CellAddress.columnName(earlier)])
      } else if label != field.name {
        note(.incorrectLabel, i, field.name, value: label, ["field": field.name])
      }
    }
    var columns: [ColumnLabel] = []
    for i in labels.indices { columns.append(ColumnLabel(column: i, text: labels[i], unit: nil, field: i < ledger.fields.count ? i : nil)) }
    let fieldColumns: [Int?] = ledger.fields.indices.map { $0 < labels.count ? $0 : nil }
    let score = LedgerScore(ledgerIndex: li, ledgerName: ledger.name, score: 1, headerScore: 1, keywordHits: 0,
                            matchedFields: fieldColumns.compactMap { $0 }.count)
    let table = RecognizedTable(ledger: ledger, ledgerIndex: li, headerRows: 0...0, columns: columns,
                                fieldColumns: fieldColumns, score: score)
    return SheetRecognition(table: table, best: score, runnerUp: nil, ledgerWasNamed: ledgerName != nil, titleLines: [],
                            metadata: SubmissionMetadata(), notes: notes)
  }

  /// Rows above `row` that hold one text and no `key：value` pair.
  private func titleLines(_ grid: HeaderGrid, above row: Int) -> [String] {
    var out: [String] = []
    for r in grid.rows where r.index < row {
      let texts = grid.distinctTexts(row: r.index)
      if texts.count == 1, MetadataParser.entries(in: texts[0], row: r.index, column: 0).isEmpty { out.append(texts[0]) }
    }
    return out
  }

  private func metadata(_ grid: HeaderGrid, above row: Int, titles: [String], context: SheetContext) -> SubmissionMetadata {
    var m = SubmissionMetadata()
    for r in grid.rows where r.index < row {
      for i in r.cells.indices where r.cells[i].kind == .string {
        m.add(MetadataParser.entries(in: r.text(i), row: r.index, column: Int(r.cells[i].column)), fromFooter: false)
      }
    }
    MetadataParser.completeAgency(&m, titles: titles, context: context)
    return m
  }

  /// How many of ledger `li`'s title and keywords (folded) occur in the folded `haystacks` (title rows,
  /// sheet name, file name). Compared as UTF-8 bytes: a match of one valid string inside another
  /// starts and ends on scalar boundaries.
  private func keywordHits(_ li: Int, haystacks: [[UInt8]]) -> Int {
    var hits = 0
    for k in keywordBytes[li] where haystacks.contains(where: { Self.contains($0, k) }) { hits += 1 }
    return hits
  }

  /// True when `needle` (non-empty) occurs in `hay`.
  static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
    let n = needle.count
    guard n > 0, hay.count >= n else { return n == 0 }
    let first = needle[0]
    var i = 0
    while i <= hay.count - n {
      if hay[i] == first {
        var j = 1
        while j < n && hay[i + j] == needle[j] { j += 1 }
        if j == n { return true }
      }
      i += 1
    }
    return false
  }

  static func format(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    return String(r)
  }
}
