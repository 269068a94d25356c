import Foundation
import TestSupport
import XCTest

/// `sheetgate merge` and `sheetgate store list|history|export` on the sample submissions, driving the built binary.
final class MergeCommandTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples/validate" }
  var roster: String { root + "/samples/本级行政执法部门名单.xlsx" }

  /// The sample folder: 11 valid submissions (39 rows in 6 ledgers), 13 with errors.
  static let ledgerRows = ["执法人员培训学时台账": 11, "行政裁量权基准统计表": 9, "继续有效的规范性文件目录": 6,
                           "修改的规范性文件目录": 3, "宣布失效的规范性文件目录": 5, "重点执法领域突出问题整治台账": 5]

  /// Sheet name → data rows (header excluded), read with openpyxl.
  private func sheetRows(_ xlsx: String) throws -> [String: Int] {
    let out = try PythonReaders.runScript(#"""
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
for ws in wb.worksheets:
    print("%s\t%d" % (ws.title, sum(1 for _ in ws.iter_rows()) - 1))
"""#, arguments: [xlsx])
    var rows: [String: Int] = [:]
    for line in out.split(separator: "\n") {
      let parts = line.split(separator: "\t")
      if parts.count == 2 { rows[String(parts[0])] = Int(parts[1]) }
    }
    return rows
  }

  func testMergeTheSampleFolder() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let r = try CLIRunner.run(["merge", samples, "--roster", roster, "-o", dir + "/汇总.xlsx"])
    XCTAssertEqual(r.status, 1, "files with errors are left out: \(r.stderr)")
    XCTAssertTrue(r.stdout.contains("合并 11 份报送，共 39 行；未合并 13 份"), r.stdout)
    XCTAssertTrue(r.stdout.contains("未报送（执法人员培训学时台账）："), r.stdout)
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/汇总.xlsx"))
    XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasPrefix(".") }, "no temporary files")

    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    let rows = try sheetRows(dir + "/汇总.xlsx")
    for sheet in ["汇总", "未报送单位", "问题文件"] { XCTAssertNotNil(rows[sheet], "no \(sheet) sheet: \(rows)") }
    for (ledger, n) in Self.ledgerRows { XCTAssertEqual(rows[ledger], n, "rows of \(ledger): \(rows)") }
    // 13 submissions left out, 2 rows whose key another submission has (one of them the same officer
    // from two agencies), 5 listings of documents in two lists across the files.
    XCTAssertEqual(rows["问题文件"], 20, "\(rows)")
  }

  func testStoreMakesTheSecondRunIngestNothing() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let args = ["merge", samples, "--roster", roster, "-o", dir + "/汇总.xlsx", "--store", dir + "/s.sqlite"]
    let first = try CLIRunner.run(args)
    XCTAssertEqual(first.status, 1, first.stderr)
    XCTAssertFalse(first.stdout.contains("已在存储中"), first.stdout)
    let second = try CLIRunner.run(args)
    XCTAssertEqual(second.status, 1, "the same files are still left out: \(second.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: samples).filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".csv") }
    let skipped = second.stdout.split(separator: "\n").filter { $0.hasSuffix("已在存储中，跳过") }
    XCTAssertEqual(skipped.count, files.count, second.stdout)
    XCTAssertTrue(second.stdout.contains("合并 11 份报送，共 39 行；未合并 13 份"), second.stdout)

    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    for (ledger, n) in Self.ledgerRows { XCTAssertEqual(try sheetRows(dir + "/汇总.xlsx")[ledger], n, ledger) }
  }

  func testStoreListHistoryAndExport() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let store = dir + "/s.sqlite"
    _ = try CLIRunner.run(["merge", samples, "--roster", roster, "-o", dir + "/a.xlsx", "--store", store])

    let list = try CLIRunner.run(["store", "list", "--store", store])
    XCTAssertEqual(list.status, 0, list.stderr)
    let lines = list.stdout.split(separator: "\n")
    XCTAssertTrue(lines.first?.hasPrefix("id\treceived\tstatus") ?? false, list.stdout)
    XCTAssertEqual(lines.count - 1, 24, "one line per recognised table: \(list.stdout)")
    XCTAssertEqual(lines.filter { $0.contains("\tvalid\t") }.count, 11, list.stdout)

    let history = try CLIRunner.run(["store", "history", "--store", store, "--agency", "乌审旗司法局"])
    XCTAssertEqual(history.status, 0, history.stderr)
    XCTAssertEqual(history.stdout.split(separator: "\n").count - 1, 5, history.stdout)
    XCTAssertTrue(history.stdout.contains("乌审旗司法局_规范性文件清理目录_2023.xlsx!继续有效"), history.stdout)

    let export = try CLIRunner.run(["store", "export", "--store", store, "--roster", roster, "-o", dir + "/b.xlsx"])
    XCTAssertEqual(export.status, 0, export.stderr)
    XCTAssertTrue(export.stdout.contains("共 39 行"), export.stdout)

    let missing = try CLIRunner.run(["store", "list", "--store", dir + "/none.sqlite"])
    XCTAssertEqual(missing.status, 2, "no store is a usage error: \(missing.stderr)")

    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    XCTAssertEqual(try sheetRows(dir + "/b.xlsx"), try sheetRows(dir + "/a.xlsx"), "export rebuilds what merge wrote")
  }

  func testCSVOutputHasABOM() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let out = dir + "/培训学时.csv"
    let r = try CLIRunner.run(["merge", samples, "--schema", "training-hours", "--format", "csv", "-o", out])
    XCTAssertEqual(r.status, 1, r.stderr)
    let data = try Data(contentsOf: URL(fileURLWithPath: out))
    XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 BOM for Excel")
    let text = String(decoding: data.dropFirst(3), as: UTF8.self)
    XCTAssertTrue(text.hasPrefix("来源单位,来源文件,原始行号,"), String(text.prefix(80)))
    let records = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).count
    XCTAssertEqual(records, 1 + 11, text)
  }

  /// A plain Table Schema reads the header by position and hands blank rows to the validator (frictionless's
  /// `blank-row`); merge reports them and never merges them as empty records.
  func testPlainSchemaMergeLeavesBlankRowsOut() throws {
    let dir = try CLIRunner.temporaryDirectory()
    try #"{"fields": [{"name": "姓名", "type": "string"}, {"name": "学时", "type": "number"}]}"#
      .write(toFile: dir + "/学时.json", atomically: true, encoding: .utf8)
    let input = dir + "/in"
    try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
    try "姓名,学时\r\n张三,12\r\n,\r\n李四,40.5\r\n".write(toFile: input + "/乌审旗司法局_学时.csv", atomically: true, encoding: .utf8)
    let out = dir + "/汇总.csv"
    let r = try CLIRunner.run(["merge", input, "--schema", dir + "/学时.json", "--format", "csv", "-o", out])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)).dropFirst(3), as: UTF8.self)
    let records = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    XCTAssertEqual(records.count, 1 + 2, text)
    XCTAssertTrue(records.dropFirst().allSatisfy { $0.contains("张三") || $0.contains("李四") }, text)
  }
}
