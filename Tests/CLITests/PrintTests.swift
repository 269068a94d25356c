import Foundation
import TestSupport
import XCTest

/// Everything sheetgate writes for people prints: rendered by LibreOffice to PDF, every column header is
/// on page 1 (`pdftotext -layout`), and no row with wrapped text has a fixed height too small for it.
final class PrintTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples" }
  var roster: String { samples + "/本级行政执法部门名单.xlsx" }

  /// Per sheet: its header row's texts (the row `argv[2]` names per sheet as JSON), print setup, and the
  /// rows whose fixed height is smaller than their wrapped text needs (lines × 12.5 pt; CJK counts two;
  /// a merged cell's width is its columns' sum).
  static let inspect = #"""
import json, math, sys, openpyxl
from openpyxl.utils import get_column_letter
wb = openpyxl.load_workbook(sys.argv[1])
headers = json.loads(sys.argv[2])
out = {}
def width(ws, c):
    w = ws.column_dimensions[get_column_letter(c)].width
    return w if w else 8.43
for ws in wb.worksheets:
    if ws.sheet_state != "visible":
        continue
    merged = {}
    for m in ws.merged_cells.ranges:
        merged[(m.min_row, m.min_col)] = sum(width(ws, c) for c in range(m.min_col, m.max_col + 1))
    short = []
    for r, dim in ws.row_dimensions.items():
        if not dim.customHeight or not dim.ht:
            continue
        for cell in ws[r]:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            w = merged.get((cell.row, cell.column), width(ws, cell.column))
            size = cell.font.sz or 11
            lines = 0
            for part in cell.value.split("\n"):
                chars = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in part)
                lines += max(1, math.ceil(chars * size / 11 / max(1, w)))
            if dim.ht < lines * 12.5 * size / 11:
                short.append(f"{cell.coordinate} {dim.ht}pt < {lines} lines")
    row = headers.get(ws.title)
    out[ws.title] = {
        "header": [str(c.value).replace("\n", "") for c in ws[row] if c.value is not None] if row else [],
        "landscape": ws.page_setup.orientation, "fit": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
        "titles": ws.print_title_rows, "footer": ws.oddFooter.center.text, "short": short,
    }
print(json.dumps(out, ensure_ascii=False))
"""#

  func check(_ path: String, headerRows: [String: Int], workDir: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let json = try PythonReaders.runScript(Self.inspect, arguments: [path, String(decoding: try JSONSerialization.data(withJSONObject: headerRows), as: UTF8.self)])
    let sheets = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [String: Any]]
    for (name, s) in sheets {
      XCTAssertEqual(s["short"] as? [String], [], "\(path) \(name): rows too short for their wrapped text", file: file, line: line)
      XCTAssertEqual(s["fit"] as? Bool, true, "\(name) fits one page wide", file: file, line: line)
      XCTAssertEqual((s["footer"] as? String)?.contains("&P"), true, "\(name) has page numbers", file: file, line: line)
    }
    // The PDF: one per workbook; the first sheet is on page 1, and every header of it.
    let (pdf, _) = try PythonReaders.libreOfficeConvert(path, to: "pdf", workDir: workDir)
    guard let pages = try PythonReaders.pdfPages(pdf) else { throw XCTSkip("pdftotext (poppler-utils) is not installed") }
    let page1 = pages.first?.filter { !$0.isWhitespace } ?? ""
    let firstSheet = headerRows.keys.sorted { (headerRows[$0] ?? 0) < (headerRows[$1] ?? 0) }
    _ = firstSheet
    for (name, s) in sheets where headerRows[name] != nil {
      let header = (s["header"] as? [String] ?? []).map { $0.filter { !$0.isWhitespace } }
      XCTAssertFalse(header.isEmpty, "\(name)", file: file, line: line)
      // Every sheet's header is on the first page of that sheet: find the page with its first header cell.
      guard let start = pages.firstIndex(where: { $0.filter { !$0.isWhitespace }.contains(header[0]) }) else {
        XCTFail("\(path) \(name): header \(header[0]) not in the PDF", file: file, line: line); continue
      }
      let page = pages[start].filter { !$0.isWhitespace }
      for h in header { XCTAssertTrue(page.contains(h), "\(path) \(name): \(h) is not on the sheet's first page", file: file, line: line) }
    }
    XCTAssertFalse(page1.isEmpty, file: file, line: line)
  }

  func testAnnotatedReportsReceiptsConsolidatedWorkbooksAndTemplatesPrint() throws {
    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    guard PythonReaders.soffice != nil else { throw XCTSkip("soffice (LibreOffice) is not installed; install libreoffice-calc-nogui") }
    let dir = try CLIRunner.temporaryDirectory()
    let bad = samples + "/validate/乌审旗市场监督管理局_培训学时台账_2023.xlsx"
    let good = samples + "/validate/乌审旗综合行政执法局_培训学时台账_2023.xlsx"
    var r = try CLIRunner.run(["validate", bad, good, "--format", "xlsx", "--output", dir, "--roster", roster])
    XCTAssertEqual(r.status, 1, r.stderr)
    // The annotated report: 问题清单 (header on row 2) and the submission's sheet (its header on row 3–4).
    try check(dir + "/乌审旗市场监督管理局_培训学时台账_2023_校验结果.xlsx", headerRows: ["问题清单": 2], workDir: dir + "/a")
    // The receipt.
    try check(dir + "/乌审旗综合行政执法局_培训学时台账_2023_校验通过.xlsx", headerRows: ["校验回执": 8], workDir: dir + "/b")
    // The consolidated workbook: the ledger sheet has 18 columns.
    r = try CLIRunner.run(["merge", bad, good, "--schema", "training-hours", "--roster", roster, "-o", dir + "/汇总.xlsx"])
    XCTAssertNotEqual(r.status, 2, r.stderr)
    try check(dir + "/汇总.xlsx", headerRows: ["执法人员培训学时台账": 1], workDir: dir + "/c")
    // A template.
    r = try CLIRunner.run(["template", "discretion-benchmarks", "--period", "2023", "-o", dir + "/模板.xlsx"])
    XCTAssertEqual(r.status, 0, r.stderr)
    try check(dir + "/模板.xlsx", headerRows: ["行政裁量权基准统计表": 3, "填表说明": 3], workDir: dir + "/d")
  }
}
