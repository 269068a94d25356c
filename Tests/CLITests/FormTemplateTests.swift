import Foundation
import TestSupport
import XCTest

/// `merge --template` and `store export --template` on a county bureau's 汇总表 made by a third-party
/// writer (XlsxWriter, below), read back by openpyxl, python-calamine and LibreOffice.
final class FormTemplateTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var samples: String { root + "/samples" }
  var roster: String { samples + "/本级行政执法部门名单.xlsx" }
  var inputs: [String] {
    [samples + "/validate/乌审旗综合行政执法局_培训学时台账_2023.xlsx", samples + "/validate/乌审旗市场监督管理局_培训学时台账_2023.xlsx"]
  }

  /// A county bureau's form, as XlsxWriter writes it: title, 填报单位/统计期间 line, a two-row merged header,
  /// the template row, a 合计 row with SUM formulas over it, a footer with a merged 填报日期 cell, a print setup.
  /// argv: output path, then `nofield` (a form without placeholders), `badfield` or `noperiod` variants.
  static let makeForm = #"""
import sys, xlsxwriter
out = sys.argv[1]
variant = sys.argv[2] if len(sys.argv) > 2 else ""
wb = xlsxwriter.Workbook(out)
ws = wb.add_worksheet("汇总表")
title = wb.add_format({"bold": True, "font_size": 18, "align": "center", "valign": "vcenter", "font_name": "宋体"})
head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#DDEBF7", "text_wrap": True})
cell = wb.add_format({"border": 1})
num = wb.add_format({"border": 1, "num_format": "0.0"})
date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
total = wb.add_format({"border": 1, "bold": True, "num_format": "0.0"})
ws.merge_range("A1:G1", "乌审旗行政执法人员培训学时汇总表", title)
ws.set_row(0, 36)
if variant == "noperiod":
    ws.write("A2", "填报单位：{agency}")
elif variant != "nofield":
    ws.write("A2", "填报单位：{agency}　统计期间：{period}年度")
ws.merge_range("A3:A4", "单位", head)
ws.merge_range("B3:B4", "姓名", head)
ws.merge_range("C3:E3", "培训学时", head)
ws.write("C4", "公共法律知识", head)
ws.write("D4", "行业法律知识", head)
ws.write("E4", "合计", head)
ws.merge_range("F3:F4", "培训日期", head)
ws.merge_range("G3:G4", "备注", head)
if variant == "nofield":
    ws.write_row("A5", ["", "", "", "", "", "", ""], cell)
else:
    ws.write("A5", "{.来源单位}", cell)
    ws.write("B5", "{.姓名}", cell)
    ws.write("C5", "{.公共法律知识学时}", num)
    ws.write("D5", "{.行业法律知识}" if variant == "" else "{.加班时长}", num)
    ws.write("E5", "{.total_hours}", num)
    ws.write("F5", "{.培训日期}", date)
    ws.write("G5", "", cell)
ws.write("A6", "合计", total)
ws.write("B6", "", total)
ws.write_formula("C6", "=SUM(C5:C5)", total, 0)
ws.write_formula("D6", "=SUM(D5:D5)", total, 0)
ws.write_formula("E6", "=C6+D6", total, 0)
ws.write("A8", "填表人：")
ws.write("C8", "审核人：")
ws.merge_range("E8:G8", "填报日期：{generated}" if variant != "nofield" else "填报日期：", None)
ws.conditional_format("C5:D5", {"type": "cell", "criteria": "<", "value": 30, "format": wb.add_format({"font_color": "#C00000"})})
ws.set_column("A:A", 24)
ws.set_column("B:B", 12)
ws.set_column("C:E", 14)
ws.set_column("F:F", 12)
ws.set_landscape()
ws.set_paper(9)
ws.fit_to_pages(1, 0)
ws.repeat_rows(2, 3)
ws.set_footer("&C第 &P 页")
wb.close()
"""#

  func requirePython() throws {
    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    guard PythonReaders.has(module: "xlsxwriter"), PythonReaders.has(module: "python_calamine") else {
      throw XCTSkip("xlsxwriter and python-calamine are needed in SHEETGATE_PYTHON")
    }
  }

  func makeForm(_ dir: String, _ variant: String = "") throws -> String {
    let path = dir + "/汇总表模板\(variant).xlsx"
    _ = try PythonReaders.runScript(Self.makeForm, arguments: [path, variant])
    return path
  }

  /// The rows of the normal consolidated workbook's ledger sheet (the reference values).
  func consolidatedRows(_ dir: String) throws -> [[String]] {
    let out = dir + "/普通汇总.xlsx"
    let r = try CLIRunner.run(["merge"] + inputs + ["--schema", "training-hours", "--period", "2023", "--roster", roster, "-o", out])
    XCTAssertNotEqual(r.status, 2, r.stderr)
    let json = try PythonReaders.runScript("""
      import json, sys, openpyxl
      ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
      rows = [[("" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v))) for v in r] for r in ws.iter_rows(min_row=2, values_only=True)]
      print(json.dumps(rows, ensure_ascii=False))
      """, arguments: [out])
    return try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String]]
  }

  static let readForm = #"""
import json, sys, zipfile, openpyxl
from python_calamine import CalamineWorkbook
path = sys.argv[1]
wb = openpyxl.load_workbook(path)
ws = wb["汇总表"]
def text(v):
    if v is None: return ""
    if hasattr(v, "date"): return v.date().isoformat()
    if isinstance(v, float) and v.is_integer(): return str(int(v))
    return str(v)
cal = CalamineWorkbook.from_path(path).get_sheet_by_name("汇总表").to_python()
out = {
  "rows": [[text(c.value) for c in r] for r in ws.iter_rows()],
  "calamine": [[text(v) for v in r] for r in cal],
  "merged": sorted(str(m) for m in ws.merged_cells.ranges),
  "headerBold": ws["A3"].font.b, "headerFill": ws["A3"].fill.fgColor.rgb,
  "rowStyles": [[ws.cell(row=r, column=c).number_format for c in range(1, 8)] for r in range(5, ws.max_row + 1)],
  "borders": [ws.cell(row=r, column=1).border.left.style for r in range(5, ws.max_row + 1)],
  "widths": {k: ws.column_dimensions[k].width for k in "ABCF"},
  "printTitles": ws.print_title_rows, "orientation": ws.page_setup.orientation,
  "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
}
print(json.dumps(out, ensure_ascii=False))
"""#

  func readForm(_ path: String) throws -> [String: Any] {
    let json = try PythonReaders.runScript(Self.readForm, arguments: [path])
    return try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
  }

  /// The ZIP entries whose bytes differ between two packages, and those only in one.
  func differingEntries(_ a: String, _ b: String) throws -> [String] {
    let out = try PythonReaders.runScript("""
      import sys, zipfile
      a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
      na, nb = set(a.namelist()), set(b.namelist())
      diff = sorted(n for n in na & nb if a.read(n) != b.read(n)) + sorted(na ^ nb)
      print("\\n".join(diff))
      """, arguments: [a, b])
    return out.split(separator: "\n").map(String.init)
  }

  func testConsolidatedRowsLandInTheBureausForm() throws {
    try requirePython()
    let dir = try CLIRunner.temporaryDirectory()
    let form = try makeForm(dir)
    let out = dir + "/汇总表.xlsx"
    let r = try CLIRunner.run(["merge"] + inputs + ["--schema", "training-hours", "--period", "2023", "--roster", roster,
                                                    "--template", form, "--agency", "乌审旗司法局", "-o", out])
    XCTAssertNotEqual(r.status, 2, r.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: out), r.stdout + r.stderr)
    let expected = try consolidatedRows(dir)
    XCTAssertGreaterThan(expected.count, 3)
    let n = expected.count
    let f = try readForm(out)
    let rows = (f["rows"] as? [[String]]) ?? []
    XCTAssertEqual(rows[0][0], "乌审旗行政执法人员培训学时汇总表")
    XCTAssertEqual(rows[1][0], "填报单位：乌审旗司法局　统计期间：2023年度")
    XCTAssertEqual(Array(rows[2].prefix(3)), ["单位", "姓名", "培训学时"])
    XCTAssertEqual(Array(rows[3][2...4]), ["公共法律知识", "行业法律知识", "合计"])
    // Every value, in the consolidated order: 来源单位, 姓名, 公共, 行业, 合计, 培训日期.
    // The reference sheet: 来源单位, 来源文件, 原始行号, 序号, 单位, 姓名, 执法证号, 身份证号, 职务, 公共, 行业, 合计, 方式, 日期, 备注.
    for (k, e) in expected.enumerated() {
      let got = rows[4 + k]
      XCTAssertEqual(Array(got.prefix(6)), [e[0], e[5], e[9], e[10], e[11], e[13]].map { FormTemplateTests.number($0) }, "row \(5 + k)")
    }
    // The 合计 row and the footer moved down; formulas cover every row written.
    let totalRow = rows[4 + n]
    XCTAssertEqual(totalRow[0], "合计")
    XCTAssertEqual(totalRow[2], "=SUM(C5:C\(4 + n))")
    XCTAssertEqual(totalRow[3], "=SUM(D5:D\(4 + n))")
    XCTAssertEqual(totalRow[4], "=C\(5 + n)+D\(5 + n)")
    let footer = rows[6 + n]
    XCTAssertEqual(footer[0], "填表人：")
    XCTAssertEqual(footer[2], "审核人：")
    XCTAssertTrue(footer[4].hasPrefix("填报日期：") && footer[4].hasSuffix("日") && !footer[4].contains("{"), footer[4])
    let merged = Set(f["merged"] as? [String] ?? [])
    XCTAssertEqual(merged, ["A1:G1", "A3:A4", "B3:B4", "C3:E3", "F3:F4", "G3:G4", "E\(7 + n):G\(7 + n)"])
    XCTAssertEqual(f["headerBold"] as? Bool, true)
    XCTAssertEqual(f["headerFill"] as? String, "FFDDEBF7")
    let styles = f["rowStyles"] as? [[String]] ?? []
    for k in 0..<n {
      XCTAssertEqual(styles[k][2], "0.0", "row \(5 + k) has the template row's number format")
      XCTAssertEqual(styles[k][5], "yyyy-mm-dd", "row \(5 + k) has the template row's date format")
    }
    XCTAssertEqual((f["borders"] as? [Any] ?? []).prefix(n + 1).map { $0 as? String ?? "none" }, Array(repeating: "thin", count: n + 1))
    XCTAssertEqual((f["widths"] as? [String: Double])?["A"], 24.7109375)
    XCTAssertEqual(f["printTitles"] as? String, "$3:$4")
    XCTAssertEqual(f["orientation"] as? String, "landscape")
    XCTAssertEqual(f["conditional"] as? [String], ["C5:D\(4 + n)"])
    // python-calamine reads the same values (dates typed, numbers typed).
    let cal = f["calamine"] as? [[String]] ?? []
    for k in 0..<n { XCTAssertEqual(Array(cal[4 + k].prefix(6)), Array(rows[4 + k].prefix(6)), "calamine row \(5 + k)") }
    // Every part but the sheet is the template's, byte for byte.
    XCTAssertEqual(try differingEntries(form, out), ["xl/worksheets/sheet1.xml"])

    // LibreOffice opens it and computes the 合计 row over every row.
    guard PythonReaders.soffice != nil else { throw XCTSkip("soffice (LibreOffice) is not installed") }
    let csv = try PythonReaders.libreOfficeCSV(out, workDir: dir + "/lo").csv
    let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let public_ = expected.reduce(0.0) { $0 + (Double($1[9]) ?? 0) }
    let industry = expected.reduce(0.0) { $0 + (Double($1[10]) ?? 0) }
    let total = lines.first { $0.first == "合计" } ?? []
    XCTAssertEqual(Double(total[2]), public_)
    XCTAssertEqual(Double(total[3]), industry)
    XCTAssertEqual(Double(total[4]), public_ + industry)
  }

  static func number(_ s: String) -> String {
    if let d = Double(s), d.rounded() == d, !s.contains("-") { return String(Int(d)) }
    return s
  }

  func testStoreExportFillsTheFormToo() throws {
    try requirePython()
    let dir = try CLIRunner.temporaryDirectory()
    let form = try makeForm(dir)
    let store = dir + "/s.sqlite"
    var r = try CLIRunner.run(["merge"] + inputs + ["--schema", "training-hours", "--period", "2023", "--store", store, "-o", dir + "/a.xlsx"])
    XCTAssertNotEqual(r.status, 2, r.stderr)
    r = try CLIRunner.run(["store", "export", "--store", store, "--schema", "training-hours", "--period", "2023",
                           "--template", form, "--agency", "乌审旗司法局", "-o", dir + "/b.xlsx"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let rows = (try readForm(dir + "/b.xlsx")["rows"] as? [[String]]) ?? []
    XCTAssertEqual(rows[1][0], "填报单位：乌审旗司法局　统计期间：2023年度")
    XCTAssertTrue(rows.contains { $0.first == "合计" })
    XCTAssertGreaterThan(rows.firstIndex { $0.first == "合计" } ?? 0, 6)
  }

  func testBadFormsAreClearErrorsBeforeAnythingIsWritten() throws {
    try requirePython()
    let dir = try CLIRunner.temporaryDirectory()
    let out = dir + "/汇总表.xlsx"
    func merge(_ form: String, _ extra: [String]) throws -> CLIResult {
      try CLIRunner.run(["merge"] + inputs + ["--schema", "training-hours", "--template", form, "-o", out] + extra)
    }
    var r = try merge(try makeForm(dir, "nofield"), ["--period", "2023"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("没有占位符"), r.stderr)
    r = try merge(try makeForm(dir, "badfield"), ["--period", "2023", "--agency", "x"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("{.加班时长}（D5）"), r.stderr)
    r = try merge(try makeForm(dir), ["--agency", "乌审旗司法局"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("{period}") && r.stderr.contains("--period"), r.stderr)
    r = try merge(try makeForm(dir, "noperiod"), [])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("{agency}") && r.stderr.contains("--agency"), r.stderr)
    r = try merge(dir + "/不存在.xlsx", ["--period", "2023"])
    XCTAssertEqual(r.status, 2)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written")
  }
}
