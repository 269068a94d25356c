import Diagnostics
import Schema
import Tabular
@testable import Validation
import XCTest

final class ValidationCellTests: XCTestCase {
  func testEveryIDCardReasonOfTheFastCheckIsTheFullChecksReason() {
    // The fast path hands an ID number's problem over as a case; its slug must be the reason the
    // full check (`IDCard.validate`) gives for the same number.
    let today = LocalDate(year: 2024, month: 6, day: 1)!
    let samples = ["150624198001010010", "15062419800101001A", "990624198001010011", "150624198013010014",
                   "150624203001010013", "1506241980010100", "1506241980010100XX"]
    var seen = Set<String>()
    for id in samples {
      guard let problem = Array(id.utf8).withUnsafeBufferPointer({ IDCard.problem(canonical18: $0, today: today) }) else { continue }
      seen.insert(problem.rawValue)
      XCTAssertEqual(IDCard.validate(Array(id.utf8), today: today), .invalid(reason: problem.rawValue), id)
    }
    XCTAssertGreaterThanOrEqual(seen.count, 4, "samples cover most reasons: \(seen)")
  }


  func testCleanRowHasNoFindings() {
    let report = Ledger.validate([Ledger.cells()])
    XCTAssertEqual(report.flatten(), [])
    XCTAssertTrue(report.isValid)
    XCTAssertEqual(report.stats.rows, 1)
    XCTAssertEqual(report.stats.validRows, 1)
  }

  func testChineseTextDateAcceptedImpossibleMonthRejected() {
    let report = Ledger.validate([Ledger.cells(seq: 1, date: .text("2023年7月13日")),
                                  Ledger.cells(seq: 2, date: .text("2023年13月1日"))])
    // Sheet row 3 (index 2), column K (11th).
    XCTAssertEqual(report.flatten(), [FlatFinding(3, 11, "type-error")])
    let d = report.all[0]
    XCTAssertEqual(d.value, "2023年13月1日")
    XCTAssertEqual(d.parameter("expected"), "date")
    XCTAssertEqual(d.location.a1, "K3")
    XCTAssertEqual(d.field, "培训日期")
    XCTAssertEqual(report.stats.validRows, 1)
  }

  func testFullWidthDigitsNormalisedAndReported() {
    let report = Ledger.validate([Ledger.cells(pub: .text("４０"))])
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 7, "value-normalized")])
    XCTAssertEqual(report.all[0].severity, .warning)
    XCTAssertEqual(report.all[0].parameter("normalized"), "40")
    XCTAssertTrue(report.isValid)
  }

  func testIDStoredAsFloatLostPrecision() {
    var a = Ledger.cells(seq: 1)
    a[4] = .number(1.50627e17, "1.50627E+17")
    var b = Ledger.cells(seq: 2)
    b[4] = .text("1.50627E+17")
    let report = Ledger.validate([a, b])
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 5, "number-lost-precision"), FlatFinding(3, 5, "number-lost-precision")])
    XCTAssertEqual(report.all[0].value, "1.50627E+17")
    XCTAssertFalse(report.isValid)
  }

  func testMissingRequiredValue() {
    let report = Ledger.validate([Ledger.cells(name: "")])
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 2, "constraint-error")])
    XCTAssertEqual(report.all[0].parameter("constraint"), "required")
    XCTAssertEqual(MessageCatalog.render(report.all[0]).message, "「姓名」为必填项，不能为空（培训学时台账!B2）")
  }

  func testEnumSynonymAcceptedAndUnknownValueRejected() {
    let report = Ledger.validate([Ledger.cells(seq: 1, method: "网络学习"), Ledger.cells(seq: 2, method: "自学")])
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 10, "value-normalized"), FlatFinding(3, 10, "constraint-error")])
    XCTAssertEqual(report.all[0].parameter("normalized"), "网络培训")
    XCTAssertEqual(report.all[1].parameter("constraint"), "enum")
    XCTAssertEqual(report.all[1].parameter("allowed"), "集中轮训、网络培训、执法能力比赛")
  }

  func testMinimumOnExactDecimalsAndBadPersonName() {
    let report = Ledger.validate([Ledger.cells(name: "王", pub: .number(-0.5, "-0.5"), total: .number(29.5, "29.5"))])
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 2, "type-error"), FlatFinding(2, 7, "constraint-error"),
                                      FlatFinding(2, 7, "policy-violation"), FlatFinding(2, 9, "policy-violation")])
    let minimum = report.all[1]
    XCTAssertEqual(minimum.parameter("constraint"), "minimum")
    XCTAssertEqual(minimum.parameter("limit"), "0")
  }

  func testDocNumberWrongBracketIsWarning() throws {
    let schema = try BuiltinSchemas.load(named: "normative-documents-valid")
    let mapping: [Int?] = Array(0..<schema.fields.count)
    XCTAssertEqual(schema.fields[2].name, "doc_number")
    var cells: [Int: TestCell] = [0: .number(1, "1"), 1: .text("乌审旗行政执法公示办法"), 2: .text("乌政办发[2022]115号"),
                                  3: .text("乌审旗人民政府办公室"), 4: .text("2022年5月6日")]
    if let f = schema.fieldIndex(named: "filing") { cells[f] = .text("已备案") }
    let report = Ledger.validate([cells], schema: schema, mapping: mapping)
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 3, "doc-number-normalized")])
    XCTAssertEqual(report.all.first?.severity, .warning)
    XCTAssertEqual(report.all.first?.parameter("normalized"), "乌政办发〔2022〕115号")
    XCTAssertTrue(report.isValid)
  }
}
