import Diagnostics
import Foundation
@testable import Reports
import Tabular
import Validation

/// A small training-hours sheet and its findings, shared by the report tests.
enum ReportFixtures {
  /// Rows handed out one by one, as a reader would.
  struct ArraySource: RowSource {
    var rows: [Row]
    var next = 0
    mutating func nextRow(into row: inout Row) throws -> Bool {
      guard next < rows.count else { return false }
      row = rows[next]
      next += 1
      return true
    }
  }

  static let sheet = "培训学时台账"

  /// Title (merged A1:E1), header, three officers; row 4's 职务 (C4) is empty.
  static func rows() -> [Row] {
    func make(_ index: Int, _ cells: [(Int, CellKind, String)]) -> Row {
      var r = Row()
      r.index = index
      for (c, k, t) in cells { r.append(column: c, kind: k, number: k == .number ? Double(t) ?? 0 : 0, string: t) }
      return r
    }
    return [
      make(0, [(0, .string, "执法人员培训学时台账")]),
      make(1, [(0, .string, "姓名"), (1, .string, "单位"), (2, .string, "职务"), (3, .string, "公共法律知识学时"),
               (4, .string, "身份证号")]),
      make(2, [(0, .string, "王伟"), (1, .string, "乌审旗司法局"), (2, .string, "科员"), (3, .number, "32.50"),
               (4, .number, "1.50626198703152E+17")]),
      make(3, [(0, .string, "张敏"), (1, .string, "乌审旗司法局"), (3, .number, "28"), (4, .string, "150626198506192263")]),
      make(4, [(0, .string, "<script>alert(1)</script>"), (1, .string, "乌审旗司法局"), (2, .string, "科长"),
               (3, .number, "40"), (4, .string, "15062619900101101X")]),
    ]
  }

  static func table() -> TableReport {
    var c = DiagnosticCollector()
    func loc(_ row: Int?, _ col: Int?) -> SourceLocation { SourceLocation(file: "培训.xlsx", sheet: sheet, row: row, column: col) }
    c.add(Diagnostic(code: .numberLostPrecision, severity: .error, location: loc(2, 4), field: "身份证号",
                     value: "1.50626198703152E+17"))
    c.add(Diagnostic(code: .constraintError, severity: .warning, location: loc(3, 2), field: "职务",
                     parameters: [DiagnosticParameter("constraint", "required")]))
    c.add(Diagnostic(code: .rowConstraint, severity: .policy, location: loc(3, 3), field: "公共法律知识学时",
                     value: "公共法律知识学时=28", parameters: [DiagnosticParameter("message", "第4行：公共法律知识培训不少于30学时")]))
    c.add(Diagnostic(code: .formatError, severity: .error, location: loc(3, 4), field: "身份证号", value: "150626198506192263",
                     parameters: [DiagnosticParameter("format", "id-card")]))
    c.add(Diagnostic(code: .typeError, severity: .error, location: loc(4, 0), field: "姓名",
                     value: "<script>alert(1)</script>", parameters: [DiagnosticParameter("expected", "person-name")]))
    c.add(Diagnostic(code: .missingLabel, severity: .error, location: loc(1, nil), field: "培训日期", value: "培训日期"))
    c.add(Diagnostic(code: .schemaChosen, severity: .info, location: loc(1, nil), value: "执法人员培训学时台账"))
    var stats = ValidationStats()
    stats.rows = 3; stats.validRows = 1; stats.errors = 4; stats.warnings = 1; stats.policyFindings = 1; stats.infos = 1
    return TableReport(file: "培训.xlsx", sheet: sheet, schema: "training-hours", stats: stats, collector: c)
  }

  static func submission() -> SubmissionReport {
    SubmissionReport(file: "乌审旗司法局_培训<台账>.xlsx", tables: [table()],
                     ledgerTitles: ["training-hours": "执法人员培训学时台账"],
                     checkedAt: Date(timeIntervalSince1970: 1_690_248_600))
  }

  static func sourceSheet() -> SourceSheet {
    SourceSheet(name: sheet, findingsSheet: sheet, headerRows: 2,
                mergedRanges: [CellRange("A1:E1")!]) { ArraySource(rows: rows()) }
  }

  static func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "sheetgate-reports-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }
}
