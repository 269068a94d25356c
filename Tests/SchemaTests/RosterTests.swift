import Tabular
import XCTest

@testable import Schema

final class RosterTests: XCTestCase {
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

  func testAbbreviationsAreSuggestedWithAConfidenceAndTiesNameEveryFit() {
    let banners = AgencyRoster(entries: [
      .init(name: "苏尼特左旗应急管理局", shortName: "应急管理局"),
      .init(name: "苏尼特左旗司法局", shortName: "司法局"),
      .init(name: "达尔罕茂明安联合旗司法局", shortName: "司法局"),
      .init(name: "达尔罕茂明安联合旗应急管理局", shortName: "应急局"),
      .init(name: "乌审旗自然资源局", shortName: "自然资源局"),
      .init(name: "乌审旗文化旅游体育局", shortName: "文旅体局"),
      .init(name: "乌审旗文化旅游局", shortName: "文旅局"),
    ])
    XCTAssertEqual(banners.lookup("苏左旗应急管理局"), .abbreviation(["苏尼特左旗应急管理局"], confidence: 88))
    XCTAssertEqual(banners.lookup("达茂旗司法局"), .abbreviation(["达尔罕茂明安联合旗司法局"], confidence: 66))
    XCTAssertEqual(banners.lookup("达茂旗应急管理局"), .abbreviation(["达尔罕茂明安联合旗应急管理局"], confidence: 72))
    // A banner prefix before a 简称 stays the short-name suggestion it was.
    XCTAssertEqual(banners.lookup("乌审旗文旅局"), .suggestion("乌审旗文化旅游局", reason: "short-name"))
    // Two names fit equally: both are said.
    let tie = AgencyRoster(entries: [.init(name: "乌审旗文化旅游局"), .init(name: "乌审旗文化体育局")])
    XCTAssertEqual(tie.lookup("乌审旗文化局"), .abbreviation(["乌审旗文化旅游局", "乌审旗文化体育局"], confidence: 85))
    // Below the threshold, or not in order, or another banner's first character: nothing.
    XCTAssertEqual(banners.lookup("苏旗局长"), .none)
    XCTAssertEqual(banners.lookup("乌审旗局自然"), .none)
    XCTAssertEqual(banners.lookup("苏尼特右旗教育局"), .none)
    XCTAssertEqual(AgencyRoster.abbreviationScore(Array("苏左旗应急管理局"), Array("苏尼特左旗应急管理局")), 88)
  }
}
