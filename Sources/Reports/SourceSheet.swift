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

/// The findings of one submission indexed by sheet, then row, so that styling a data row while it
/// streams past is one lookup by its number.
///
/// - Complexity: building is O(n) in the kept findings; ``rows(sheet:)`` is O(1), and so is each row's lookup in it.
///   Memory is one array index per finding plus one key per flagged row and per sheet.
struct FindingIndex {
  /// Sheet → row → indices into the findings.
  private var bySheet: [String?: [Int: [Int]]] = [:]

  /// Indexes the findings that point at a cell (row and column known) and whose severity is
  /// above information; `findings[i]` is addressed by the returned indices.
  init(_ findings: [ReportFinding]) {
    for (i, f) in findings.enumerated() where f.diagnostic.severity > .info {
      guard let r = f.diagnostic.location.row, f.diagnostic.location.column != nil else { continue }
      bySheet[f.sheet, default: [:]][r, default: []].append(i)
    }
  }

  /// The cell findings of `sheet` by zero-based row: a sheet's copy looks its rows up here, without
  /// hashing the sheet's name for every row.
  func rows(sheet: String?) -> [Int: [Int]] {
    bySheet[sheet] ?? [:]
  }

  /// True when no finding points at a cell.
  var isEmpty: Bool { bySheet.isEmpty }
}
