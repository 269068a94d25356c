import Foundation
import TestSupport
import XCTest

/// `sheetgate template`: what openpyxl reads back, round trips through openpyxl and LibreOffice,
/// recognition by the marker, and a marker that contradicts the content.
final class TemplateTests: XCTestCase {
  let root = Corpus.repositoryRoot(filePath: #filePath)
  var roster: String { root + "/samples/本级行政执法部门名单.xlsx" }
  static let starLedgers = ["training-hours", "discretion-benchmarks", "normative-documents-valid"]

  func requirePython() throws -> String {
    guard let p = PythonReaders.python.path else { throw XCTSkip(PythonReaders.python.reason) }
    return p
  }

  func requireSoffice() throws {
    guard PythonReaders.soffice != nil else {
      throw XCTSkip("soffice (LibreOffice) is not installed; install libreoffice-calc-nogui to run this check")
    }
  }

  func template(_ schema: String, _ dir: String, _ extra: [String] = []) throws -> String {
    let out = dir + "/\((schema as NSString).lastPathComponent).xlsx"
    let r = try CLIRunner.run(["template", schema, "-o", out] + extra)
    XCTAssertEqual(r.status, 0, r.stderr)
    return out
  }

  // MARK: What openpyxl reads back

  static let readBack = #"""
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
out = {
  "sheets": [[w.title, w.sheet_state] for w in wb.worksheets],
  "custom": {p.name: p.value for p in wb.custom_doc_props.props},
  "title": ws["A1"].value, "meta": ws["A2"].value,
  "merged": sorted(str(r) for r in ws.merged_cells.ranges),
  "header": [c.value for c in ws[3]],
  "headerBold": all(c.font.b for c in ws[3]),
  "freeze": ws.freeze_panes,
  "protected": bool(ws.protection.sheet), "password": ws.protection.password,
  "headerLocked": all(c.protection.locked for c in ws[3]), "titleLocked": ws["A1"].protection.locked,
  "dataUnlocked": all(not ws.cell(row=r, column=c).protection.locked for r in (4, int(sys.argv[2]) + 3) for c in range(1, ws.max_column + 1)),
  "belowLocked": ws.cell(row=int(sys.argv[2]) + 4, column=1).protection.locked,
  "formats": [ws.cell(row=4, column=c).number_format for c in range(1, ws.max_column + 1)],
  "widths": [ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, ws.max_column + 1)],
  "validations": [{"type": v.type, "sqref": str(v.sqref), "f1": v.formula1, "f2": v.formula2, "promptTitle": v.promptTitle,
                   "prompt": v.prompt, "error": v.error, "showInput": bool(v.showInputMessage), "errorStyle": v.errorStyle}
                  for v in ws.data_validations.dataValidation],
  "printTitles": ws.print_title_rows, "orientation": ws.page_setup.orientation, "fitToWidth": ws.page_setup.fitToWidth,
  "fitToPage": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
  "footer": ws.oddFooter.center.text,
  "instructions": [[c for c in row] for row in wb["填表说明"].iter_rows(values_only=True)],
}
print(json.dumps(out, ensure_ascii=False))
"""#

  func readBack(_ path: String, rows: Int) throws -> [String: Any] {
    _ = try requirePython()
    let json = try PythonReaders.runScript(Self.readBack, arguments: [path, String(rows)])
    return try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
  }

  func testTrainingHoursTemplateAsOpenpyxlReadsIt() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let path = try template("training-hours", dir, ["--agency", "乌审旗司法局", "--period", "2023", "--rows", "50", "--roster", roster])
    let t = try readBack(path, rows: 50)
    XCTAssertEqual(t["custom"] as? [String: String] ?? [:], [
      "sheetgate.schema": "training-hours", "sheetgate.schemaVersion": (t["custom"] as? [String: String])?["sheetgate.schemaVersion"] ?? "?",
      "sheetgate.agency": "乌审旗司法局", "sheetgate.period": "2023",
    ])
    XCTAssertEqual(((t["custom"] as? [String: String])?["sheetgate.schemaVersion"] ?? "").count, 16)
    XCTAssertEqual(t["title"] as? String, "2023年度执法人员培训学时台账")
    XCTAssertEqual(t["meta"] as? String, "填报单位：乌审旗司法局")
    XCTAssertTrue((t["merged"] as? [String] ?? []).contains("A1:L1"))
    XCTAssertEqual(t["header"] as? [String], ["序号", "单位", "姓名", "执法证号", "身份证号", "职务", "公共法律知识学时",
                                              "行业法律知识学时", "合计学时", "培训方式", "培训日期", "备注"])
    XCTAssertEqual(t["headerBold"] as? Bool, true)
    XCTAssertEqual(t["freeze"] as? String, "A4")
    XCTAssertEqual(t["protected"] as? Bool, true)
    XCTAssertNil(t["password"] as? String, "no password: protection against accidents only")
    XCTAssertEqual(t["headerLocked"] as? Bool, true)
    XCTAssertEqual(t["titleLocked"] as? Bool, true)
    XCTAssertEqual(t["dataUnlocked"] as? Bool, true, "every cell of the first and last data rows is editable")
    XCTAssertEqual(t["belowLocked"] as? Bool, true, "the row after the data area is not part of it")
    let formats = t["formats"] as? [String] ?? []
    XCTAssertEqual(formats[3], "@", "执法证号 is text")
    XCTAssertEqual(formats[4], "@", "身份证号 is text")
    XCTAssertEqual(formats[10], "yyyy-mm-dd")
    let widths = t["widths"] as? [Double] ?? []
    XCTAssertGreaterThanOrEqual(widths[4], 22, "an 18-digit ID fits")
    XCTAssertGreaterThanOrEqual(widths[6], 19, "公共法律知识学时 fits: \(widths)")

    let v = t["validations"] as? [[String: Any]] ?? []
    XCTAssertEqual(v.count, 12, "one validation per column")
    func rule(_ col: String) -> [String: Any] { v.first { ($0["sqref"] as? String) == "\(col)4:\(col)53" } ?? [:] }
    XCTAssertEqual(rule("A")["type"] as? String, "whole")
    XCTAssertEqual(rule("A")["f1"] as? String, "1")
    XCTAssertEqual(rule("B")["type"] as? String, "list", "the agency column is a dropdown of the roster")
    XCTAssertTrue((rule("B")["f1"] as? String ?? "").contains("乌审旗市场监督管理局"))
    XCTAssertEqual(rule("E")["type"] as? String, "textLength")
    XCTAssertEqual(rule("G")["type"] as? String, "decimal")
    XCTAssertEqual(rule("G")["f1"] as? String, "0")
    XCTAssertEqual(rule("G")["f2"] as? String, "1000")
    XCTAssertEqual(rule("J")["f1"] as? String, "\"集中轮训,网络培训,执法能力比赛\"")
    XCTAssertEqual(rule("K")["type"] as? String, "date")
    for r in v {
      XCTAssertEqual(r["showInput"] as? Bool, true)
      XCTAssertFalse((r["prompt"] as? String ?? "").isEmpty)
      XCTAssertFalse((r["error"] as? String ?? "").isEmpty)
    }
    XCTAssertTrue((rule("G")["prompt"] as? String ?? "").hasPrefix("必填。填写数字。范围：0～1000。示例："), "\(rule("G"))")
    XCTAssertTrue((rule("K")["prompt"] as? String ?? "").contains("2023-06-15"))
    XCTAssertEqual(rule("G")["promptTitle"] as? String, "公共法律知识学时（必填）")

    XCTAssertEqual(t["printTitles"] as? String, "$3:$3")
    XCTAssertEqual(t["orientation"] as? String, "landscape")
    XCTAssertEqual(t["fitToWidth"] as? Int, 1)
    XCTAssertEqual(t["fitToPage"] as? Bool, true)
    XCTAssertEqual(t["footer"] as? String, "第 &P 页，共 &N 页")

    // 填表说明: every field with required / type / allowed values / example, and the rules in Chinese.
    let ins = (t["instructions"] as? [[Any]] ?? []).map { $0.map { ($0 as? String) ?? "" } }
    let fieldRows = ins.filter { $0.count >= 6 && ["序号", "单位", "姓名", "身份证号", "培训方式"].contains($0[0]) }
    XCTAssertEqual(fieldRows.count, 5, "\(ins)")
    let method = ins.first { $0.first == "培训方式" } ?? []
    XCTAssertEqual(method[1], "否")
    XCTAssertEqual(method[3], "集中轮训、网络培训、执法能力比赛")
    let id = ins.first { $0.first == "身份证号" } ?? []
    XCTAssertEqual(id[4].count, 18)
    let text = ins.flatMap { $0 }.joined(separator: "\n")
    XCTAssertTrue(text.contains("合计学时应等于公共法律知识学时与行业法律知识学时之和。【必须满足】"), text)
    XCTAssertTrue(text.contains("每人每年培训不少于60学时。【政策要求"), text)
    XCTAssertTrue(text.contains("「单位」+「执法证号」不得重复"), text)
    XCTAssertTrue(text.contains("示例行"), text)
  }

  func testLongListsGoToAHiddenSheetAndAnySchemaFileWorks() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let values = (1...40).map { "第\($0)类事项名称" }
    let yaml = """
      name: item-catalog
      title: 事项目录
      fields:
        - {name: item, title: 事项, type: string, constraints: {required: true, enum: [\(values.joined(separator: ", "))]}}
        - {name: count, title: 数量, type: integer, constraints: {minimum: 0, maximum: 99}}
        - {name: doc, title: 文号, type: string, format: doc-number}
      """
    try yaml.write(toFile: dir + "/catalog.yaml", atomically: true, encoding: .utf8)
    let path = try template(dir + "/catalog.yaml", dir)
    let t = try readBack(path, rows: 200)
    XCTAssertEqual((t["sheets"] as? [[String]])?.map { $0.joined(separator: ":") }, ["事项目录:visible", "填表说明:visible", "代码表:hidden"])
    let v = t["validations"] as? [[String: Any]] ?? []
    XCTAssertEqual(v.first?["f1"] as? String, "'代码表'!$A$1:$A$40")
    XCTAssertEqual(v[1]["f2"] as? String, "99")
    XCTAssertEqual((t["formats"] as? [String])?[2], "@", "文号 is text")
    XCTAssertEqual((t["custom"] as? [String: String])?["sheetgate.schema"], "item-catalog")
  }

  func testBadArgumentsAreUsageErrorsAndNothingIsWritten() throws {
    let dir = try CLIRunner.temporaryDirectory()
    var r = try CLIRunner.run(["template", "no-such-ledger", "-o", dir + "/x.xlsx"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("no-such-ledger"), r.stderr)
    r = try CLIRunner.run(["template", "training-hours", "--rows", "0", "-o", dir + "/x.xlsx"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("--rows"), r.stderr)
    r = try CLIRunner.run(["template", "training-hours", "--agency", "乌审旗市场监管局", "--roster", roster, "-o", dir + "/x.xlsx"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("乌审旗市场监督管理局"), "suggests the roster's name: \(r.stderr)")
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.xlsx"))
  }

  // MARK: Round trips

  /// Fills a template's first sheet with openpyxl: argv = template, output, JSON list of rows (cells by column,
  /// `{"date": "2023-06-15"}` for dates), optional JSON header row to overwrite row 3.
  static let fill = #"""
import datetime, json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
for c in ws[2]:
    if isinstance(c.value, str) and c.value.startswith("填报日期"):
        c.value = "填报日期：2023年12月20日"
if len(sys.argv) > 4:
    for j, h in enumerate(json.loads(sys.argv[4])):
        ws.cell(row=3, column=j + 1, value=h)
for i, row in enumerate(json.loads(sys.argv[3])):
    for j, v in enumerate(row):
        if isinstance(v, dict):
            v = datetime.date.fromisoformat(v["date"])
        if v is not None:
            ws.cell(row=4 + i, column=j + 1, value=v)
wb.save(sys.argv[2])
"""#

  func fill(_ template: String, _ out: String, _ rows: [[Any?]], header: [String]? = nil) throws {
    _ = try requirePython()
    let data = try JSONSerialization.data(withJSONObject: rows.map { $0.map { $0 ?? NSNull() } })
    var args = [template, out, String(decoding: data, as: UTF8.self)]
    if let header { args.append(String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self)) }
    _ = try PythonReaders.runScript(Self.fill, arguments: args)
  }

  /// Correct rows for each ★ ledger.
  static var goodRows: [String: [[Any?]]] { [
    "training-hours": [
      [1, "乌审旗司法局", "王伟", "15060020230001", "150627199003071231", "科员", 32, 30, 62, "集中轮训", ["date": "2023-06-15"], nil],
      [2, "乌审旗司法局", "其其格", "15060020230002", nil, "科长", 40.5, 30, 70.5, "网络培训", ["date": "2023-07-01"], "补训"],
    ],
    "discretion-benchmarks": [
      [1, "乌审旗司法局", "行政处罚", "未按规定公示执法信息", "《行政处罚法》第三十九条", "一般", "首次违法", 1000, 5000, ["date": "2023-03-01"], "已备案"],
      [2, "乌审旗司法局", "行政处罚", "未按规定公示执法信息", "《行政处罚法》第三十九条", "从重", "再次违法", 5000, 10000, ["date": "2023-03-01"], "已备案"],
    ],
    "normative-documents-valid": [
      [1, "乌审旗人民政府办公室关于印发行政执法公示制度的通知", "乌政办发〔2022〕115号", "乌审旗人民政府办公室", ["date": "2022-06-01"], ["date": "2027-06-01"], "已备案"],
    ],
  ] }

  func validateJSON(_ path: String, _ extra: [String] = []) throws -> (status: Int32, json: [String: Any]) {
    let r = try CLIRunner.run(["validate", path, "--format", "json", "--roster", roster] + extra)
    let json = (try? JSONSerialization.jsonObject(with: r.stdoutBytes)) as? [String: Any] ?? [:]
    return (r.status, json)
  }

  func findings(_ json: [String: Any]) -> [(type: String, cell: String, severity: String)] {
    (json["tasks"] as? [[String: Any]] ?? []).flatMap { t in
      (t["errors"] as? [[String: Any]] ?? []).map {
        (($0["type"] as? String) ?? "", ($0["a1"] as? String) ?? "", ($0["severity"] as? String) ?? "")
      }
    }
  }

  func testFilledByOpenpyxlAndResavedByLibreOfficeValidateCleanAndAreRecognisedByTheMarker() throws {
    _ = try requirePython()
    try requireSoffice()
    let dir = try CLIRunner.temporaryDirectory()
    for ledger in Self.starLedgers {
      let t = try template(ledger, dir, ["--agency", "乌审旗司法局", "--period", "2023", "--roster", roster])
      let filled = dir + "/\(ledger)-填报.xlsx"
      XCTAssertNotNil(Self.goodRows[ledger], ledger)
      try fill(t, filled, Self.goodRows[ledger]!)
      let resaved = try PythonReaders.libreOfficeConvert(filled, to: "xlsx", workDir: dir + "/lo-\(ledger)").path
      for path in [filled, resaved] {
        let (status, json) = try validateJSON(path)
        let f = findings(json)
        XCTAssertEqual(status, 0, "\(ledger) \(path): \(f)")
        XCTAssertEqual(f.filter { $0.severity != "info" }.map { "\($0.type)@\($0.cell)" }, [], "\(ledger) \(path)")
        let tasks = json["tasks"] as? [[String: Any]] ?? []
        XCTAssertEqual(tasks.map { $0["schema"] as? String }, [ledger], "exactly one table, the marked ledger: \(path)")
        let recognised = (tasks.first?["errors"] as? [[String: Any]] ?? []).first { ($0["type"] as? String) == "template-recognized" }
        let params = recognised?["parameters"] as? [String: String] ?? [:]
        XCTAssertEqual(params["ledger"], ledger, path)
        XCTAssertEqual(params["agency"], "乌审旗司法局", path)
        XCTAssertEqual(params["period"], "2023", path)
        XCTAssertFalse(f.contains { $0.type == "schema-chosen" }, "no guessing: \(f)")
      }
    }
  }

  func testOneWrongValuePerFieldGivesExactlyThoseFindings() throws {
    _ = try requirePython()
    let dir = try CLIRunner.temporaryDirectory()
    let t = try template("training-hours", dir, ["--agency", "乌审旗司法局", "--period", "2023"])
    func id(_ first17: String) -> String {
      let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
      let s = zip(first17, w).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
      return first17 + String(Array("10X98765432")[s % 11])
    }
    func good(_ n: Int) -> [Any?] {
      [n, "乌审旗司法局", "王伟", "1506002023\(1000 + n)", id("15062719900307\(100 + n)"), "科员", 32, 30, 62, "集中轮训",
       ["date": "2023-06-15"], nil]
    }
    // (column index, wrong value, expected finding type); each in its own row.
    let wrong: [(Int, Any, String)] = [
      (0, 0, "constraint-error"),                // 序号 below its minimum 1
      (1, "不存在的单位", "foreign-key"),          // 单位 not on the roster
      (2, "王伟123", "type-error"),               // 姓名 is no name
      (3, "证号#1", "type-error"),                // 执法证号 with characters a certificate number has not
      (4, "150627199003071230", "type-error"),    // 身份证号 with a wrong check digit
      (6, "三十二", "type-error"),                 // 公共法律知识学时 in words
      (9, "自学", "constraint-error"),             // 培训方式 not one of the three
      (10, "明年", "type-error"),                  // 培训日期 no date
    ]
    var rows: [[Any?]] = []
    for (k, (col, value, _)) in wrong.enumerated() {
      var r = good(k + 1)
      r[col] = value
      rows.append(r)
    }
    let filled = dir + "/错.xlsx"
    try fill(t, filled, rows)
    let (status, json) = try validateJSON(filled)
    XCTAssertEqual(status, 1)
    let cellFindings = findings(json).filter { ["type-error", "constraint-error", "foreign-key"].contains($0.type) }
    let got = Set(cellFindings.map { "\($0.type)@\($0.cell)" })
    let expected = Set(wrong.enumerated().map { (k, w) in
      "\(w.2)@\(String(UnicodeScalar(UInt8(65 + w.0))))\(4 + k)"
    })
    XCTAssertEqual(got, expected)
    XCTAssertEqual(cellFindings.count, wrong.count, "\(cellFindings)")
  }

  func testAMarkerThatContradictsTheContentIsReported() throws {
    _ = try requirePython()
    let dir = try CLIRunner.temporaryDirectory()
    let t = try template("training-hours", dir, ["--agency", "乌审旗司法局", "--period", "2023"])
    // A discretion-benchmarks table pasted over the training-hours template.
    let pasted = dir + "/粘贴.xlsx"
    try fill(t, pasted, Self.goodRows["discretion-benchmarks"]!,
             header: ["序号", "部门", "行为类别", "违法行为", "法律依据", "裁量阶次", "适用情形", "罚款下限(元)", "罚款上限(元)", "公布日期", "备案情况", ""])
    let (status, json) = try validateJSON(pasted)
    XCTAssertEqual(status, 1)
    let f = findings(json)
    XCTAssertTrue(f.contains { $0.type == "template-marker-mismatch" && $0.severity == "error" }, "\(f)")
    let tasks = json["tasks"] as? [[String: Any]] ?? []
    XCTAssertEqual(tasks.first?["schema"] as? String, "discretion-benchmarks", "the content decides what is checked")
    let text = try CLIRunner.run(["validate", pasted, "--roster", roster])
    XCTAssertTrue(text.stdout.contains("模板标记为「执法人员培训学时台账」，但表头是「行政裁量权基准统计表」"), text.stdout)
  }

  func testLibreOfficeOpensEveryTemplateAndPrintsEveryHeaderOnPageOne() throws {
    try requireSoffice()
    let dir = try CLIRunner.temporaryDirectory()
    // Every built-in ledger, converted to PDF in one LibreOffice run.
    let names = try CLIRunner.run(["schema", "list"]).stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    XCTAssertGreaterThanOrEqual(names.count, 16)
    var paths: [String] = []
    for ledger in names { paths.append(try template(ledger, dir, ["--period", "2023", "--rows", "60"])) }
    let r = try PythonReaders.run([PythonReaders.soffice!, "-env:UserInstallation=file://\(dir)/lo-profile", "--headless", "--norestore",
                                   "--convert-to", "pdf", "--outdir", dir + "/pdf"] + paths)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertFalse(r.stderr.lowercased().contains("error"), r.stderr)
    for (ledger, path) in zip(names, paths) {
      let pdf = dir + "/pdf/" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".pdf"
      XCTAssertTrue(FileManager.default.fileExists(atPath: pdf), "LibreOffice opened and printed \(ledger)")
      guard let pages = try PythonReaders.pdfPages(pdf) else { throw XCTSkip("pdftotext (poppler-utils) is not installed") }
      let page1 = pages.first?.filter { !$0.isWhitespace } ?? ""
      let titles = try headerTitles(path)
      XCTAssertFalse(titles.isEmpty, ledger)
      for title in titles { XCTAssertTrue(page1.contains(title), "\(ledger): \(title) not on page 1") }
    }
  }

  /// The header row (row 3) of a template, as openpyxl reads it, spaces removed.
  func headerTitles(_ path: String) throws -> [String] {
    _ = try requirePython()
    let out = try PythonReaders.runScript(
      "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]\nprint('\\n'.join(str(c.value) for c in ws[3] if c.value))",
      arguments: [path])
    return out.split(separator: "\n").map { String($0).filter { !$0.isWhitespace } }
  }
}
