import CSV
import Recognition
import Schema
import Tabular

/// Loads the agency roster (本级行政执法部门名单) from an .xlsx or .csv submission: its header is
/// recognised like any ledger's (`单位名称`, `简称`, `统一社会信用代码` and their aliases).
public enum RosterLoader {
  public static func load(path: String) throws -> AgencyRoster {
    let schema = try BuiltinSchemas.load(named: "agency-roster")
    let job = try ValidateJob(options: .init(schema: schema))
    let rows = try job.collectRows(path: path)
    guard let table = rows.table else {
      throw UsageProblem(message: "\(path): no roster table found (expected columns 单位名称, 简称, 统一社会信用代码).",
                         messageZH: "\(path)：未找到部门名单表（应包含“单位名称、简称、统一社会信用代码”列）。")
    }
    return AgencyRoster(rows: rows.rows, nameColumn: table[0] ?? 0, shortNameColumn: table.count > 1 ? table[1] : nil,
                        creditCodeColumn: table.count > 2 ? table[2] : nil)
  }
}

extension ValidateJob {
  /// The data rows of the first recognised table in `path` (materialised: for small lookup lists
  /// such as the roster) and its field → sheet-column mapping.
  func collectRows(path: String) throws -> (rows: [Row], table: [Int?]?) {
    let opened = try OpenedFile.open(path: path)
    let name = lastPathComponent(path)
    func drain<S: RowSource>(_ source: S, merged: [CellRange], sheet: String?) throws -> (rows: [Row], table: [Int?]?)? {
      var reader = try TableReader(source: source, recognizer: recognizer, context: SheetContext(fileName: name, sheetName: sheet),
                                   mergedRanges: merged, ledgerName: options.schema?.name)
      guard reader.isRecognized, let t = reader.recognition.table else { return nil }
      var rows: [Row] = []
      var row = Row()
      while try reader.nextRow(into: &row) { rows.append(row) }
      return (rows, t.fieldColumns)
    }
    do {
      switch opened {
      case .workbook(let wb):
        for info in wb.sheets {
          let r = try wb.sheetReader(for: info)
          if let found = try drain(r, merged: r.mergedRanges, sheet: info.name) { return found }
        }
      case .csv(let p, let o):
        if let found = try drain(try CSVRowReader(path: p, options: o), merged: [], sheet: nil) { return found }
      }
    } catch let e as InputProblem { throw e } catch { throw InputProblem(error, file: path) }
    return ([], nil)
  }
}
