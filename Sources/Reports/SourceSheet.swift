import Tabular

/// One sheet of a submission to copy into the annotated workbook, opened only when its turn comes.
///
/// Reports do not read files themselves; the pipeline, which knows how to sniff and open a
/// submission, describes each sheet with one of these.
///
/// ```swift
/// let sheet = SourceSheet(name: "培训学时台账", findingsSheet: "培训学时台账", headerRows: 4,
///                         mergedRanges: reader.mergedRanges) { try workbook.sheetReader(for: info) }
/// ```
public struct SourceSheet {
  /// The sheet's name in the submission (for a CSV file, a name made from the file name).
  public var name: String
  /// The `location.sheet` of this sheet's findings: the sheet name, or nil for a CSV file.
  public var findingsSheet: String?
  /// True when the submission hides the sheet; the copy is hidden too.
  public var isHidden: Bool
  /// Rows above and including the table header, frozen in the copy (0 when no table was recognised).
  public var headerRows: Int
  /// The sheet's merged ranges, re-created in the copy.
  public var mergedRanges: [CellRange]
  /// Opens the sheet's rows for one streaming pass.
  public var open: () throws -> any RowSource

  /// Describes a sheet; nothing is read until ``open`` is called.
  public init(name: String, findingsSheet: String?, isHidden: Bool = false, headerRows: Int = 0,
              mergedRanges: [CellRange] = [], open: @escaping () throws -> any RowSource) {
    self.name = name
    self.findingsSheet = findingsSheet
    self.isHidden = isHidden
    self.headerRows = headerRows
    self.mergedRanges = mergedRanges
    self.open = open
  }
}

/// The findings of one submission indexed by (sheet, row), so that styling a data row while it
/// streams past is one dictionary lookup.
///
/// - Complexity: building is O(n) in the kept findings; ``findings(sheet:row:)`` is O(1).
///   Memory is one array index per finding plus one key per flagged row.
struct FindingIndex {
  struct Key: Hashable {
    var sheet: String?
    var row: Int
  }

  private var byRow: [Key: [Int]] = [:]

  /// Indexes the findings that point at a cell (row and column known) and whose severity is
  /// above information; `findings[i]` is addressed by the returned indices.
  init(_ findings: [ReportFinding]) {
    for (i, f) in findings.enumerated() where f.diagnostic.severity > .info {
      guard let r = f.diagnostic.location.row, f.diagnostic.location.column != nil else { continue }
      byRow[Key(sheet: f.sheet, row: r), default: []].append(i)
    }
  }

  /// Indices of the cell findings on `row` (zero-based) of `sheet`.
  func findings(sheet: String?, row: Int) -> [Int] {
    byRow[Key(sheet: sheet, row: row)] ?? []
  }

  /// True when no finding points at a cell.
  var isEmpty: Bool { byRow.isEmpty }
}
