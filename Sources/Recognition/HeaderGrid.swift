import Tabular

/// One header cell of a candidate header: its raw text and its normalised parts.
struct CandidateCell {
  var column: Int
  /// The upper (or only) row's text as shown, and the lower row's for a two-row candidate.
  var parentText: String
  var childText: String
  var parent: HeaderLabel
  /// The lower row's label for a two-row candidate (nil for one-row candidates).
  var child: HeaderLabel?

  /// The text as shown: `培训学时/公共法律知识` for a two-row label, else the one cell's text. Made on
  /// demand: only the chosen header's cells need it.
  var text: String {
    guard child != nil else { return parentText }
    let p = parentText, ch = childText
    return p.isEmpty ? ch : (ch.isEmpty || ch == p ? p : p + "/" + ch)
  }
  var isBlank: Bool { parent.isEmpty && (child?.isEmpty ?? true) }
  var unit: String? { child?.unit ?? parent.unit }
}

/// A candidate header: one row, or two adjacent rows read as parent and child labels.
struct CandidateHeader {
  var firstRow: Int
  var lastRow: Int
  var cells: [CandidateCell]
}

/// The first rows of a sheet with their merged ranges, read as text for header finding.
///
/// Only header-finding uses this: it holds at most `RecognitionOptions.headerScanRows` rows and
/// the merged ranges that touch them, and makes Strings of their cells. Each row's shown texts and
/// their labels are made once, when the grid is built, and shared by the one-row candidate of the
/// row and the two-row candidates it is part of.
struct HeaderGrid {
  let rows: [Row]
  let merges: [CellRange]
  private var positionOfRow: [Int: Int] = [:]
  /// By position in `rows`: the shown text and its label of each column below `width(row:)`, and
  /// whether the cell is covered by a merge that starts in a row above.
  private var shown: [[String]] = []
  private var labels: [[HeaderLabel]] = []
  private var coveredFromAbove: [[Bool]] = []

  init(rows: [Row], mergedRanges: [CellRange]) {
    self.rows = rows
    let lo = rows.first?.index ?? 0
    let hi = rows.last?.index ?? -1
    merges = mergedRanges.filter { $0.last.row >= lo && $0.first.row <= hi && ($0.rowCount > 1 || $0.columnCount > 1) }
    for (p, r) in rows.enumerated() where positionOfRow[r.index] == nil { positionOfRow[r.index] = p }
    for r in rows {
      let w = width(row: r.index)
      var texts: [String] = [], ls: [HeaderLabel] = [], covered: [Bool] = []
      texts.reserveCapacity(w); ls.reserveCapacity(w); covered.reserveCapacity(w)
      for c in 0..<w {
        let t = shownText(row: r.index, column: c)
        texts.append(t)
        ls.append(HeaderLabel(t))
        covered.append(merge(row: r.index, column: c).map { $0.first.row < r.index } ?? false)
      }
      shown.append(texts); labels.append(ls); coveredFromAbove.append(covered)
    }
  }

  /// The shown text and label at (`row`, `column`), from the cache (blank past the row's width).
  private func cached(row: Int, column: Int) -> (text: String, label: HeaderLabel, coveredFromAbove: Bool) {
    guard let p = positionOfRow[row], column < shown[p].count else { return ("", HeaderLabel(""), false) }
    return (shown[p][column], labels[p][column], coveredFromAbove[p][column])
  }

  /// The trimmed text of the cell at (`row`, `column`) as stored, ignoring merges.
  func storedText(row: Int, column: Int) -> String {
    guard let p = positionOfRow[row], let i = rows[p].cellIndex(column: column) else { return "" }
    let c = rows[p].cells[i]
    if c.kind == .empty { return "" }
    return Self.trimmed(rows[p].text(i))
  }

  /// The merged range covering (`row`, `column`), if any.
  func merge(row: Int, column: Int) -> CellRange? {
    let a = CellAddress(row: row, column: column)
    return merges.first { $0.contains(a) }
  }

  /// The text shown at (`row`, `column`): a covered cell of a merge shows its top-left text.
  func shownText(row: Int, column: Int) -> String {
    let own = storedText(row: row, column: column)
    if !own.isEmpty { return own }
    if let m = merge(row: row, column: column), m.first != CellAddress(row: row, column: column) {
      return storedText(row: m.first.row, column: m.first.column)
    }
    return ""
  }

  /// The width to scan for row `row`: its last cell or the last column of a merge in it.
  func width(row: Int) -> Int {
    var w = positionOfRow[row].map { rows[$0].width } ?? 0
    for m in merges where m.first.row <= row && m.last.row >= row { w = max(w, m.last.column + 1) }
    return min(w, CellAddress.maxColumns)
  }

  func hasRow(_ row: Int) -> Bool { positionOfRow[row] != nil }

  /// The one-row candidate at `row`.
  func single(row: Int) -> CandidateHeader {
    var cells: [CandidateCell] = []
    for c in 0..<width(row: row) {
      let (t, label, _) = cached(row: row, column: c)
      cells.append(CandidateCell(column: c, parentText: t, childText: "", parent: label, child: nil))
    }
    return CandidateHeader(firstRow: row, lastRow: row, cells: cells)
  }

  /// The two-row candidate at `row` and `row + 1`.
  ///
  /// A child cell covered by a merge that starts in the parent row (a vertical merge such as
  /// `A3:A4`) is blank: the label is the parent's. Without merges (CSV, or a template whose
  /// group title was typed once), a blank parent above a child inherits the nearest parent to
  /// its left when every column from there on has a child: `培训学时 | ∅ | ∅` over
  /// `公共 | 行业 | 合计` reads as three `培训学时/…` labels.
  func pair(row: Int) -> CandidateHeader {
    let lower = row + 1
    let w = max(width(row: row), width(row: lower))
    let blank = HeaderLabel("")
    var cells: [CandidateCell] = []
    cells.reserveCapacity(w)
    // The column whose parent a blank parent inherits (see above), or nil.
    var groupColumn: Int?
    for c in 0..<w {
      let (p, pLabel, _) = cached(row: row, column: c)
      var (ch, chLabel, covered) = cached(row: lower, column: c)
      if covered { (ch, chLabel) = ("", blank) }
      var cell = CandidateCell(column: c, parentText: p, childText: ch, parent: pLabel, child: chLabel)
      if !p.isEmpty {
        groupColumn = ch.isEmpty ? nil : c
      } else if ch.isEmpty {
        groupColumn = nil
      } else if let g = groupColumn {
        cell.parentText = cells[g].parentText
        cell.parent = cells[g].parent
      }
      cells.append(cell)
    }
    return CandidateHeader(firstRow: row, lastRow: lower, cells: cells)
  }

  /// The distinct non-blank texts of row `row`, left to right (a merged title counts once).
  func distinctTexts(row: Int) -> [String] {
    guard let p = positionOfRow[row] else { return [] }
    var out: [String] = []
    for i in rows[p].cells.indices where rows[p].cells[i].kind != .empty {
      let t = Self.trimmed(rows[p].text(i))
      if !t.isEmpty, !out.contains(t) { out.append(t) }
    }
    return out
  }

  /// Trims whitespace including U+3000 at both ends.
  static func trimmed(_ s: String) -> String {
    var u = Substring(s)
    while let f = u.unicodeScalars.first, f.properties.isWhitespace { u = Substring(u.unicodeScalars.dropFirst()) }
    while let l = u.unicodeScalars.last, l.properties.isWhitespace { u = Substring(u.unicodeScalars.dropLast()) }
    return String(u)
  }
}
