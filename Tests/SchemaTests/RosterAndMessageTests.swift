import Diagnostics
import Tabular
import XCTest

@testable import Schema

final class RosterAndMessageTests: XCTestCase {
  let roster = AgencyRoster(entries: [
    .init(name: "乌审旗市场监督管理局", shortName: "市场监管局"),
    .init(name: "乌审旗司法局", shortName: "司法局"),
    .init(name: "乌审旗自然资源局", shortName: "自然资源局"),
    .init(name: "乌审旗交通运输局", shortName: "交通局"),
  ])

  func testRosterLookup() {
    XCTAssertEqual(roster.lookup("乌审旗司法局"), .exact("乌审旗司法局"))
    XCTAssertEqual(roster.lookup(" 乌审旗司法局（盖章）"), .exact("乌审旗司法局"))
    XCTAssertEqual(roster.lookup("乌审旗市场监管局"), .suggestion("乌审旗市场监督管理局", reason: "short-name"))
    XCTAssertEqual(roster.lookup("市场监管局"), .suggestion("乌审旗市场监督管理局", reason: "short-name"))
    XCTAssertEqual(roster.lookup("乌审市场监督管理局"), .suggestion("乌审旗市场监督管理局", reason: "edit-distance"))
    XCTAssertEqual(roster.lookup("自然资源局"), .suggestion("乌审旗自然资源局", reason: "short-name"))
    XCTAssertEqual(roster.lookup("市场监督管理局"), .suggestion("乌审旗市场监督管理局", reason: "prefix"))
    XCTAssertEqual(roster.lookup("乌审旗交通运输"), .suggestion("乌审旗交通运输局", reason: "edit-distance"))
    XCTAssertEqual(roster.lookup("苏尼特左旗教育局"), .none)
    XCTAssertEqual(roster.lookup(""), .none)
  }

  func testRosterFromRows() {
    var r = Row()
    r.append(column: 0, kind: .string, string: "乌审旗司法局 ")
    r.append(column: 1, kind: .string, string: "司法局")
    let ros = AgencyRoster(rows: [r], nameColumn: 0, shortNameColumn: 1, creditCodeColumn: 2)
    XCTAssertEqual(ros.entries, [.init(name: "乌审旗司法局", shortName: "司法局")])
  }

  func testMessages() {
    let d = Diagnostic(code: .typeError, severity: .error,
                       location: SourceLocation(sheet: "培训台账", row: 16, column: 3), field: "培训日期",
                       value: "2023年13月1日", parameters: [.init("expected", "date")])
    let zh = MessageCatalog.render(d, lang: .zhCN)
    XCTAssertEqual(zh.title, "类型错误")
    XCTAssertEqual(zh.message, "「培训日期」应为日期，实际为「2023年13月1日」（培训台账!D17）")
    XCTAssertEqual(zh.hint, "请按 2023-07-13 或 2023年7月13日 填写")
    let en = MessageCatalog.render(d, lang: .en)
    XCTAssertEqual(en.message, "\"培训日期\" should be a date, found \"2023年13月1日\" (培训台账!D17)")
    XCTAssertEqual(en.hint, "Write dates as 2023-07-13 or 2023年7月13日")
    for code in DiagnosticCode.all { XCTAssertTrue(MessageCatalog.hasEntry(for: code), code.slug) }
    XCTAssertEqual(MessageLanguage.from(lang: "zh_CN.UTF-8"), .zhCN)
    XCTAssertEqual(MessageLanguage.from(lang: "en_US.UTF-8"), .en)
    XCTAssertEqual(MessageLanguage.from(lang: "C"), .en)
    XCTAssertEqual(MessageLanguage.from(lang: nil), .zhCN)
    XCTAssertEqual(MessageLanguage.from(lang: "zh_CN.UTF-8", override: .en), .en)
    let unknown = MessageCatalog.render(Diagnostic(code: "brand-new", severity: .info, field: "x", value: "y"))
    XCTAssertEqual(unknown.title, "brand-new")
    let rule = Diagnostic(code: .policyViolation, severity: .policy, location: SourceLocation(row: 4),
                          parameters: [.init("rule", "每人每年培训不少于60学时")])
    XCTAssertEqual(MessageCatalog.render(rule).message, "第5行：每人每年培训不少于60学时")
  }

  func testCollectorIsBounded() {
    var c = DiagnosticCollector(limit: 3)
    for i in 0..<5 {
      c.add(Diagnostic(code: .typeError, severity: i < 4 ? .error : .policy, value: String(repeating: "长", count: 40)))
    }
    XCTAssertEqual(c.diagnostics.count, 3)
    XCTAssertTrue(c.isPartial)
    XCTAssertEqual(c.count(.error), 4)
    XCTAssertEqual(c.count(.policy), 1)
    XCTAssertEqual(c.totalCount, 5)
    XCTAssertFalse(c.isValid)
    XCTAssertLessThanOrEqual(c.diagnostics[0].value!.utf8.count, Diagnostic.maxValueBytes)
  }
}
