import Diagnostics
import Foundation
import Reports
import Schema
import Tabular
@testable import Validation
import XCTest

final class ValidationTableTests: XCTestCase {
  func testTotalNotSumIsErrorAndUnder60IsPolicy() {
    let report = Ledger.validate([
      Ledger.cells(seq: 1, total: .number(75, "75")),
      Ledger.cells(seq: 2, pub: .number(30, "30"), ind: .number(20, "20"), total: .number(50, "50")),
    ])
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 9, "row-constraint"),
                                      FlatFinding(3, 8, "policy-violation"), FlatFinding(3, 9, "policy-violation")])
    XCTAssertEqual(report.all[0].severity, .error)
    XCTAssertEqual(report.all[1].severity, .policy)
    XCTAssertEqual(report.stats.errors, 1)
    XCTAssertEqual(report.stats.policyFindings, 2)
    XCTAssertEqual(report.stats.validRows, 1)
    XCTAssertEqual(MessageCatalog.render(report.all[0]).message, "第2行不符合规则：合计学时应等于公共法律知识学时与行业法律知识学时之和")
    XCTAssertEqual(MessageCatalog.render(report.all[2]).message, "第3行：每人每年培训不少于60学时")
    XCTAssertEqual(MessageCatalog.render(report.all[2], lang: .en).message, "Row 3: at least 60 training hours a year")
  }

  func testRuleOnNullFieldIsSkipped() {
    // 合计 blank: `required` reports it; the sum and 60-hour rules are unknown and skipped.
    var cells = Ledger.cells()
    cells.removeValue(forKey: 8)
    let report = Ledger.validate([cells])
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 9, "constraint-error")])
  }

  func testDuplicateOfficerReportsFirstRow() {
    let report = Ledger.validate([
      Ledger.cells(seq: 1, cert: "15062619000001", id: Ledger.idNumber("15062619900101001")),
      Ledger.cells(seq: 2, cert: "15062619000002", id: Ledger.idNumber("15062619900101002")),
      Ledger.cells(seq: 3, cert: "15062619000001", id: Ledger.idNumber("15062619900101003")),
    ])
    // A composite key points at its identifying (last) field: 执法证号 in column D.
    XCTAssertEqual(report.flatten(), [FlatFinding(4, 4, "unique-error")])
    let d = report.all[0]
    XCTAssertEqual(d.parameter("firstRow"), "2")
    XCTAssertEqual(d.value, "乌审旗市场监督管理局、15062619000001")
    XCTAssertEqual(d.parameter("fields"), "单位+执法证号")
    XCTAssertEqual(MessageCatalog.render(d).message, "「单位+执法证号」的值「乌审旗市场监督管理局、15062619000001」与第2行重复（培训学时台账!D4）")
  }

  func testKeyHashTableFindsEveryRepeatAcrossShardGrowth() {
    // 200k distinct keys spread over every shard (each grows many times), then each key again:
    // every repeat reports the row it was first seen in, and no first sighting is a repeat.
    var table = KeyHashTable()
    func key(_ i: Int) -> UInt64 {
      var h = KeyHash()
      h.add(word: UInt64(i))
      return h.value
    }
    var falseRepeats = 0
    for i in 0..<200_000 where table.insert(key(i), row: i) != nil { falseRepeats += 1 }
    XCTAssertEqual(falseRepeats, 0)
    var wrong = 0
    for i in stride(from: 0, to: 200_000, by: 7) where table.insert(key(i), row: 1_000_000 + i) != i { wrong += 1 }
    XCTAssertEqual(wrong, 0)
  }

  func testSameIDCardTwiceIsUnique() {
    let id = Ledger.idNumber("15062719900101123")
    let report = Ledger.validate([Ledger.cells(seq: 1, id: id), Ledger.cells(seq: 2, id: id.lowercased())])
    XCTAssertEqual(report.flatten(), [FlatFinding(3, 5, "unique-error")])
    XCTAssertEqual(report.all[0].parameter("firstRow"), "2")
  }

  func testAgencyNotOnRosterWithSuggestion() {
    let report = Ledger.validate([
      Ledger.cells(seq: 1, agency: "乌审旗市场监管局"),
      Ledger.cells(seq: 2, agency: "杭锦旗农牧局"),
      Ledger.cells(seq: 3, agency: "乌审旗市场监管局"),
    ])
    XCTAssertEqual(report.flatten(), [FlatFinding(2, 3, "foreign-key"), FlatFinding(3, 3, "foreign-key"),
                                      FlatFinding(4, 3, "foreign-key")])
    XCTAssertEqual(report.all[0].parameter("suggestion"), "乌审旗市场监督管理局")
    XCTAssertNil(report.all[1].parameter("suggestion"))
    XCTAssertEqual(MessageCatalog.render(report.all[0]).hint, "请填写单位全称：「乌审旗市场监督管理局」")
  }

  func testReviewerShareUnderFivePercentIsAggregateFinding() throws {
    let schema = try BuiltinSchemas.load(named: "staffing")
    let mapping: [Int?] = Array(0..<schema.fields.count)
    let role = schema.fieldIndex(named: "role")!
    let name = schema.fieldIndex(named: "name")!
    var rows: [[Int: TestCell]] = []
    let names = ["王伟", "李娜", "张强", "刘洋", "陈静", "杨磊", "赵军", "黄勇", "周杰", "吴敏", "徐涛", "孙明",
                 "胡超", "朱华", "高平", "林刚", "何丽", "郭斌", "马鹏", "罗宇", "梁浩"]
    // 乌审旗市场监督管理局: 21 officers, 1 reviewer (4.8 %): fails. 乌审旗综合行政执法局: 2 officers, 1 reviewer: passes.
    for (i, n) in names.enumerated() {
      rows.append([0: .text("乌审旗市场监督管理局"), name: .text(n), role: .text(i == 0 ? "法制审核人员" : "执法")])
    }
    rows.append([0: .text("乌审旗市场监督管理局"), name: .text("宋文"), role: .text("执法人员")])
    rows.append([0: .text("乌审旗综合行政执法局"), name: .text("唐红"), role: .text("执法")])
    rows.append([0: .text("乌审旗综合行政执法局"), name: .text("冯玉"), role: .text("法制审核")])
    let report = Ledger.validate(rows, schema: schema, mapping: mapping)
    let aggregate = report.all.filter { $0.code == .aggregateConstraint }
    XCTAssertEqual(aggregate.count, 1)
    XCTAssertEqual(aggregate.first?.severity, .policy)
    XCTAssertEqual(aggregate.first?.parameter("group"), "乌审旗市场监督管理局")
    XCTAssertEqual(aggregate.first?.parameter("rowCount"), "22")
    XCTAssertEqual(aggregate.first.map { MessageCatalog.render($0).message },
                   "「乌审旗市场监督管理局」不符合规则：法制审核人员不少于本单位执法人员总数的5%")
    XCTAssertTrue(report.isValid)
  }

  func testErrorLimitMarksPartialButCountsAll() {
    let rows = (1...10).map { Ledger.cells(seq: $0, date: .text("2023年13月1日")) }
    let report = Ledger.validate(rows, limit: 3)
    XCTAssertEqual(report.flatten().count, 3)
    XCTAssertTrue(report.isPartial)
    XCTAssertEqual(report.stats.errors, 10)
    XCTAssertEqual(report.stats.validRows, 0)
    XCTAssertTrue(report.text().contains("仅列出前 3 条"))
  }

  func testBlankRowAndExtraCell() {
    var extra = Ledger.cells(seq: 2)
    extra[14] = .text("多写的")
    let report = Ledger.validate([Ledger.cells(seq: 1), [:], extra])
    XCTAssertEqual(report.flatten(), [FlatFinding(3, 0, "blank-row"), FlatFinding(4, 15, "extra-cell")])
    XCTAssertEqual(report.stats.rows, 3)
  }

  func testJSONShape() throws {
    let report = Ledger.validate([Ledger.cells(seq: 1, date: .text("2023年13月1日")),
                                  Ledger.cells(seq: 2, pub: .number(20, "20"), ind: .number(30, "30"), total: .number(50, "50"))])
    let data = Data(report.json(lang: .zhCN).utf8)
    let top = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    XCTAssertEqual(top["valid"] as? Bool, false)
    let stats = try XCTUnwrap(top["stats"] as? [String: Any])
    XCTAssertEqual(stats["errors"] as? Int, 1)
    XCTAssertEqual(stats["policy"] as? Int, 2)
    XCTAssertEqual(stats["rows"] as? Int, 2)
    let tasks = try XCTUnwrap(top["tasks"] as? [[String: Any]])
    XCTAssertEqual(tasks.count, 1)
    XCTAssertEqual(tasks[0]["sheet"] as? String, "培训学时台账")
    let errors = try XCTUnwrap(tasks[0]["errors"] as? [[String: Any]])
    XCTAssertEqual(errors.count, 3)
    let e = errors[0]
    XCTAssertEqual(e["type"] as? String, "type-error")
    XCTAssertEqual(e["rowNumber"] as? Int, 2)
    XCTAssertEqual(e["fieldNumber"] as? Int, 11)
    XCTAssertEqual(e["fieldName"] as? String, "trained_on")
    XCTAssertEqual(e["cell"] as? String, "2023年13月1日")
    XCTAssertEqual(e["a1"] as? String, "K2")
    XCTAssertEqual(e["sheet"] as? String, "培训学时台账")
    XCTAssertEqual(e["severity"] as? String, "error")
    XCTAssertEqual(e["message"] as? String, "「培训日期」应为日期，实际为「2023年13月1日」（培训学时台账!K2）")
    XCTAssertEqual(e["note"] as? String, "请按 2023-07-13 或 2023年7月13日 填写")
    XCTAssertEqual(errors[1]["severity"] as? String, "policy")
  }

  func testTextRenderingInChineseAndEnglish() {
    let report = Ledger.validate([Ledger.cells(seq: 1, date: .text("2023年13月1日"))])
    let zh = report.text()
    XCTAssertTrue(zh.contains("乌审旗市场监督管理局.xlsx › 培训学时台账：未通过，1 行，1 个错误"), zh)
    XCTAssertTrue(zh.contains("  第2行\n"), zh)
    XCTAssertTrue(zh.contains("培训学时台账!K2  培训日期  「2023年13月1日」  错误：「培训日期」应为日期"), zh)
    XCTAssertTrue(zh.contains("→ 请按 2023-07-13 或 2023年7月13日 填写"), zh)
    let en = report.text(lang: .en)
    XCTAssertTrue(en.contains("Row 2"), en)
    XCTAssertTrue(en.contains("error: \"培训日期\" should be a date, found \"2023年13月1日\" (培训学时台账!K2)"), en)
    XCTAssertTrue(en.contains("→ Write dates as 2023-07-13 or 2023年7月13日"), en)
    let json = report.json(lang: .en)
    XCTAssertTrue(json.contains("should be a date"), json)
  }
}
