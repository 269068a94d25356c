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
}
