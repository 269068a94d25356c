import Recognition
import Tabular
import XCTest

final class RecognitionHeaderTests: XCTestCase {
  // MARK: normalisation

  func testNormalisationOfRealChineseHeaders() {
    let cases: [(String, String, String?)] = [
      ("罚款下限(元)", "罚款下限", "元"),
      ("罚款上限（元）", "罚款上限", "元"),
      ("公共法律\n知识学时", "公共法律知识学时", nil),
      ("　姓　名　", "姓名", nil),
      ("合计（h）", "合计", "h"),
      ("培训学时（小时）", "培训学时", "小时"),
      ("公共法律知识(学时)", "公共法律知识", "学时"),
      ("金额（单位：万元）", "金额", "万元"),
      ("ＩＤ　Ｎｏ．", "idno.", nil),
      ("*文件名称", "文件名称", nil),
      ("文号【必填】", "文号(必填)", nil),
      ("不予（免予）行政处罚", "不予(免予)行政处罚", nil),
      ("培训（轮训）", "培训(轮训)", nil),
      ("面积（㎡）", "面积", "m2"),
      ("序号①", "序号1", nil),
      ("(元)", "(元)", nil),
    ]
    for (raw, key, unit) in cases {
      let l = HeaderLabel(raw)
      XCTAssertEqual(l.key, key, "key of \(raw.debugDescription)")
      XCTAssertEqual(l.unit, unit, "unit of \(raw.debugDescription)")
    }
    XCTAssertEqual(HeaderLabel.fold("〔2022〕[2021]（2020）"), "(2022)(2021)(2020)")
    XCTAssertTrue(HeaderLabel(" \u{3000}\n").isEmpty)
  }

  // MARK: the training-hours layout

  func testTrainingTwoRowMergedHeader() {
    // Without the shipped schema's bare child aliases (`公共法律知识`), only the two-row reading
    // `培训学时/公共法律知识` matches: the parent and child labels are joined.
    let ledgers = [BuiltinLabels.trainingWithoutSlashAliases] + BuiltinLabels.all.dropFirst()
    let rec = TableRecognizer(ledgers: ledgers).recognize(
      rows: TrainingSheet.rows, mergedRanges: TrainingSheet.merged,
      context: SheetContext(fileName: "samples/乌审旗_执法人员培训学时台账.xlsx", sheetName: "培训学时台账"))
    guard let t = rec.table else { return XCTFail("not recognised: \(rec.notes)") }
    XCTAssertEqual(t.ledger.name, "training-hours")
    XCTAssertEqual(t.headerRows, 2...3)
    XCTAssertEqual(t.firstDataRow, 4)
    XCTAssertEqual(t.fieldColumns, Array(0..<12).map { Optional($0) })
    XCTAssertEqual(t.columns.map(\.text)[6...8], ["培训学时/公共法律知识", "培训学时/行业法律知识", "培训学时/合计"])
    XCTAssertEqual(rec.titleLines, ["2023年度行政执法人员培训（轮训）学时台账"])
    XCTAssertEqual(rec.notes.map(\.code.rawValue), ["schema-chosen"])
    XCTAssertEqual(rec.notes[0].params["ledger"], "training-hours")
    XCTAssertNotNil(rec.runnerUp)
    XCTAssertGreaterThan(rec.best!.score, rec.runnerUp!.score + 0.3)
    XCTAssertEqual(rec.best?.keywordHits, 5)  // the shipped title and keywords in the title row and the file name
    XCTAssertEqual(rec.metadata.agency, "乌审旗司法局")
    XCTAssertEqual(rec.metadata.agencySource, .metadataLine)
    XCTAssertEqual(rec.metadata.reportDate, "2023年10月8日")
    XCTAssertEqual(rec.metadata.region, "乌审旗")
  }

  func testShippedTrainingSchemaReadsTheSameColumnsFromTheLowerRow() {
    // The shipped schema lists `公共法律知识` as an alias, so the lower header row alone scores as
    // well as the pair, and the tie goes to the one-row reading: same columns, same data rows.
    let rec = TableRecognizer(ledgers: BuiltinLabels.all).recognize(
      rows: TrainingSheet.rows, mergedRanges: TrainingSheet.merged,
      context: SheetContext(fileName: "samples/乌审旗_执法人员培训学时台账.xlsx", sheetName: "培训学时台账"))
    guard let t = rec.table else { return XCTFail("not recognised: \(rec.notes)") }
    XCTAssertEqual(t.ledger.name, "training-hours")
    XCTAssertEqual(t.headerRows.upperBound, 3)
    XCTAssertEqual(t.firstDataRow, 4)
    XCTAssertEqual(t.fieldColumns, Array(0..<12).map { Optional($0) })
    XCTAssertEqual(rec.notes.map(\.code.rawValue), ["schema-chosen"])
  }

  func testContainedTitleRuleMatchesParentAndChild() {
    let ledger = BuiltinLabels.trainingWithoutSlashAliases
    let rec = TableRecognizer(ledgers: [ledger]).recognize(rows: TrainingSheet.rows, mergedRanges: TrainingSheet.merged)
    guard let t = rec.table else { return XCTFail("not recognised: \(rec.notes)") }
    // 公共法律知识 + 学时 (a suffix of 培训学时) = 公共法律知识学时; 合计 + 学时 = 合计学时.
    XCTAssertEqual(t.fieldColumns[6], 6)
    XCTAssertEqual(t.fieldColumns[7], 7)
    XCTAssertEqual(t.fieldColumns[8], 8)
    XCTAssertFalse(rec.notes.contains { $0.code.rawValue == "missing-label" || $0.code.rawValue == "extra-label" }, "\(rec.notes)")
  }

  func testUnmergedTwoRowHeaderInheritsGroupTitle() {
    // What a CSV export of the same header looks like: the group title typed once, no merges.
    let rows = [
      textRow(0, ["序号", "单位", "姓名", "培训学时", "", "", "培训方式"]),
      textRow(1, ["", "", "", "公共法律知识", "行业法律知识", "合计", ""]),
      textRow(2, ["1", "乌审旗林业和草原局", "高娃", "30", "30", "60", "网络培训"]),
    ]
    let rec = TableRecognizer(ledgers: [BuiltinLabels.trainingWithoutSlashAliases]).recognize(rows: rows)
    guard let t = rec.table else { return XCTFail("not recognised: \(rec.notes)") }
    XCTAssertEqual(t.headerRows, 0...1)
    XCTAssertEqual(t.fieldColumns[6], 3)
    XCTAssertEqual(t.fieldColumns[7], 4)
    XCTAssertEqual(t.fieldColumns[8], 5)
  }

  func testFullWidthAndLineBreaksInHeaderCells() {
    let rows = [
      textRow(0, ["序　号", "单位\n名称", " 姓 名 ", "公共法律\n知识学时", "行业法律\r\n知识学时", "合计学时（ｈ）", "培训日期"]),
      textRow(1, ["１", "乌审旗交通运输局", "巴图", "30", "32", "62", "2023/7/13"]),
    ]
    let rec = TableRecognizer(ledgers: BuiltinLabels.all).recognize(rows: rows)
    guard let t = rec.table else { return XCTFail("not recognised: \(rec.notes)") }
    XCTAssertEqual(t.ledger.name, "training-hours")
    XCTAssertEqual(t.headerRows, 0...0)
    XCTAssertEqual(t.fieldColumns[0], 0)
    XCTAssertEqual(t.fieldColumns[1], 1)
    XCTAssertEqual(t.fieldColumns[2], 2)
    XCTAssertEqual(t.fieldColumns[6], 3)
    XCTAssertEqual(t.fieldColumns[7], 4)
    XCTAssertEqual(t.fieldColumns[8], 5)
    XCTAssertEqual(t.columns[5].unit, "h")
  }

  func testExtraMissingDuplicateAndBlankLabels() {
    let rows = [
      textRow(0, ["关于报送执法人员培训情况的通知"]),
      textRow(1, ["序号", "单位", "姓名", "", "执法证号", "公共法律知识学时", "行业法律知识学时", "合计学时", "联系电话", "姓名"]),
      textRow(2, ["1", "乌审旗应急管理局", "刘洋", "", "15062622000011", "30", "30", "60", "13904771234", "刘洋"]),
    ]
    let rec = TableRecognizer(ledgers: BuiltinLabels.all).recognize(rows: rows, ledgerName: "training-hours")
    guard let t = rec.table else { return XCTFail("not recognised: \(rec.notes)") }
    XCTAssertTrue(rec.ledgerWasNamed)
    XCTAssertFalse(rec.notes.contains { $0.code.rawValue == "schema-chosen" })
    let flat = rec.notes.map { "\($0.code)|\($0.a1 ?? "-")|\($0.params["field"] ?? $0.value ?? "")" }
    XCTAssertEqual(flat, [
      "blank-label|D2|", "extra-label|I2|联系电话", "duplicate-label|J2|name",
      "missing-label|-|id_number", "missing-label|-|role", "missing-label|-|method", "missing-label|-|trained_on",
      "missing-label|-|note",
    ])
    XCTAssertEqual(t.field(ofColumn: 8), nil)
    XCTAssertEqual(t.field(ofColumn: 4), 3)
  }

  func testNormativeSheetsPickValidOrRepealedList() {
    let valid = [
      textRow(0, ["乌审旗规范性文件清理目录（继续有效）"]),
      textRow(1, ["序号", "文件名称", "文号", "制定机关", "发布日期", "有效期至", "备案情况"]),
      textRow(2, ["1", "乌审旗行政执法全过程记录办法", "乌政办发（2020）88号", "乌审旗人民政府办公室", "2020.11.2", "长期", "未备案"]),
    ]
    let repealed = [
      textRow(0, ["乌审旗规范性文件清理目录（宣布失效）"]),
      textRow(1, ["序号", "文件名称", "文号", "制定机关", "发布日期", "失效日期", "备案情况"]),
      textRow(2, ["1", "乌审旗城市管理相对集中行政处罚权实施办法", "乌政发〔2015〕21号", "乌审旗人民政府", "2015-04-20", "2023年6月30日", "已备案"]),
    ]
    let r = TableRecognizer(ledgers: BuiltinLabels.all)
    let a = r.recognize(rows: valid, mergedRanges: ranges(["A1:G1"]), context: SheetContext(sheetName: "继续有效"))
    let b = r.recognize(rows: repealed, mergedRanges: ranges(["A1:G1"]), context: SheetContext(sheetName: "宣布失效"))
    XCTAssertEqual(a.table?.ledger.name, "normative-documents-valid")
    XCTAssertEqual(a.table?.headerRows, 1...1)
    XCTAssertEqual(a.runnerUp?.ledgerName, "normative-documents-repealed")
    XCTAssertEqual(b.table?.ledger.name, "normative-documents-repealed")
    XCTAssertEqual(b.notes.filter { $0.code.rawValue == "missing-label" }.compactMap { $0.params["field"] }, ["reason", "note"])
    // Neither title names an agency: `乌审旗规范性文件清理目录` ends in no institution suffix.
    XCTAssertNil(a.metadata.agency)
  }

  func testSheetThatMatchesNothing() {
    let rows = [textRow(0, ["集中轮训"]), textRow(1, ["网络培训"]), textRow(2, ["执法能力比赛"])]
    let rec = TableRecognizer(ledgers: BuiltinLabels.all).recognize(rows: rows, context: SheetContext(sheetName: "下拉选项", isHidden: true))
    XCTAssertNil(rec.table)
    XCTAssertEqual(rec.notes.map(\.code.rawValue), ["header-not-found"])
    XCTAssertEqual(rec.notes[0].params["sheet"], "下拉选项")
    XCTAssertEqual(rec.notes[0].params["scannedRows"], "3")
  }

  func testUnknownLedgerNameAndDegenerateInputsDoNotTrap() {
    let r = TableRecognizer(ledgers: BuiltinLabels.all, options: RecognitionOptions(headerScanRows: -5))
    XCTAssertEqual(r.recognize(rows: TrainingSheet.rows, ledgerName: "no-such-ledger").notes.map(\.code.rawValue), ["header-not-found"])
    XCTAssertNil(r.recognize(rows: []).table)
    XCTAssertNil(TableRecognizer(ledgers: []).recognize(rows: TrainingSheet.rows).table)
    var odd = Row()
    odd.index = 0
    odd.append(column: 16_000, kind: .string, string: "序号")
    odd.append(column: 16_383, kind: .empty, string: "")
    let huge = ranges(["A1:XFD1048576", "B2:A1"])
    XCTAssertNil(TableRecognizer(ledgers: BuiltinLabels.all).recognize(rows: [odd, odd], mergedRanges: huge).table)
    let empty = LedgerLabels(name: "empty", title: "", fields: [FieldLabels(name: "x", title: "")])
    XCTAssertNil(TableRecognizer(ledgers: [empty]).recognize(rows: [textRow(0, ["", "  "])]).table)
  }

  // MARK: metadata

  func testMetadataLinesAndFileNames() {
    let rows = [
      textRow(0, ["乌审旗市场监督管理局2023年度行政执法人员培训学时台账"]),
      textRow(1, ["填报单位:乌审旗市场监督管理局(盖章)填报日期：2023年7月25日", "", "联系人：", "联系电话： 13904770001"]),
      textRow(2, ["序号", "单位", "姓名", "公共法律知识学时", "行业法律知识学时", "合计学时"]),
    ]
    let rec = TableRecognizer(ledgers: BuiltinLabels.all).recognize(rows: rows)
    XCTAssertEqual(rec.metadata.agency, "乌审旗市场监督管理局")
    XCTAssertEqual(rec.metadata.agencySource, .metadataLine)
    XCTAssertEqual(rec.metadata.reportDate, "2023年7月25日")
    XCTAssertNil(rec.metadata.contact)
    XCTAssertEqual(rec.metadata.phone, "13904770001")
    XCTAssertEqual(rec.metadata.entries.map(\.key), ["填报单位", "填报日期", "联系人", "联系电话"])

    // No metadata line: the title names the agency.
    let titled = TableRecognizer(ledgers: BuiltinLabels.all).recognize(rows: [rows[0], rows[2]])
    XCTAssertEqual(titled.metadata.agency, "乌审旗市场监督管理局")
    XCTAssertEqual(titled.metadata.agencySource, .title)

    // Neither: the file name, only when it names an institution or a known agency.
    let bare = [rows[2]]
    let r = TableRecognizer(ledgers: BuiltinLabels.all)
    let byFile = r.recognize(rows: bare, context: SheetContext(fileName: "/in/乌审旗综合行政执法局_培训台账(1).xlsx"))
    XCTAssertEqual(byFile.metadata.agency, "乌审旗综合行政执法局")
    XCTAssertEqual(byFile.metadata.agencySource, .fileName)
    let region = r.recognize(rows: bare, context: SheetContext(fileName: "乌审旗_执法人员培训学时台账.xlsx"))
    XCTAssertNil(region.metadata.agency)
    XCTAssertEqual(region.metadata.region, "乌审旗")
    let known = r.recognize(rows: bare, context: SheetContext(fileName: "无定河镇-培训台账.xlsx", knownAgencies: ["无定河镇"]))
    XCTAssertEqual(known.metadata.agency, "无定河镇")
  }
}
