import ByteIO
import CFB
import Tabular
import XCTest
@testable import XLSReader

/// Cells, records and strings: each BIFF feature on a workbook built record by record.
final class XLSReaderTests: XCTestCase {
  private func rows(_ stream: [UInt8], name: String = "Workbook") throws -> (XLSWorkbook, [Row]) {
    let wb = try XLSWorkbook(bytes: CFBBuilder.file(stream: stream, name: name), name: "t.xls")
    let reader = try wb.sheetReader(for: wb.sheets[0])
    var out: [Row] = []
    var row = Row()
    while try reader.nextRow(into: &row) { out.append(row) }
    return (wb, out)
  }

  private func cell(_ rows: [Row], _ a1: String) -> (kind: CellKind, number: Double, text: String, isFormula: Bool)? {
    guard let a = CellAddress(a1: Array(a1.utf8)) else { return nil }
    for r in rows where r.index == a.row {
      if let i = r.cellIndex(column: a.column) { return (r.cells[i].kind, r.cells[i].number, r.text(i), r.cells[i].isFormula) }
    }
    return nil
  }

  func testSharedStringsNumbersAndMergedRangesBeforeTheFirstRow() throws {
    let s = BIFF.workbook(sst: ["序号", "姓名", "张三"], sheetName: "培训台账") { b in
      b.labelSST(0, 0, 0); b.labelSST(0, 1, 1)
      b.number(1, 0, 1); b.labelSST(1, 1, 2)
      b.number(2, 0, 15062719000123)
      b.mergedCells([(3, 4, 0, 1)])
    }
    let (wb, rows) = try rows(s)
    XCTAssertEqual(wb.sheets.map(\.name), ["培训台账"])
    XCTAssertEqual(wb.version, .biff8)
    XCTAssertEqual(cell(rows, "A1")?.text, "序号")
    XCTAssertEqual(cell(rows, "B2")?.text, "张三")
    XCTAssertEqual(cell(rows, "A2")?.kind, .number)
    XCTAssertEqual(cell(rows, "A3")?.text, "15062719000123", "a number keeps its digits as text")
    let reader = try wb.sheetReader(for: wb.sheets[0])
    XCTAssertEqual(reader.mergedRanges.map(\.a1), ["A4:B5"], "merged ranges are known before the first row")
  }

  func testAllFourRKEncodings() throws {
    let s = BIFF.workbook { b in
      b.rk(0, 0, UInt32(bitPattern: Int32(-123) << 2) | 2)  // integer
      b.rk(0, 1, (UInt32(1234) << 2) | 3)  // integer ÷ 100
      let d = (1.5).bitPattern >> 32
      b.rk(0, 2, UInt32(d) & 0xFFFF_FFFC)  // IEEE top 30 bits
      let e = (1234.0).bitPattern >> 32
      b.rk(0, 3, (UInt32(e) & 0xFFFF_FFFC) | 1)  // IEEE ÷ 100
      b.mulRK(1, 0, [(7 << 2) | 2, (8 << 2) | 2, (9 << 2) | 2])
    }
    let (_, rows) = try rows(s)
    XCTAssertEqual(cell(rows, "A1")?.number, -123)
    XCTAssertEqual(cell(rows, "B1")?.number, 12.34)
    XCTAssertEqual(cell(rows, "B1")?.text, "12.34")
    XCTAssertEqual(cell(rows, "C1")?.number, 1.5)
    XCTAssertEqual(cell(rows, "D1")?.number, 12.34)
    XCTAssertEqual([cell(rows, "A2")?.number, cell(rows, "B2")?.number, cell(rows, "C2")?.number], [7, 8, 9])
  }

  func testDatesByNumberFormatLikeXLSX() throws {
    let s = BIFF.workbook(globals: { b in
      b.format(164, "yyyy\"年\"m\"月\"d\"日\"")
      b.format(165, "0.00\"元\"")
      b.xf(format: 164)  // 16
      b.xf(format: 31)  // 17: built-in CJK date (yyyy"年"m"月"d"日")
      b.xf(format: 165)  // 18
      b.xf(format: 46)  // 19: [h]:mm:ss
    }) { b in
      b.number(0, 0, 45000, xf: 16); b.number(0, 1, 45000, xf: 17); b.number(0, 2, 45000, xf: 18); b.number(0, 3, 1.5, xf: 19)
    }
    let (_, rows) = try rows(s)
    XCTAssertEqual(cell(rows, "A1")?.kind, .date)
    XCTAssertEqual(cell(rows, "B1")?.kind, .date)
    XCTAssertEqual(cell(rows, "C1")?.kind, .number)
    XCTAssertEqual(rows[0].cells[3].kind, .date)
    XCTAssertEqual(rows[0].cells[3].dateKind, .duration)
  }

  func testDateMode1904() throws {
    let s = BIFF.workbook(globals: { $0.dateMode1904() }) { $0.number(0, 0, 1) }
    let (wb, _) = try rows(s)
    XCTAssertEqual(wb.dateSystem, .excel1904)
  }

  func testBooleansErrorsAndFormulaResults() throws {
    let s = BIFF.workbook { b in
      b.boolErr(0, 0, 1, error: false); b.boolErr(0, 1, 0x07, error: true)
      b.formula(1, 0, result: BIFF.f64(42.5))
      b.formula(1, 1, result: [0, 0, 0, 0, 0, 0, 0xFF, 0xFF]); b.string("合计")
      b.formula(1, 2, result: [1, 0, 1, 0, 0, 0, 0xFF, 0xFF])
      b.formula(1, 3, result: [2, 0, 0x2A, 0, 0, 0, 0xFF, 0xFF])
      b.formula(1, 4, result: [3, 0, 0, 0, 0, 0, 0xFF, 0xFF])
    }
    let (_, rows) = try rows(s)
    XCTAssertEqual(cell(rows, "A1")?.kind, .boolean); XCTAssertEqual(cell(rows, "A1")?.number, 1)
    XCTAssertEqual(cell(rows, "B1")?.kind, .error); XCTAssertEqual(cell(rows, "B1")?.text, "#DIV/0!")
    XCTAssertEqual(cell(rows, "A2")?.number, 42.5); XCTAssertEqual(cell(rows, "A2")?.isFormula, true)
    XCTAssertEqual(cell(rows, "B2")?.text, "合计"); XCTAssertEqual(cell(rows, "B2")?.kind, .string)
    XCTAssertEqual(cell(rows, "C2")?.kind, .boolean)
    XCTAssertEqual(cell(rows, "D2")?.text, "#N/A")
    XCTAssertEqual(cell(rows, "E2")?.kind, .string); XCTAssertEqual(cell(rows, "E2")?.text, "")
  }

  /// An SST string split by a CONTINUE record in the middle of its characters, the first half
  /// compressed (8-bit) and the second UTF-16: the CONTINUE starts with its own flags byte.
  func testSSTStringSplitAcrossContinueSwitchingToUTF16() throws {
    var b = BIFF()
    b.bof(globals: true)
    let at = b.boundSheet("S")
    // "ABC" compressed in the SST record, then "执法" in UTF-16 in a CONTINUE, then a second string.
    b.record(0x00FC, BIFF.u32(2) + BIFF.u32(2) + BIFF.u16(5) + [0] + Array("ABC".utf8))
    var cont: [UInt8] = [1]
    for u in "执法".utf16 { cont += BIFF.u16(Int(u)) }
    cont += BIFF.unicode("第二")
    b.record(0x003C, cont)
    b.eof()
    b.patchSheetOffset(at)
    b.bof(globals: false)
    b.labelSST(0, 0, 0); b.labelSST(0, 1, 1)
    b.eof()
    let (_, rows) = try rows(b.bytes)
    XCTAssertEqual(cell(rows, "A1")?.text, "ABC执法")
    XCTAssertEqual(cell(rows, "B1")?.text, "第二")
  }

  /// BIFF5 (`Book` stream): 8-bit text in the CODEPAGE's encoding — GBK here (code page 936).
  func testBIFF5TextInGBK() throws {
    var b = BIFF()
    b.bof(globals: true, biff5: true)
    b.codePage(936)
    let gbkName: [UInt8] = [0xC5, 0xE0, 0xD1, 0xB5]  // 培训
    let at = b.boundSheet("", biff5Name: gbkName)
    b.eof()
    b.patchSheetOffset(at)
    b.bof(globals: false, biff5: true)
    b.labelBIFF5(0, 0, [0xD5, 0xC5, 0xC8, 0xFD])  // 张三
    b.number(0, 1, 3)
    b.eof()
    let (wb, rows) = try rows(b.bytes, name: "Book")
    XCTAssertEqual(wb.version, .biff5)
    XCTAssertEqual(wb.sheets.first?.name, "培训")
    XCTAssertEqual(cell(rows, "A1")?.text, "张三")
  }

  func testRowsWrittenOutOfOrderAreSorted() throws {
    let s = BIFF.workbook(sst: ["a", "b", "c"]) { b in
      b.labelSST(2, 0, 2); b.labelSST(0, 1, 1); b.labelSST(0, 0, 0)
    }
    let (_, rows) = try rows(s)
    XCTAssertEqual(rows.map(\.index), [0, 2])
    XCTAssertEqual(rows[0].cells.map(\.column), [0, 1])
    XCTAssertEqual(rows[0].text(0), "a")
  }

  func testChartAndMacroSheetsAreListedNotRead() throws {
    var b = BIFF()
    b.bof(globals: true)
    let a1 = b.boundSheet("数据")
    let a2 = b.boundSheet("图表", type: 2)
    b.eof()
    b.patchSheetOffset(a1); b.bof(globals: false); b.number(0, 0, 1); b.eof()
    b.patchSheetOffset(a2); b.record(0x0809, BIFF.u16(0x0600) + BIFF.u16(0x0020) + [UInt8](repeating: 0, count: 12)); b.eof()
    let wb = try XLSWorkbook(bytes: CFBBuilder.file(stream: b.bytes))
    XCTAssertEqual(wb.sheets.map(\.name), ["数据"])
    XCTAssertEqual(wb.nonWorksheets.map(\.kind), [.chartsheet])
  }

  func testFuzzEntryPointDrainsEveryRow() throws {
    let s = BIFF.workbook(sst: ["x"]) { b in for r in 0..<100 { b.labelSST(r, 0, 0); b.number(r, 1, Double(r)) } }
    let n = try XLSWorkbook.readAll(bytes: CFBBuilder.file(stream: s))
    XCTAssertEqual(n.rows, 100)
    XCTAssertEqual(n.cells, 200)
  }

  /// Version 4 files (4096-byte sectors) read like version 3 ones.
  func testFourKiBSectors() throws {
    let s = BIFF.workbook(sst: ["四千"]) { b in for r in 0..<2000 { b.labelSST(r, 0, 0); b.rk(r, 1, UInt32(r << 2) | 2) } }
    let v3 = try XLSWorkbook.readAll(bytes: CFBBuilder.file(stream: s))
    let f4 = CFBBuilder.file(stream: s, sectorShift: 12)
    let v4 = try XLSWorkbook.readAll(bytes: f4)
    XCTAssertEqual(v4.rows, 2000)
    XCTAssertEqual(v4.cells, v3.cells)
    XCTAssertEqual(try CompoundFile(source: MemorySource(f4)).sectorSize, 4096)
  }

  /// A workbook stream of a hundred sectors, read in runs of contiguous sectors.
  func testLargeSheetAcrossManySectors() throws {
    let s = BIFF.workbook(sst: ["行"]) { b in for r in 0..<2000 { b.labelSST(r, 0, 0); b.rk(r, 1, UInt32(r << 2) | 2) } }
    let (_, rows) = try rows(s)
    XCTAssertEqual(rows.count, 2000)
    XCTAssertEqual(rows.last?.cells[1].number, 1999)
  }
}
