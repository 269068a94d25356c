import CSV
import Foundation
import Recognition
import Tabular
import TestSupport
import XCTest

final class RecognitionTableReaderTests: XCTestCase {
  /// Reads every data row as (sheet row, [field: text]).
  private func drain<S>(_ reader: inout TableReader<S>) throws -> [(Int, [Int: String])] {
    var out: [(Int, [Int: String])] = []
    var row = Row()
    while try reader.nextRow(into: &row) {
      var cells: [Int: String] = [:]
      let table = try XCTUnwrap(reader.recognition.table)
      for i in row.cells.indices {
        let field = try XCTUnwrap(table.field(ofColumn: Int(row.cells[i].column)), "only mapped columns are kept")
        cells[field] = row.text(i)
      }
      XCTAssertEqual(row.cells.map(\.column), row.cells.map(\.column).sorted(), "cells in sheet-column order")
      out.append((row.index, cells))
    }
    return out
  }

  func testTrainingSheetDataFooterTotalsAndMergedAgency() throws {
    var reader = try TableReader(source: ArraySource(TrainingSheet.rows), recognizer: TableRecognizer(ledgers: BuiltinLabels.all),
                                 context: SheetContext(fileName: "乌审旗_执法人员培训学时台账.xlsx", sheetName: "培训学时台账"),
                                 mergedRanges: TrainingSheet.merged)
    XCTAssertTrue(reader.isRecognized)
    let rows = try drain(&reader)
    XCTAssertEqual(rows.map(\.0), [4, 5, 6, 7, 8])
    XCTAssertEqual(reader.dataRowCount, 5)
    XCTAssertEqual(rows.map { $0.1[1] }, ["乌审旗市场监督管理局", "乌审旗市场监督管理局", "乌审旗市场监督管理局",
                                         "乌审旗综合行政执法局", "乌审旗综合行政执法局"])
    XCTAssertEqual(rows[1].1[2], "乌力吉·巴特尔")
    XCTAssertEqual(rows[1].1[4], "15062619900101123X")
    XCTAssertEqual(rows[3].1[7], "36.5")
    XCTAssertEqual(rows[0].1.count, 11)  // 备注 is blank in every row
    let notes = reader.notes.map { "\($0.code)|\($0.a1 ?? "row\(($0.row ?? -2) + 1)")|\($0.value ?? "")|\($0.params["range"] ?? $0.params["kind"] ?? "")" }
    XCTAssertEqual(notes, [
      "schema-chosen|row4|执法人员培训学时台账|",
      "merged-cell-filled|B6|乌审旗市场监督管理局|B5:B7",
      "merged-cell-filled|B9|乌审旗综合行政执法局|B8:B9",
      "footer-skipped|A10|合计|totals",
      "footer-skipped|A12|填表人：赵敏|signature",
    ])
    XCTAssertEqual(reader.totals?.row, 9)
    XCTAssertEqual(reader.totals?.label, "合计")
    XCTAssertEqual(reader.totals?.values.map(\.field), [6])
    XCTAssertEqual(reader.totals?.values.first?.number, 160.5)
    XCTAssertEqual(reader.metadata.filler, "赵敏")
    XCTAssertEqual(reader.metadata.phone, "0477-2521381")
    XCTAssertEqual(reader.metadata.agency, "乌审旗司法局")
    XCTAssertEqual(try drain(&reader).count, 0, "the reader stays at its end")
  }

  func testBlankRowsSubtotalsAndGapsInsideData() throws {
    let rows = [
      textRow(0, ["序号", "部门", "行为类别", "违法行为", "法律依据", "裁量阶次"]),
      textRow(1, ["1", "乌审旗市场监督管理局", "行政处罚", "未按规定公示营业执照", "《无证无照经营查处办法》第十四条", "一般"]),
      textRow(2, ["", "", "", "", "", ""]),
      textRow(3, []),
      textRow(4, ["2", "乌审旗市场监督管理局", "行政处罚", "销售不符合食品安全标准的食品", "《食品安全法》第一百二十四条", "从轻"]),
      textRow(5, ["小　计", "", "", "", "", ""]),
      // row 6 missing entirely (XLSX omits empty rows)
      textRow(7, ["3", "乌审旗生态环境局", "行政处罚", "未批先建", "《环境影响评价法》第三十一条", "从重"]),
      textRow(8, []),
      textRow(9, ["合  计："]),
    ]
    var reader = try TableReader(source: ArraySource(rows), recognizer: TableRecognizer(ledgers: BuiltinLabels.all))
    let data = try drain(&reader)
    XCTAssertEqual(reader.recognition.table?.ledger.name, "discretion-benchmarks")
    XCTAssertEqual(data.map(\.0), [1, 4, 7])
    XCTAssertEqual(data.map { $0.1[5] }, ["一般", "从轻", "从重"])
    let notes = reader.notes.filter { $0.code.rawValue != "schema-chosen" && $0.code.rawValue != "missing-label" }
      .map { "\($0.code)|\(($0.row ?? -2) + 1)|\($0.params["count"] ?? $0.params["kind"] ?? "")" }
    XCTAssertEqual(notes, ["blank-row|3|2", "footer-skipped|6|subtotal", "blank-row|7|1", "footer-skipped|10|totals"])
  }

  func testFooterWordsOnlyEndDataWhenTheyAreTheFooter() throws {
    let rows = [
      textRow(0, ["序号", "文件名称", "文号", "制定机关", "发布日期", "有效期至"]),
      textRow(1, ["1", "合计", "乌政发〔2022〕1号", "乌审旗人民政府", "2022-01-01", "长期"]),  // 合计 not in the first cell
      textRow(2, ["合计金额统计办法", "", "乌政发〔2022〕2号", "乌审旗人民政府", "2022-01-01", "长期"]),
      textRow(3, ["审核人（签字）：张三", "", "", "", "", "制表人：李四"]),
      textRow(4, ["5", "迟到的数据行", "", "", "", ""]),
    ]
    var reader = try TableReader(source: ArraySource(rows), recognizer: TableRecognizer(ledgers: BuiltinLabels.all))
    XCTAssertEqual(try drain(&reader).map(\.0), [1, 2])
    XCTAssertEqual(reader.notes.filter { $0.code.rawValue == "footer-skipped" }.map { $0.params["kind"] ?? "" }, ["signature", "after-footer"])
    XCTAssertNil(reader.totals)
    XCTAssertEqual(reader.metadata.filler, "李四")
    XCTAssertEqual(reader.metadata.entries.first?.key, "审核人(签字)")
    XCTAssertEqual(reader.metadata.reviewer, "张三")
  }

  func testSheetThatMatchesNothingIsSkippedWithANote() throws {
    let lists = [textRow(0, ["集中轮训"]), textRow(1, ["网络培训"]), textRow(2, ["执法能力比赛"])]
    var reader = try TableReader(source: ArraySource(lists), recognizer: TableRecognizer(ledgers: BuiltinLabels.all),
                                 context: SheetContext(fileName: "乌审旗_执法人员培训学时台账.xlsx", sheetName: "下拉选项", isHidden: true))
    XCTAssertFalse(reader.isRecognized)
    var row = Row()
    XCTAssertFalse(try reader.nextRow(into: &row))
    XCTAssertEqual(reader.notes.map(\.code.rawValue), ["header-not-found", "sheet-skipped"])
    XCTAssertEqual(reader.notes[1].params, ["sheet": "下拉选项", "hidden": "true"])
  }

  func testHeaderBeyondTheScanBufferIsNotFound() throws {
    var rows = (0..<40).map { textRow($0, ["说明第\($0)行"]) }
    rows.append(textRow(40, ["序号", "文件名称", "文号", "制定机关", "发布日期", "有效期至"]))
    let small = try TableReader(source: ArraySource(rows), recognizer: TableRecognizer(ledgers: BuiltinLabels.all))
    XCTAssertFalse(small.isRecognized)
    let large = try TableReader(source: ArraySource(rows),
                                recognizer: TableRecognizer(ledgers: BuiltinLabels.all, options: RecognitionOptions(headerScanRows: 50)))
    XCTAssertEqual(large.recognition.table?.headerRows, 40...40)
  }

  func testNoteLimitIsRespected() throws {
    var rows = [textRow(0, ["序号", "文件名称", "文号", "制定机关", "发布日期", "有效期至"])]
    for i in 1...40 { rows.append(textRow(2 * i - 1, ["\(i)", "文件\(i)", "乌政发〔2022〕\(i)号", "乌审旗人民政府", "2022-01-01", "长期"])) }
    var reader = try TableReader(source: ArraySource(rows),
                                 recognizer: TableRecognizer(ledgers: BuiltinLabels.all, options: RecognitionOptions(noteLimit: 10)))
    XCTAssertEqual(try drain(&reader).count, 40)
    XCTAssertEqual(reader.notes.count, 10)
    XCTAssertTrue(reader.notesTruncated)
  }

  // MARK: CSV files

  func testDiscretionBenchmarkGBKCSV() throws {
    let path = recognitionRepositoryRoot.appendingPathComponent("samples/乌审旗_行政裁量权基准_gbk.csv").path
    var reader = try TableReader(source: try CSVRowReader(path: path), recognizer: TableRecognizer(ledgers: BuiltinLabels.all),
                                 context: SheetContext(fileName: path))
    guard let t = reader.recognition.table else { return XCTFail("\(reader.notes)") }
    XCTAssertEqual(t.ledger.name, "discretion-benchmarks")
    XCTAssertEqual(t.headerRows, 0...0)
    XCTAssertEqual(t.columns[7].text, "罚款下限(元)")
    XCTAssertEqual(t.columns[7].unit, "元")
    XCTAssertEqual(t.columns[8].unit, "元")
    XCTAssertEqual(reader.recognition.notes.map(\.code.rawValue), ["schema-chosen"])
    XCTAssertGreaterThanOrEqual(reader.recognition.best?.keywordHits ?? 0, 1)
    let data = try drain(&reader)
    XCTAssertEqual(data.count, 3)
    XCTAssertEqual(data[2].1[7], "１０００００")
    XCTAssertEqual(data[2].1[6], "位于生态保护红线内，“屡查屡犯”")
    XCTAssertEqual(data[0].1[1], "乌审旗市场监督管理局")
  }

  func testAlipayExportPreamble() throws {
    let path = try Corpus.requireFile("deg__example-alipay-records.csv")
    // None of the bureau's ledgers fits a payment export.
    let gov = try TableReader(source: try CSVRowReader(path: path), recognizer: TableRecognizer(ledgers: BuiltinLabels.all))
    XCTAssertFalse(gov.isRecognized)
    XCTAssertEqual(gov.notes.first?.code, .headerNotFound)

    let alipay = LedgerLabels(name: "alipay", title: "支付宝交易记录", fields: [
      FieldLabels(name: "time", title: "交易时间", required: true), FieldLabels(name: "category", title: "交易分类"),
      FieldLabels(name: "counterparty", title: "交易对方"), FieldLabels(name: "direction", title: "收/支", required: true),
      FieldLabels(name: "amount", title: "金额", required: true), FieldLabels(name: "status", title: "交易状态"),
    ])
    var reader = try TableReader(source: try CSVRowReader(path: path), recognizer: TableRecognizer(ledgers: [alipay]))
    guard let t = reader.recognition.table else { return XCTFail("\(reader.notes)") }
    XCTAssertEqual(t.headerRows, 24...24)
    XCTAssertEqual(reader.recognition.notes.filter { $0.code.rawValue == "extra-label" }.count, 6)
    XCTAssertTrue(reader.recognition.notes.contains { $0.code.rawValue == "schema-chosen" })
    XCTAssertTrue(reader.metadata.entries.contains { $0.key == "姓名" && $0.value == "xx" })
    XCTAssertTrue(reader.metadata.entries.contains { $0.key == "起始时间" && $0.value == "[2023-02-10 00:00:00]" })
    XCTAssertTrue(reader.metadata.entries.contains { $0.key == "导出时间" && $0.value == "[2023-02-13 09:12:52]" })
    let data = try drain(&reader)
    XCTAssertEqual(data.count, 10)
    XCTAssertEqual(data.first?.1[0]?.hasPrefix("2023-02-12 21:32:14"), true)
    XCTAssertEqual(data.last?.1[4], "82.00")
  }
}
