import Foundation
import Tabular
import TestSupport
import XCTest
import XLSXWriter

/// Writes workbooks that use every feature and reads them back with openpyxl, python-calamine and LibreOffice.
final class RoundTripTests: XCTestCase {
  private var dir = ""

  override func setUpWithError() throws {
    dir = NSTemporaryDirectory() + "xlsxwrite-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

  private func requirePython(_ modules: [String] = ["openpyxl"]) throws {
    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    for m in modules where !PythonReaders.has(module: m) {
      throw XCTSkip("\(m) is not installed in \(PythonReaders.python.path!); install it in the SHEETGATE_PYTHON venv")
    }
  }

  static let agencies = (1...40).map { "鄂尔多斯市第\($0)执法单位" }
  static let tricky = ["a<b&c>\"q\"", "_x0041_ stays", "ctl\u{1}char", " lead and trail ", "多行\n文本", "😀 emoji"]

  /// Writes the feature workbook used by several tests.
  private func writeFeatureWorkbook(_ path: String, sharedStrings: Bool = true, compressOnOwnThread: Bool = false) throws {
    var opts = WorkbookOptions(sharedStrings: sharedStrings, compressOnOwnThread: compressOnOwnThread)
    opts.properties = DocumentProperties(title: "培训学时台账汇总", author: "鄂尔多斯市司法局",
                                         created: DateTimeParts(year: 2024, month: 6, day: 1, hour: 8, minute: 30))
    let wb = try WorkbookWriter(path: path, options: opts)
    let header = wb.addStyle(.header)
    let red = wb.addStyle(.errorFill)
    let yellow = wb.addStyle(.warningFill)
    let dec = wb.addStyle(CellStyle(numberFormat: "0.0", locked: false))
    let money = wb.addStyle(CellStyle(numberFormat: "#,##0.00"))
    let text = wb.addStyle(CellStyle(numberFormat: "@"))
    let bold = wb.addStyle(CellStyle(bold: true, fontColor: "C00000"))

    let refs = try wb.writeListSheet(name: "代码表", lists: [Self.agencies, ["集中轮训", "网络培训"]])

    try wb.beginSheet(name: "问题清单", options: SheetOptions(freezeRows: 2))
    try wb.writeRow([.text("问题清单（共2条）")], styles: [bold])
    try wb.mergeCells(CellRange("A1:C1")!)
    try wb.writeRow([.text("位置"), .text("问题说明\n（自动生成）"), .text("级别")], styles: [header, header, header], height: 32)
    try wb.writeRow([.text("培训学时台账!C3"), .text("身份证号校验位错误"), .text("错误")])
    try wb.addHyperlink(at: CellAddress("A3")!, location: "#'培训学时台账'!C3", display: "培训学时台账!C3")
    try wb.writeRow([.text("培训学时台账!G4"), .text("学时少于60"), .text("警告")])
    try wb.addHyperlink(at: CellAddress("A4")!, location: WorkbookWriter.reference(sheet: "培训学时台账", "G4"))
    try wb.endSheet()

    try wb.beginSheet(name: "培训学时台账", options: SheetOptions(freezeRows: 1, freezeColumns: 1))
    try wb.setColumnWidths([0: 6])
    try wb.writeRow(["序号", "姓名", "身份证号", "单位", "培训方式", "培训日期", "合计学时", "金额", "备注", "公式", "时间", "是否"].map { .text($0) },
                    styles: Array(repeating: header, count: 12))
    try wb.writeRow([.int(1), .text("王伟"), .text("150602199001011234"), .text(Self.agencies[0]), .text("集中轮训"),
                     .date(year: 2023, month: 7, day: 13), .number("32.50"), .number("15062719000123"), .text(Self.tricky[0]),
                     .formula("=G2*2", cached: .number("65")), .dateTime(year: 2023, month: 7, day: 13, hour: 9, minute: 30, second: 15),
                     .bool(true)],
                    styles: [nil, nil, text, nil, nil, nil, dec, money])
    try wb.writeRow([.int(2), .text("巴特尔"), .text("15060219900101123X"), .text(Self.agencies[39]), .text("网络培训"),
                     .date(year: 2024, month: 2, day: 29), .double(0.1), .number("-1234.5"), .text(Self.tricky[1]),
                     .formula("SUM(G2:G3)", cached: .text("x")), .error("#N/A"), .bool(false)],
                    styles: [nil, nil, red, nil, nil, nil, dec])
    try wb.addComment(at: CellAddress("C3")!, text: "身份证号校验位错误：应为 8", author: "sheetgate")
    var row = Row()
    row.append(column: 0, kind: .number, number: 3, string: "3")
    row.append(column: 1, kind: .string, string: Self.tricky[2])
    row.append(column: 4, kind: .string, string: Self.tricky[3])
    row.append(column: 5, kind: .date, number: 45292, string: "")
    row.append(column: 6, kind: .number, number: 59.5, string: "59.50")
    row.append(column: 8, kind: .string, string: Self.tricky[4] + Self.tricky[5])
    row.append(column: 11, kind: .boolean, number: 1, string: "")
    try wb.write(row: row, styles: [nil, nil, nil, nil, nil, nil, yellow])
    try wb.addComment(at: CellAddress("G4")!, text: "学时少于60", author: "审核员")
    try wb.autofilter(row: 0, columns: 0...11)
    try wb.addDataValidation(DataValidation(ranges: [CellRange("D2:D100")!], rule: .listRange(refs[0]),
                                            promptTitle: "单位", prompt: "从列表中选择"))
    try wb.addDataValidation(DataValidation(ranges: [CellRange("E2:E100")!], rule: .list(["集中轮训", "网络培训", "执法能力比赛"]),
                                            errorTitle: "培训方式", error: "请从下拉列表选择"))
    try wb.addDataValidation(DataValidation(ranges: [CellRange("A2:A100")!], rule: .wholeNumber(min: 1, max: 1_000_000)))
    try wb.addDataValidation(DataValidation(ranges: [CellRange("G2:G100")!], rule: .decimal(min: "0", max: "200.5")))
    try wb.addDataValidation(DataValidation(ranges: [CellRange("F2:F100")!],
                                            rule: .date(from: DateTimeComponents(year: 2023, month: 1, day: 1),
                                                        to: DateTimeComponents(year: 2024, month: 12, day: 31))))
    try wb.protect(SheetProtection(password: "password"))
    try wb.endSheet()
    try wb.close()
  }

  static let openpyxlDump = #"""
import sys, json, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": [], "props": {"title": wb.properties.title, "creator": wb.properties.creator,
       "created": wb.properties.created.isoformat() if wb.properties.created else None}}
def val(v):
    if isinstance(v, datetime.datetime): return "dt:" + v.isoformat()
    if isinstance(v, bool): return "b:" + str(v)
    if isinstance(v, (int, float)): return "n:" + repr(v)
    return v
for ws in wb.worksheets:
    s = {"name": ws.title, "state": ws.sheet_state, "cells": {}, "fmt": {}, "fill": {}, "bold": {},
         "merged": sorted(str(r) for r in ws.merged_cells.ranges), "comments": {}, "links": {},
         "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "dv": [], "protected": ws.protection.sheet,
         "widths": {k: v.width for k, v in ws.column_dimensions.items() if v.customWidth},
         "heights": {k: v.height for k, v in ws.row_dimensions.items() if v.height}}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None: continue
            s["cells"][c.coordinate] = val(c.value)
            s["fmt"][c.coordinate] = c.number_format
            if c.fill.fill_type == "solid": s["fill"][c.coordinate] = c.fill.fgColor.rgb
            if c.font.b: s["bold"][c.coordinate] = True
            if c.comment: s["comments"][c.coordinate] = [c.comment.text, c.comment.author]
            if c.hyperlink: s["links"][c.coordinate] = c.hyperlink.location
    for dv in ws.data_validations.dataValidation:
        s["dv"].append([dv.type, str(dv.sqref), dv.formula1, dv.formula2, dv.prompt, dv.error])
    out["sheets"].append(s)
print(json.dumps(out, ensure_ascii=False))
"""#

  static let calamineDump = #"""
import sys, json, datetime
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
out = {}
def val(v):
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)): return "dt:" + v.isoformat()
    if isinstance(v, bool): return "b:" + str(v)
    if isinstance(v, (int, float)): return "n:" + repr(v)
    return v
for name in wb.sheet_names:
    out[name] = [[val(v) for v in row] for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
print(json.dumps(out, ensure_ascii=False))
"""#

  private func json(_ s: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(s.utf8)) as! [String: Any]
  }

  func testOpenpyxlReadsEveryFeature() throws {
    try requirePython()
    for shared in [true, false] {
      let path = dir + "/features-\(shared).xlsx"
      try writeFeatureWorkbook(path, sharedStrings: shared)
      let out = try json(PythonReaders.runScript(Self.openpyxlDump, arguments: [path]))
      let props = out["props"] as! [String: Any]
      XCTAssertEqual(props["title"] as? String, "培训学时台账汇总")
      XCTAssertEqual(props["creator"] as? String, "鄂尔多斯市司法局")
      XCTAssertEqual(props["created"] as? String, "2024-06-01T08:30:00")
      let sheets = out["sheets"] as! [[String: Any]]
      XCTAssertEqual(sheets.map { $0["name"] as! String }, ["代码表", "问题清单", "培训学时台账"])
      XCTAssertEqual(sheets.map { $0["state"] as! String }, ["hidden", "visible", "visible"])

      let codes = sheets[0]["cells"] as! [String: Any]
      XCTAssertEqual(codes["A40"] as? String, Self.agencies[39])
      XCTAssertEqual(codes["B2"] as? String, "网络培训")

      let issues = sheets[1]
      XCTAssertEqual(issues["merged"] as? [String], ["A1:C1"])
      XCTAssertEqual(issues["freeze"] as? String, "A3")
      XCTAssertEqual((issues["cells"] as! [String: Any])["B2"] as? String, "问题说明\n（自动生成）")
      XCTAssertEqual((issues["heights"] as! [String: Any])["2"] as? Double, 32)
      XCTAssertEqual(issues["links"] as? [String: String], ["A3": "'培训学时台账'!C3", "A4": "'培训学时台账'!G4"])
      XCTAssertEqual((issues["bold"] as! [String: Bool]).keys.sorted(), ["A1", "A2", "B2", "C2"])

      let s = sheets[2]
      let cells = s["cells"] as! [String: Any]
      let expect: [String: Any] = [
        "A2": "n:1", "B2": "王伟", "C2": "150602199001011234", "D2": Self.agencies[0], "F2": "dt:2023-07-13T00:00:00",
        "G2": "n:32.5", "H2": "n:15062719000123", "I2": Self.tricky[0], "J2": "=G2*2", "K2": "dt:2023-07-13T09:30:15",
        "L2": "b:True", "C3": "15060219900101123X", "F3": "dt:2024-02-29T00:00:00", "G3": "n:0.1", "H3": "n:-1234.5",
        "I3": Self.tricky[1], "J3": "=SUM(G2:G3)", "K3": "#N/A", "L3": "b:False",
        "A4": "n:3", "B4": Self.tricky[2], "E4": Self.tricky[3], "F4": "dt:2024-01-01T00:00:00", "G4": "n:59.5",
        "I4": Self.tricky[4] + Self.tricky[5], "L4": "b:True",
      ]
      var expected = expect
      // openpyxl does not decode `_xHHHH_` escapes of control characters (calamine and Excel do), nor
      // any escape in inline strings; the bytes in the file are the escaped form ECMA-376 prescribes.
      expected["B4"] = "ctl_x0001_char"
      if !shared { expected["I3"] = "_x005F_x0041_ stays" }
      for (k, v) in expected { XCTAssertEqual(cells[k] as? String, v as? String, "\(k) shared=\(shared)") }
      XCTAssertNil(cells["C4"])
      let fmt = s["fmt"] as! [String: String]
      XCTAssertEqual(fmt["F2"], "yyyy-mm-dd")
      XCTAssertEqual(fmt["K2"], "yyyy-mm-dd hh:mm:ss")
      XCTAssertEqual(fmt["G2"], "0.0")
      XCTAssertEqual(fmt["H2"], "#,##0.00")
      XCTAssertEqual(fmt["C2"], "@")
      XCTAssertEqual(s["fill"] as? [String: String], ["A1": "FFD9D9D9", "B1": "FFD9D9D9", "C1": "FFD9D9D9", "D1": "FFD9D9D9",
        "E1": "FFD9D9D9", "F1": "FFD9D9D9", "G1": "FFD9D9D9", "H1": "FFD9D9D9", "I1": "FFD9D9D9", "J1": "FFD9D9D9",
        "K1": "FFD9D9D9", "L1": "FFD9D9D9", "C3": "FFFFC7CE", "G4": "FFFFEB9C"])
      XCTAssertEqual(s["comments"] as? [String: [String]], ["C3": ["身份证号校验位错误：应为 8", "sheetgate"], "G4": ["学时少于60", "审核员"]])
      XCTAssertEqual(s["freeze"] as? String, "B2")
      XCTAssertEqual(s["filter"] as? String, "A1:L4")
      XCTAssertEqual(s["protected"] as? Bool, true)
      let widths = s["widths"] as! [String: Double]
      XCTAssertEqual(widths["A"], 6)
      XCTAssertEqual(widths["D"], 24)  // "鄂尔多斯市第40执法单位": 10 CJK × 2 + 2 digits, + 2 padding
      let dv = s["dv"] as! [[Any]]
      XCTAssertEqual(dv.count, 5)
      XCTAssertEqual(dv[0][0] as? String, "list"); XCTAssertEqual(dv[0][2] as? String, "'代码表'!$A$1:$A$40")
      XCTAssertEqual(dv[0][4] as? String, "从列表中选择")
      XCTAssertEqual(dv[1][2] as? String, "\"集中轮训,网络培训,执法能力比赛\""); XCTAssertEqual(dv[1][5] as? String, "请从下拉列表选择")
      XCTAssertEqual(dv[2][0] as? String, "whole"); XCTAssertEqual(dv[2][3] as? String, "1000000")
      XCTAssertEqual(dv[3][0] as? String, "decimal"); XCTAssertEqual(dv[3][3] as? String, "200.5")
      XCTAssertEqual(dv[4][0] as? String, "date"); XCTAssertEqual(dv[4][1] as? String, "F2:F100")
      XCTAssertEqual(dv[4][2] as? String, "44927"); XCTAssertEqual(dv[4][3] as? String, "45657")
    }
  }

  func testCalamineReadsValuesAndTypes() throws {
    try requirePython(["openpyxl", "python_calamine"])
    for shared in [true, false] {
    let path = dir + "/features-\(shared).xlsx"
    try writeFeatureWorkbook(path, sharedStrings: shared)
    let out = try json(PythonReaders.runScript(Self.calamineDump, arguments: [path]))
    let rows = out["培训学时台账"] as! [[Any]]
    func cell(_ r: Int, _ c: Int) -> String? {
      let v = rows[r][c]
      if let s = v as? String { return s }
      return nil
    }
    XCTAssertEqual(rows.count, 4)
    XCTAssertEqual(rows[1].compactMap { $0 as? String },
                   ["n:1.0", "王伟", "150602199001011234", Self.agencies[0], "集中轮训", "dt:2023-07-13", "n:32.5",
                    "n:15062719000123.0", Self.tricky[0], "n:65.0", "dt:2023-07-13T09:30:15", "b:True"])
    XCTAssertEqual(cell(2, 6), "n:0.1")
    XCTAssertEqual(cell(2, 8), Self.tricky[1])
    XCTAssertEqual(cell(2, 9), "x")
    XCTAssertEqual(cell(2, 10), "")  // python-calamine's to_python() gives error cells as ""
    XCTAssertEqual(cell(3, 1), Self.tricky[2])
    XCTAssertEqual(cell(3, 4), Self.tricky[3])
    XCTAssertEqual(cell(3, 8), Self.tricky[4] + Self.tricky[5])
    XCTAssertEqual(cell(3, 2), "")
    let codes = out["代码表"] as! [[Any]]
    XCTAssertEqual(codes.count, 40)
    XCTAssertEqual(codes[39][0] as? String, Self.agencies[39])
    }
  }

  func testLibreOfficeConvertsWithoutComplaint() throws {
    guard PythonReaders.soffice != nil else { throw XCTSkip("soffice (LibreOffice) is not installed; install libreoffice-calc-nogui") }
    let path = dir + "/lo.xlsx"
    try writeFeatureWorkbook(path)
    let (csv, stderr) = try PythonReaders.libreOfficeCSV(path, workDir: dir, sheet: 3)
    XCTAssertFalse(stderr.lowercased().contains("error"), stderr)
    let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    XCTAssertEqual(lines[0], "序号,姓名,身份证号,单位,培训方式,培训日期,合计学时,金额,备注,公式,时间,是否")
    XCTAssertEqual(lines[1], "1,王伟,150602199001011234,\(Self.agencies[0]),集中轮训,2023-07-13,32.5,15062719000123,\"a<b&c>\"\"q\"\"\",65,2023-07-13 09:30:15,TRUE")
    XCTAssertTrue(lines[2].hasPrefix("2,巴特尔,15060219900101123X,\(Self.agencies[39]),网络培训,2024-02-29,0.1,-1234.5,_x0041_ stays,"), lines[2])
    XCTAssertTrue(lines[2].hasSuffix(",#N/A,FALSE"), lines[2])
  }

  func testSheetNameRulesAreCheckedBeforeWriting() throws {
    let path = dir + "/names.xlsx"
    let wb = try WorkbookWriter(path: path)
    for bad in ["", "a[b", "a:b", "a*b", "a?b", "a/b", "a\\b", "'quoted", "quoted'", String(repeating: "长", count: 32), "History"] {
      XCTAssertThrowsError(try wb.beginSheet(name: bad), bad) { e in
        XCTAssertEqual((e as? XLSXWriteError)?.code, .invalidSheetName, bad)
      }
    }
    try wb.beginSheet(name: String(repeating: "长", count: 31))
    try wb.endSheet()
    try wb.beginSheet(name: "Sheet")
    try wb.endSheet()
    XCTAssertThrowsError(try wb.beginSheet(name: "sHEET")) { XCTAssertEqual(($0 as? XLSXWriteError)?.code, .duplicateSheetName) }
    try wb.close()
    XCTAssertTrue(FileManager.default.fileExists(atPath: path))
  }

  func testArgumentErrorsLeaveTheWriterUsable() throws {
    try requirePython()
    let path = dir + "/args.xlsx"
    let wb = try WorkbookWriter(path: path)
    try wb.beginSheet(name: "S")
    XCTAssertThrowsError(try wb.writeRow([.text("ok"), .number("1,000")])) { XCTAssertEqual(($0 as? XLSXWriteError)?.code, .invalidNumber) }
    XCTAssertThrowsError(try wb.writeRow([.date(year: 2023, month: 2, day: 29)])) { XCTAssertEqual(($0 as? XLSXWriteError)?.code, .invalidArgument) }
    XCTAssertThrowsError(try wb.writeRow([.text(String(repeating: "x", count: 32_768))])) { XCTAssertEqual(($0 as? XLSXWriteError)?.code, .textTooLong) }
    try wb.writeRow([.text("a")], at: 4)
    XCTAssertThrowsError(try wb.writeRow([.text("b")], at: 2)) { e in
      let err = e as! XLSXWriteError
      XCTAssertEqual(err.code, .rowOutOfOrder)
      XCTAssertEqual(err.location.sheet, "S")
      XCTAssertEqual(err.location.row, 2)
    }
    XCTAssertThrowsError(try wb.addDataValidation(DataValidation(ranges: [CellRange("A1:A9")!], rule: .list(Self.agencies)))) {
      XCTAssertEqual(($0 as? XLSXWriteError)?.code, .listTooLong)
    }
    try wb.mergeCells(CellRange("A1:B2")!)
    XCTAssertThrowsError(try wb.mergeCells(CellRange("B2:C3")!))
    try wb.writeRow([.text("c")])
    try wb.close()
    let out = try json(PythonReaders.runScript(Self.openpyxlDump, arguments: [path]))
    let cells = (out["sheets"] as! [[String: Any]])[0]["cells"] as! [String: Any]
    XCTAssertEqual(cells as? [String: String], ["A5": "a", "A6": "c"])
  }

  func testFailureLeavesPreviousFileUntouched() throws {
    let path = dir + "/keep.xlsx"
    try Data("previous".utf8).write(to: URL(fileURLWithPath: path))
    do {
      let wb = try WorkbookWriter(path: path)
      try wb.beginSheet(name: "S")
      for i in 0..<5000 { try wb.writeRow([.int(i), .text("row \(i)")]) }
      // released without close(): the temporary file is removed
    }
    let wb2 = try WorkbookWriter(path: path)
    try wb2.beginSheet(name: "hidden", options: SheetOptions(hidden: true))
    XCTAssertThrowsError(try wb2.close()) { XCTAssertEqual(($0 as? XLSXWriteError)?.code, .noVisibleSheet) }
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "previous")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }
    XCTAssertEqual(leftovers, [])
  }

  func testCompressingOnItsOwnThreadWritesTheSameBytes() throws {
    try writeFeatureWorkbook(dir + "/same.xlsx")
    try writeFeatureWorkbook(dir + "/threaded.xlsx", compressOnOwnThread: true)
    let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/same.xlsx"))
    let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/threaded.xlsx"))
    XCTAssertGreaterThan(a.count, 1000)
    XCTAssertEqual(a, b)
    // Released without close() on a deflate thread: the previous file stays, no temporary file is left.
    let path = dir + "/keep.xlsx"
    try Data("previous".utf8).write(to: URL(fileURLWithPath: path))
    do {
      let wb = try WorkbookWriter(path: path, options: WorkbookOptions(compressOnOwnThread: true))
      try wb.beginSheet(name: "S")
      for i in 0..<20000 { try wb.writeRow([.int(i), .text("row \(i)")]) }
    }
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "previous")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }, [])
  }

  func testExactSheetXML() throws {
    try requirePython()
    let path = dir + "/exact.xlsx"
    let wb = try WorkbookWriter(path: path, options: WorkbookOptions(sharedStrings: true))
    try wb.beginSheet(name: "S", options: SheetOptions(autoWidth: false))
    try wb.writeRow([.text("a"), .number("32.50"), .empty, .bool(true), .date(year: 2023, month: 7, day: 13), .double(0.1)])
    try wb.writeRow([.text("a"), .formula("=A1&\"x\"", cached: .text("ax")), .error("#DIV/0!")], height: 20)
    try wb.close()
    XCTAssertEqual(try XLSXPartComparer.part(path, "xl/worksheets/sheet1.xml"),
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      + "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\"/></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><sheetData>"
      + "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>32.50</v></c><c r=\"D1\" t=\"b\"><v>1</v></c>"
      + "<c r=\"E1\" s=\"1\"><v>45120</v></c><c r=\"F1\"><v>0.1</v></c></row>"
      + "<row r=\"2\" ht=\"20\" customHeight=\"1\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"str\"><f>A1&amp;\"x\"</f><v>ax</v></c>"
      + "<c r=\"C2\" t=\"e\"><v>#DIV/0!</v></c></row>"
      + "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>")
    XCTAssertEqual(try XLSXPartComparer.entryNames(path), ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
      "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/core.xml", "docProps/app.xml", "_rels/.rels", "[Content_Types].xml"])
  }
}
