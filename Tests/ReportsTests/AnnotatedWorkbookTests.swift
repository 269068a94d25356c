import Foundation
@testable import Reports
import TestSupport
import XCTest

/// The annotated workbook read back by openpyxl, python-calamine and LibreOffice.
final class AnnotatedWorkbookTests: XCTestCase {
  /// Reads a workbook with openpyxl and prints what the assertions need as JSON.
  static let openpyxlScript = #"""
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "freeze": {}, "merged": {}, "rows": {}, "cells": {}}
for ws in wb.worksheets:
    out["freeze"][ws.title] = ws.freeze_panes
    out["merged"][ws.title] = sorted(str(r) for r in ws.merged_cells.ranges)
    rows = []
    for row in ws.iter_rows():
        rows.append([None if c.value is None else str(c.value) for c in row])
    out["rows"][ws.title] = rows
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            info = {}
            if c.hyperlink is not None: info["link"] = c.hyperlink.location
            if c.comment is not None: info["comment"] = c.comment.text
            if c.fill is not None and c.fill.fill_type == "solid": info["fill"] = c.fill.fgColor.rgb
            if info: cells[c.coordinate] = info
    out["cells"][ws.title] = cells
print(json.dumps(out, ensure_ascii=False))
"""#

  struct Readback: Decodable {
    var sheets: [String]
    var freeze: [String: String?]
    var merged: [String: [String]]
    var rows: [String: [[String?]]]
    var cells: [String: [String: Cell]]
    struct Cell: Decodable { var link: String?; var comment: String?; var fill: String? }
  }

  func writeFixture() throws -> String {
    let dir = try ReportFixtures.temporaryDirectory()
    let path = dir + "/培训_校验结果.xlsx"
    try AnnotatedWorkbook(submission: ReportFixtures.submission(), sheets: [ReportFixtures.sourceSheet()]).write(to: path)
    return path
  }

  func readBack(_ path: String) throws -> Readback {
    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    let json = try PythonReaders.runScript(Self.openpyxlScript, arguments: [path])
    return try JSONDecoder().decode(Readback.self, from: Data(json.utf8))
  }

  func testFindingsSheetComesFirstWithOneLinkedRowPerFinding() throws {
    let r = try readBack(try writeFixture())
    let data = ReportFixtures.sheet
    XCTAssertEqual(r.sheets, ["问题清单", data])
    let list = try XCTUnwrap(r.rows["问题清单"])
    XCTAssertEqual(list[0][0], "说明")
    XCTAssertTrue(list[0][1]?.contains("共发现 6 个问题：错误 4 个、警告 1 个、政策提示 1 个。") ?? false, "\(list[0])")
    XCTAssertEqual(list[1], ["序号", "工作表", "单元格", "字段", "原值", "问题", "修改建议", "严重程度"])
    let findings = Array(list.dropFirst(2))
    XCTAssertEqual(findings.count, 7, "one row per kept finding")
    XCTAssertEqual(findings.map { $0[2] }, ["第2行", "E3", "C4", "D4", "E4", "A5", "第2行"])
    XCTAssertEqual(findings.map { $0[7] }, ["错误", "错误", "警告", "政策", "错误", "错误", "提示"])
    let links = try XCTUnwrap(r.cells["问题清单"])
    XCTAssertEqual(links["C4"]?.link, "'培训学时台账'!E3")
    XCTAssertEqual(links["C5"]?.link, "'培训学时台账'!C4")
    XCTAssertEqual(links["C8"]?.link, "'培训学时台账'!A5")
    XCTAssertNil(links["C3"]?.link, "a missing column has no cell to link to")
    XCTAssertEqual(r.freeze["问题清单"] ?? nil, "A3")
  }

  func testBadCellsAreFilledAndCommentedAndDataIsUnchanged() throws {
    let r = try readBack(try writeFixture())
    let data = ReportFixtures.sheet
    let cells = try XCTUnwrap(r.cells[data])
    XCTAssertEqual(cells["E3"]?.fill, "FFFFC7CE")
    XCTAssertTrue(cells["E3"]?.comment?.contains("以数字保存") ?? false, "\(cells["E3"] as Any)")
    XCTAssertTrue(cells["E3"]?.comment?.contains("修改建议") ?? false)
    XCTAssertEqual(cells["C4"]?.fill, "FFFFEB9C", "an empty required cell is filled too")
    XCTAssertEqual(cells["D4"]?.fill, "FFFFEB9C")
    XCTAssertTrue(cells["D4"]?.comment?.contains("公共法律知识培训不少于30学时") ?? false)
    XCTAssertEqual(cells["E4"]?.fill, "FFFFC7CE")
    XCTAssertNil(cells["A3"], "good cells are left alone")
    let rows = try XCTUnwrap(r.rows[data])
    XCTAssertEqual(rows[1], ["姓名", "单位", "职务", "公共法律知识学时", "身份证号"])
    XCTAssertEqual(rows[2][0], "王伟")
    XCTAssertEqual(rows[2][3], "32.5")
    XCTAssertEqual(rows[3][2], nil)
    XCTAssertEqual(rows[3][4], "150626198506192263")
    XCTAssertEqual(rows[4][0], "<script>alert(1)</script>")
    XCTAssertEqual(r.merged[data], ["A1:E1"])
    XCTAssertEqual(r.freeze[data] ?? nil, "A3")
  }

  func testCalamineAndLibreOfficeReadIt() throws {
    let path = try writeFixture()
    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    if PythonReaders.has(module: "python_calamine") {
      let out = try PythonReaders.runScript("""
        import sys
        from python_calamine import CalamineWorkbook
        wb = CalamineWorkbook.from_path(sys.argv[1])
        print(wb.sheet_names)
        print(wb.get_sheet_by_index(1).to_python()[3][3])
        """, arguments: [path])
      XCTAssertTrue(out.contains("问题清单"), out)
      XCTAssertTrue(out.contains("28"), out)
    }
    guard PythonReaders.soffice != nil else {
      throw XCTSkip("soffice (LibreOffice) is not installed; install libreoffice-calc-nogui to run this check")
    }
    let work = try ReportFixtures.temporaryDirectory()
    let lo = try PythonReaders.libreOfficeCSV(path, workDir: work, sheet: 2)
    XCTAssertTrue(lo.csv.contains("王伟"), lo.csv)
    XCTAssertFalse(lo.stderr.lowercased().contains("error"), lo.stderr)
  }

  func testReceiptForACleanSubmission() throws {
    let dir = try ReportFixtures.temporaryDirectory()
    var clean = ReportFixtures.submission()
    clean.tables[0].diagnostics = []
    clean.tables[0].stats = .init()
    clean.tables[0].stats.rows = 3
    XCTAssertTrue(clean.isClean)
    let path = dir + "/培训_校验通过.xlsx"
    try ReceiptWorkbook(submission: clean).write(to: path)
    let r = try readBack(path)
    XCTAssertEqual(r.sheets, ["校验回执"])
    let text = (r.rows["校验回执"] ?? []).flatMap { $0.compactMap { $0 } }
    for expected in ["乌审旗司法局_培训<台账>.xlsx", "执法人员培训学时台账", "3 行", "2023-07-25 09:30", "校验通过"] {
      XCTAssertTrue(text.contains(expected), "\(expected) not in \(text)")
    }
  }

  /// A workbook made in memory (a reply's attachment) is the workbook written to a file, as openpyxl reads it:
  /// values, sheets, links, comments, fills, freeze panes and merged ranges.
  func testBytesAreTheWorkbookWrittenToAFile() throws {
    guard PythonReaders.python.path != nil else { throw XCTSkip(PythonReaders.python.reason) }
    let dir = try ReportFixtures.temporaryDirectory()
    var clean = ReportFixtures.submission()
    clean.tables[0].diagnostics = []
    clean.tables[0].stats = .init()
    let annotated = AnnotatedWorkbook(submission: ReportFixtures.submission(), sheets: [ReportFixtures.sourceSheet()])
    let receipt = ReceiptWorkbook(submission: clean)
    for (name, write, bytes) in [("annotated", annotated.write(to:), annotated.bytes), ("receipt", receipt.write(to:), receipt.bytes)] {
      try write(dir + "/\(name)-file.xlsx")
      let made = try bytes()
      XCTAssertEqual(Array(made.prefix(4)), [0x50, 0x4B, 0x03, 0x04], "a ZIP archive")
      try Data(made).write(to: URL(fileURLWithPath: dir + "/\(name)-memory.xlsx"))
      let fromFile = try PythonReaders.runScript(Self.openpyxlScript, arguments: [dir + "/\(name)-file.xlsx"])
      let fromMemory = try PythonReaders.runScript(Self.openpyxlScript, arguments: [dir + "/\(name)-memory.xlsx"])
      XCTAssertEqual(fromMemory, fromFile, name)
      XCTAssertTrue(fromFile.contains(name == "annotated" ? "问题清单" : "校验回执"), fromFile)
    }
  }
}
