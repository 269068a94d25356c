import Diagnostics
import Foundation
import Schema
import Tabular
@testable import Validation
import XCTest

/// One cell of a test row.
enum TestCell {
  case text(String)
  case number(Double, String)
  case date(Double)
}

/// The training-hours ledger as filers lay it out (gen_ledger.py's column order).
enum Ledger {
  static let headers = ["序号", "姓名", "单位", "执法证号", "身份证号", "职务", "公共法律知识学时", "行业法律知识学时",
                        "合计学时", "培训方式", "培训日期", "备注"]
  /// Schema field order: seq, agency, name, cert_number, id_number, role, public, industry, total, method, trained_on, note.
  static let mapping: [Int?] = [0, 2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11]

  static let schema: TableSchema = try! BuiltinSchemas.load(named: "training-hours")

  static let roster = AgencyRoster(entries: [
    .init(name: "乌审旗市场监督管理局", shortName: "乌审旗市场监管局"),
    .init(name: "乌审旗综合行政执法局"),
    .init(name: "伊金霍洛旗生态环境局"),
  ])

  static let today = LocalDate(year: 2024, month: 6, day: 1)!

  /// An 18-character ID number with a valid check digit for `first17`.
  static func idNumber(_ first17: String) -> String {
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let digits = first17.compactMap { $0.wholeNumberValue }
    let sum = zip(digits, w).reduce(0) { $0 + $1.0 * $1.1 }
    return first17 + String(Array("10X98765432")[sum % 11])
  }

  /// A valid row: 40 + 30 = 70 hours, 集中轮训, 2023-07-13.
  static func cells(seq: Int = 1, name: String = "王伟", agency: String = "乌审旗市场监督管理局",
                    cert: String? = nil, id: String? = nil, role: String = "科员",
                    pub: TestCell = .number(40, "40"), ind: TestCell = .number(30, "30"),
                    total: TestCell = .number(70, "70"), method: String = "集中轮训",
                    date: TestCell = .date(45120), note: String? = nil) -> [Int: TestCell] {
    let s3 = String(format: "%03d", seq % 1000)
    var c: [Int: TestCell] = [
      0: .number(Double(seq), String(seq)), 1: .text(name), 2: .text(agency),
      3: .text(cert ?? "15062619000" + s3),
      4: .text(id ?? idNumber("15062619900101" + s3)), 5: .text(role),
      6: pub, 7: ind, 8: total, 9: .text(method), 10: date,
    ]
    if let note { c[11] = .text(note) }
    return c
  }

  static func row(_ index: Int, _ cells: [Int: TestCell]) -> Row {
    var r = Row()
    r.index = index
    for col in cells.keys.sorted() {
      switch cells[col]! {
      case .text(let s): r.append(column: col, kind: .string, string: s)
      case .number(let v, let s): r.append(column: col, kind: .number, number: v, string: s)
      case .date(let serial): r.append(column: col, kind: .date, number: serial, string: "")
      }
    }
    return r
  }

  static func context() -> ValidationContext {
    ValidationContext(file: "乌审旗市场监督管理局.xlsx", sheet: "培训学时台账", roster: roster, today: today)
  }

  /// Validates rows (sheet rows from index 1, after the header) and returns the report.
  static func validate(_ rows: [[Int: TestCell]], schema: TableSchema = Ledger.schema, mapping: [Int?] = Ledger.mapping,
                       limit: Int = 1000, firstIndex: Int = 1,
                       configure: (inout ValidationContext) -> Void = { _ in }) -> ValidationReport {
    var context = context()
    configure(&context)
    let v = Validator(schema: schema, mapping: mapping, context: context)
    var collector = DiagnosticCollector(limit: limit)
    for (i, cells) in rows.enumerated() { v.validate(row: row(firstIndex + i, cells), into: &collector) }
    let stats = v.finish(into: &collector)
    return ValidationReport(tables: [TableReport(file: context.file, sheet: context.sheet, schema: schema.name,
                                                 stats: stats, collector: collector)])
  }
}

extension ValidationReport {
  /// The kept diagnostics.
  var all: [Diagnostic] { tables.flatMap(\.diagnostics) }
}
