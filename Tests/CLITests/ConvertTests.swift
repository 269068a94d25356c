import Foundation
import TestSupport
import XCTest

/// `sheetgate convert` through the binary; outputs checked by real readers (Python csv, openpyxl).
final class ConvertTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples" }

  func testWorkbookToCSVPerSheetKeepsDigitsAndDates() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let r = try CLIRunner.run(["convert", samples + "/乌审旗_规范性文件清理目录.xlsx", dir + "/目录.csv"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let valid = try String(contentsOfFile: dir + "/目录_继续有效.csv", encoding: .utf8)
    let lines = valid.split(separator: "\r\n").map(String.init)
    XCTAssertEqual(lines[1], "序号,文件名称,文号,制定机关,发布日期,有效期至,备案情况")
    XCTAssertTrue(lines[2].hasPrefix("1,乌审旗人民政府办公室关于印发乌审旗行政执法公示制度的通知,乌政办发〔2022〕115号,乌审旗人民政府办公室,2022-06-01,"), lines[2])
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/目录_宣布失效.csv"))
  }

  func testOneSheetByNumber() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let r = try CLIRunner.run(["convert", samples + "/乌审旗_规范性文件清理目录.xlsx", dir + "/x.csv", "--sheet", "2"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let text = try String(contentsOfFile: dir + "/x.csv", encoding: .utf8)
    XCTAssertTrue(text.contains("宣布失效"), text)
    let bad = try CLIRunner.run(["convert", samples + "/乌审旗_规范性文件清理目录.xlsx", dir + "/y.csv", "--sheet", "不存在"])
    XCTAssertEqual(bad.status, 3)
    XCTAssertTrue(bad.stderr.contains("继续有效"), "lists the sheets: \(bad.stderr)")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/y.csv"))
  }

  func testGBKToUTF8WithBOMAndBack() throws {
    let dir = try CLIRunner.temporaryDirectory()
    var r = try CLIRunner.run(["convert", samples + "/乌审旗_行政裁量权基准_gbk.csv", dir + "/u.csv", "--bom"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/u.csv")))
    XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
    let original = try CLIRunner.run(["cat", samples + "/乌审旗_行政裁量权基准_gbk.csv", "--json"])
    let converted = try CLIRunner.run(["cat", dir + "/u.csv", "--json"])
    let a = try JSONSerialization.jsonObject(with: original.stdoutBytes) as? [String: Any]
    let b = try JSONSerialization.jsonObject(with: converted.stdoutBytes) as? [String: Any]
    XCTAssertEqual(a?["rows"] as? [[String]], b?["rows"] as? [[String]])
    XCTAssertEqual(b?["encoding"] as? String, "utf-8-sig")
    r = try CLIRunner.run(["convert", dir + "/u.csv", dir + "/g.csv", "--encoding", "gb18030"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let g = try CLIRunner.run(["cat", dir + "/g.csv", "--json"])
    let c = try JSONSerialization.jsonObject(with: g.stdoutBytes) as? [String: Any]
    XCTAssertEqual(c?["encoding"] as? String, "gb18030")
    XCTAssertEqual(a?["rows"] as? [[String]], c?["rows"] as? [[String]])
  }

  func testCSVToXLSXKeepsIDsAsTextAndTypesOnlyWhenAsked() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let csv = "序号,姓名,身份证号,学时,培训日期\r\n1,王建国,150626198703152316,32.50,2023-07-13\r\n2,乌力吉·巴特尔,012345,60,2023年7月20日\r\n"
    try csv.write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
    for (out, infer) in [("plain.xlsx", false), ("typed.xlsx", true)] {
      let r = try CLIRunner.run(["convert", dir + "/in.csv", dir + "/" + out] + (infer ? ["--infer"] : []))
      XCTAssertEqual(r.status, 0, r.stderr)
    }
    let script = """
      import openpyxl, sys, json
      out = {}
      for name in ("plain.xlsx", "typed.xlsx"):
          ws = openpyxl.load_workbook(sys.argv[1] + "/" + name).active
          out[name] = {"rows": [[(type(c.value).__name__, str(c.value)) for c in row] for row in ws.iter_rows(min_row=2)],
                       "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "title": ws.title,
                       "bold": ws["A1"].font.b}
      print(json.dumps(out, ensure_ascii=False))
      """
    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    let result = try PythonReaders.runScript(script, arguments: [dir])
    let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: [String: Any]])
    let plain = try XCTUnwrap(obj["plain.xlsx"]?["rows"] as? [[[String]]])
    XCTAssertEqual(plain[0][2], ["str", "150626198703152316"])
    XCTAssertEqual(plain[0][3], ["str", "32.50"])
    let typed = try XCTUnwrap(obj["typed.xlsx"]?["rows"] as? [[[String]]])
    XCTAssertEqual(typed[0][0], ["int", "1"])
    XCTAssertEqual(typed[0][2], ["str", "150626198703152316"], "18 digits never become a number")
    XCTAssertEqual(typed[0][3], ["float", "32.5"])
    XCTAssertEqual(typed[0][4], ["datetime", "2023-07-13 00:00:00"])
    XCTAssertEqual(typed[1][2], ["str", "012345"], "leading zero kept as text")
    XCTAssertEqual(typed[1][4], ["str", "2023年7月20日"])
    XCTAssertEqual(obj["typed.xlsx"]?["freeze"] as? String, "A2")
    XCTAssertEqual(obj["typed.xlsx"]?["filter"] as? String, "A1:E3")
    XCTAssertEqual(obj["typed.xlsx"]?["title"] as? String, "in")
    XCTAssertEqual(obj["typed.xlsx"]?["bold"] as? Bool, true)
  }

  func testWorkbookToWorkbookRewritesEverySheet() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let r = try CLIRunner.run(["convert", samples + "/乌审旗_执法人员培训学时台账.xlsx", dir + "/copy.xlsx"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let before = try CLIRunner.run(["cat", samples + "/乌审旗_执法人员培训学时台账.xlsx", "--json"])
    let after = try CLIRunner.run(["cat", dir + "/copy.xlsx", "--json"])
    XCTAssertEqual(before.status, 0)
    XCTAssertEqual(after.status, 0, after.stderr)
    let a = try XCTUnwrap(JSONSerialization.jsonObject(with: before.stdoutBytes) as? [String: Any])
    let b = try XCTUnwrap(JSONSerialization.jsonObject(with: after.stdoutBytes) as? [String: Any])
    let sa = try XCTUnwrap(a["sheets"] as? [[String: Any]]), sb = try XCTUnwrap(b["sheets"] as? [[String: Any]])
    XCTAssertEqual(sa.map { $0["name"] as? String }, sb.map { $0["name"] as? String })
    XCTAssertEqual(sa.map { $0["visible"] as? String }, sb.map { $0["visible"] as? String })
    for (x, y) in zip(sa, sb) {
      XCTAssertEqual(Set(x["merged"] as? [String] ?? []), Set(y["merged"] as? [String] ?? []))
      let cx = x["cells"] as? [String: [Any]] ?? [:], cy = y["cells"] as? [String: [Any]] ?? [:]
      XCTAssertEqual(Set(cx.keys), Set(cy.keys))
      for (k, v) in cx { XCTAssertTrue(CellJSON.equal(v, cy[k] ?? []), "\(k): \(v) vs \(cy[k] ?? [])") }
    }
  }

  func testUnknownOutputFormatIsAUsageError() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let r = try CLIRunner.run(["convert", samples + "/乌审旗_行政裁量权基准_gbk.csv", dir + "/x.pdf"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains(".xlsx"), r.stderr)
  }
}
