import Schema

/// One cell of consolidated output, typed just enough for a spreadsheet or CSV writer.
public enum MergeCell: Sendable, Hashable {
  /// Text.
  case text(String)
  /// A number as exact decimal text (`"32.5"`), written verbatim.
  case number(String)
  /// A calendar date.
  case date(LocalDate)
  /// No value.
  case empty

  /// The cell as plain text (ISO dates, decimals as given), for CSV and comparisons.
  public var text: String {
    switch self {
    case .text(let s), .number(let s): return s
    case .date(let d): return d.description
    case .empty: return ""
    }
  }
}

/// What a sheet of consolidated output holds; sinks that write one table only (CSV) keep `.ledger` sheets.
public enum MergeSheetKind: Sendable, Hashable {
  /// Consolidated rows of one ledger (`schemaName` names it).
  case ledger(schemaName: String)
  /// `汇总`: per-agency counts and totals.
  case summary
  /// `未报送单位`: roster agencies with no valid submission.
  case notSubmitted
  /// `问题文件`: what was left out and why.
  case problems
}

/// Where consolidated output goes: the merge does not know whether it writes XLSX or CSV (ARCHITECTURE.md).
///
/// Calls come as `beginSheet`, any number of `write(cells:)`, `endSheet`, repeated; `finish` commits
/// (atomically, for file sinks) and `discard` abandons the output, leaving any previous file untouched.
public protocol MergeSink: AnyObject {
  /// Starts a sheet (or a table) with its header row.
  func beginSheet(name: String, kind: MergeSheetKind, header: [String]) throws
  /// Appends one row.
  func write(cells: [MergeCell]) throws
  /// Ends the current sheet.
  func endSheet() throws
  /// Commits the output.
  func finish() throws
  /// Abandons the output (after an error); the previous output stays as it was.
  func discard()
}
