import Diagnostics
import Intake
import Recognition
import Schema
import Tabular

/// Loads the agency roster (本级行政执法部门名单) from an .xlsx or .csv submission: its header is
/// recognised like any ledger's (`单位名称`, `简称`, `统一社会信用代码` and their aliases).
public enum RosterLoader {
  /// A roster and what validating it against the `agency-roster` schema found.
  public struct Checked: Sendable {
    public var roster: AgencyRoster
    /// The number of findings of severity `error` (bad 统一社会信用代码, repeated names or codes…).
    public var errorCount: Int
    /// The error findings kept, in sheet order (row, then column).
    public var errors: [Diagnostic]
  }

  /// Loads the roster and validates it like any submitted ledger (schema `agency-roster`: the
  /// GB 32100 check character of 统一社会信用代码, repeated 单位名称 or codes). A roster with
  /// errors is still returned: the caller says so and uses it.
  /// - Throws: ``InputProblem`` when the file cannot be read; ``UsageProblem`` when it holds no roster table.
  public static func loadChecked(path: String) throws -> Checked {
    let roster = try load(path: path)
    let schema = try BuiltinSchemas.load(named: "agency-roster")
    let result = try ValidateJob(options: .init(schema: schema)).run(path: path)
    var errors: [Diagnostic] = []
    var count = 0
    for t in result.tables {
      count += t.stats.errors
      errors += t.diagnostics.filter { $0.severity == .error }
    }
    errors.sort { ($0.location.row ?? -1, $0.location.column ?? -1) < ($1.location.row ?? -1, $1.location.column ?? -1) }
    return Checked(roster: roster, errorCount: count, errors: errors)
  }

  public static func load(path: String) throws -> AgencyRoster {
    let schema = try BuiltinSchemas.load(named: "agency-roster")
    let opened = try OpenedFile.open(path: path)
    var collector = FirstTable()
    try opened.walkTables(try Ledgers(schema: schema), visitor: &collector)
    guard let table = collector.fieldColumns else {
      throw UsageProblem(message: "\(path): no roster table found (expected columns 单位名称, 简称, 统一社会信用代码).",
                         messageZH: "\(path)：未找到部门名单表（应包含“单位名称、简称、统一社会信用代码”列）。")
    }
    return AgencyRoster(rows: collector.rows, nameColumn: table[0] ?? 0, shortNameColumn: table.count > 1 ? table[1] : nil,
                        creditCodeColumn: table.count > 2 ? table[2] : nil)
  }

  /// Keeps the rows of the first recognised table (a roster is small: a few hundred rows).
  private struct FirstTable: TableVisitor {
    var rows: [Row] = []
    var fieldColumns: [Int?]?

    mutating func visit<Rows: RowSource>(_ t: inout TableInput<Rows>) throws -> Bool {
      var row = Row()
      while try t.reader.nextRow(into: &row) { rows.append(row) }
      fieldColumns = t.fieldColumns
      return false
    }
  }
}
