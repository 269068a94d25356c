import Foundation
import TestSupport
import XCTest

/// `sheetgate validate --format xlsx|html --output DIR` on the sample submissions.
final class ReportCommandTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples/validate" }
  var roster: String { root + "/samples/本级行政执法部门名单.xlsx" }

  func testFileFormatsNeedAnOutputFolder() throws {
    for format in ["xlsx", "html"] {
      let r = try CLIRunner.run(["validate", samples, "--format", format])
      XCTAssertEqual(r.status, 2, "--format \(format) without --output: \(r.stderr)")
      XCTAssertTrue(r.stderr.contains("--output"), r.stderr)
    }
  }

  func sampleFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: samples)
      .filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".csv") }.sorted()
  }

  func testXLSXReportsForAFolder() throws {
    let out = try CLIRunner.temporaryDirectory() + "/new/outbox"
    let r = try CLIRunner.run(["validate", samples, "--roster", roster, "--format", "xlsx", "--output", out])
    XCTAssertEqual(r.status, 1, "the samples hold errors: \(r.stderr)")
    XCTAssertEqual(r.stdout, "", "file reports write nothing on stdout")
    let written = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    let files = try sampleFiles()
    XCTAssertEqual(written.count, files.count, "\(written)")
    for f in files {
      let stem = (f as NSString).deletingPathExtension
      XCTAssertTrue(written.contains(stem + "_校验结果.xlsx") || written.contains(stem + "_校验通过.xlsx"), "no report for \(f)")
      XCTAssertTrue(r.stderr.contains(out + "/" + stem), "stderr names what was written: \(r.stderr)")
    }
    XCTAssertTrue(written.contains("乌审旗综合行政执法局_培训学时台账_2023_校验通过.xlsx"))
    XCTAssertFalse(written.contains { $0.hasPrefix(".") }, "no temporary files left: \(written)")

    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    // The training ledger: links to the cells, fills, comments, data equal to the original.
    let report = out + "/乌审旗市场监督管理局_培训学时台账_2023_校验结果.xlsx"
    let original = samples + "/乌审旗市场监督管理局_培训学时台账_2023.xlsx"
    let check = try PythonReaders.runScript(#"""
import sys, openpyxl
rep = openpyxl.load_workbook(sys.argv[1]); orig = openpyxl.load_workbook(sys.argv[2], data_only=True)  # formulas are copied as their cached values
assert rep.sheetnames[0] == "问题清单", rep.sheetnames
assert rep.sheetnames[1:] == orig.sheetnames, (rep.sheetnames, orig.sheetnames)
ws = rep["问题清单"]
links = {c.hyperlink.location for row in ws.iter_rows(min_row=3) for c in row if c.hyperlink}
assert "'培训学时台账'!E5" in links, links
assert "共发现 12 个问题：错误 6 个、警告 0 个、政策提示 6 个。" in ws["B1"].value, ws["B1"].value
for name in orig.sheetnames:
    a, b = orig[name], rep[name]
    for ra, rb in zip(a.iter_rows(values_only=True), b.iter_rows(values_only=True)):
        assert [v for v in ra] == [v for v in rb][:len(ra)], (name, ra, rb)
    assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges)), name
data = rep["培训学时台账"]
assert data.freeze_panes == "A5", data.freeze_panes
e5 = data["E5"]
assert e5.fill.fgColor.rgb == "FFFFC7CE", e5.fill.fgColor.rgb
assert "以数字保存" in e5.comment.text, e5.comment.text
assert data["G7"].fill.fgColor.rgb == "FFFFEB9C"
print("ok")
"""#, arguments: [report, original])
    XCTAssertEqual(check.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
  }

  func testHTMLReportsAndIndexForAFolder() throws {
    let out = try CLIRunner.temporaryDirectory() + "/html"
    let r = try CLIRunner.run(["validate", samples, "--roster", roster, "--format", "html", "--output", out])
    XCTAssertEqual(r.status, 1, r.stderr)
    let written = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    let files = try sampleFiles()
    XCTAssertEqual(written.count, files.count + 1, "\(written)")
    let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
    for f in files {
      let stem = (f as NSString).deletingPathExtension
      XCTAssertTrue(written.contains(stem + "_校验结果.html"), "no page for \(f)")
      XCTAssertTrue(index.contains(">\(f)</a>"), "index lacks \(f)")
    }
    let page = try String(contentsOfFile: out + "/乌审旗市场监督管理局_培训学时台账_2023_校验结果.html", encoding: .utf8)
    XCTAssertTrue(page.contains(">培训学时台账!E5<"))
    XCTAssertTrue(page.contains("共发现 12 个问题"))
  }
}
