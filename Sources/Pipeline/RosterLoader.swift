import Intake
import Recognition
import Schema
import Tabular

/// Loads the agency roster (本级行政执法部门名单) from an .xlsx or .csv submission: its header is
/// recognised like any ledger's (`单位名称`, `简称`, `统一社会信用代码` and their aliases).
public enum RosterLoader {
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
