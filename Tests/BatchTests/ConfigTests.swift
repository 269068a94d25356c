import Foundation
import XCTest

@testable import Batch

final class ConfigTests: XCTestCase {
  func temporaryDirectory() throws -> String {
    let d = NSTemporaryDirectory() + "sheetgate-batch-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
    return d
  }

  func testFullConfigurationLoadsWithPathsRelativeToTheFile() throws {
    let d = try temporaryDirectory()
    let yaml = """
      inbox:
        maildir: 邮箱
        eml: eml
      roster: 本级行政执法部门名单.xlsx
      collections:
        - {schema: training-hours, period: "2023", deadline: 2023-08-15}
        - schema: discretion-benchmarks
      store: 台账.sqlite
      output: 汇总
      outbox: 回复草稿
      state: state
      sender: {address: sfj@wsq.gov.cn, name: 乌审旗司法局}
      send: msmtp -t
      send_timeout: 30
      """
    try yaml.write(toFile: d + "/sheetgate.yaml", atomically: true, encoding: .utf8)
    let c = try BatchConfig.load(path: d + "/sheetgate.yaml")
    XCTAssertEqual(c.maildir, d + "/邮箱")
    XCTAssertEqual(c.emlFolder, d + "/eml")
    XCTAssertNil(c.filesFolder)
    XCTAssertEqual(c.roster, d + "/本级行政执法部门名单.xlsx")
    XCTAssertEqual(c.collections, [.init(schema: "training-hours", period: "2023", deadline: "2023-08-15"),
                                   .init(schema: "discretion-benchmarks")])
    XCTAssertEqual(c.store, d + "/台账.sqlite")
    XCTAssertEqual(c.senderAddress, "sfj@wsq.gov.cn")
    XCTAssertEqual(c.senderName, "乌审旗司法局")
    XCTAssertEqual(c.send, "msmtp -t")
    XCTAssertEqual(c.sendTimeout, 30)
  }

  func testMistakesNameFileLineAndColumn() throws {
    let d = try temporaryDirectory()
    let cases: [(String, Int, Int, String)] = [
      ("inbox: {maildir: m}\nstore: s\noutput: o\noutbox: x\nstate: st\nsendr: a\n", 6, 1, "sendr"),
      ("inbox: {maildir: m}\nstore: s\noutput: o\noutbox: x\n", 1, 1, "state"),
      ("inbox: {maildir: m}\nstore: s\noutput: o\noutbox: x\nstate: st\ncollections:\n  - {schema: t, deadline: 8月15日}\n", 7, 27, "8月15日"),
      ("inbox: {maildir: m}\nstore: s\noutput: o\noutbox: x\nstate: st\ncollections: training-hours\n", 6, 14, "collections"),
      ("inbox: {maildir: m\nstore: s\n", 2, 6, "YAML"),
      ("inbox: {}\nstore: s\noutput: o\noutbox: x\nstate: st\n", 1, 8, "inbox"),
      ("inbox: {maildir: m}\nstore: s\noutput: o\noutbox: x\nstate: st\nsender: {address: 司法局}\n", 6, 19, "司法局"),
    ]
    for (yaml, line, column, mention) in cases {
      try yaml.write(toFile: d + "/c.yaml", atomically: true, encoding: .utf8)
      XCTAssertThrowsError(try BatchConfig.load(path: d + "/c.yaml"), yaml) { e in
        guard let e = e as? ConfigError else { return XCTFail("\(e)") }
        XCTAssertEqual(e.file, d + "/c.yaml")
        XCTAssertEqual(e.line, line, "\(yaml) → \(e)")
        XCTAssertEqual(e.column, column, "\(yaml) → \(e)")
        XCTAssertTrue(e.text(chinese: false).contains(mention) || e.text(chinese: true).contains(mention), "\(e)")
        XCTAssertTrue(e.text(chinese: true).hasPrefix(d + "/c.yaml:\(line):\(column): "), e.text(chinese: true))
      }
    }
  }
}

/// The README's configuration file is a configuration file: every key it shows loads.
final class ReadmeConfigTests: XCTestCase {
  func testTheReadmeConfigurationLoads() throws {
    let readme = try String(contentsOfFile: BatchFixtures.repository + "/README.md", encoding: .utf8)
    let section = try XCTUnwrap(readme.range(of: "### The configuration file\n\n```yaml\n"))
    let end = try XCTUnwrap(readme.range(of: "```", range: section.upperBound..<readme.endIndex))
    let d = try BatchFixtures.folder(self)
    try String(readme[section.upperBound..<end.lowerBound]).write(toFile: d + "/sheetgate.yaml", atomically: true, encoding: .utf8)
    let c = try BatchConfig.load(path: d + "/sheetgate.yaml")
    XCTAssertEqual(c.maildir, "/var/mail/sfj")
    XCTAssertEqual(c.filesFolder, "/srv/sheetgate/拖入")
    XCTAssertEqual(c.roster, d + "/本级行政执法部门名单.xlsx")
    XCTAssertEqual(c.collections.count, 3)
    XCTAssertEqual(c.collections[2].schema, d + "/自定义台账.yaml")
    XCTAssertEqual(c.send, "msmtp -t")
    XCTAssertEqual(c.sendTimeout, 120)
    XCTAssertEqual(c.senderName, "乌审旗司法局")
    // Every key the loader knows appears in the README's file.
    for key in BatchConfig.keys { XCTAssertTrue(readme[section.upperBound..<end.lowerBound].contains("\n\(key):"), key) }
  }
}
