import CFB
import Tabular
import XCTest
@testable import XLSReader

/// Every kind of damaged `.xls` (issue 14, point 6) ends in a clear error that names the stream or
/// the record — never a crash, a hang or a huge allocation.
final class XLSBadInputTests: XCTestCase {
  private let good = BIFF.workbook(sst: ["姓名"]) { b in b.labelSST(0, 0, 0); b.number(1, 0, 1) }

  /// Opens and drains the workbook; returns the error's text.
  private func failure(_ file: [UInt8], file f: StaticString = #filePath, line: UInt = #line) -> String {
    do {
      let n = try XLSWorkbook.readAll(bytes: file)
      XCTFail("expected an error, read \(n)", file: f, line: line)
      return ""
    } catch {
      return error.description
    }
  }

  private func put32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) { for k in 0..<4 { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }

  func testGoodFileReads() throws {
    XCTAssertEqual(try XLSWorkbook.readAll(bytes: CFBBuilder.file(stream: good)).cells, 2)
  }

  func testTruncatedFile() {
    let whole = CFBBuilder.file(stream: good)
    let e = failure(Array(whole[0..<(3 * 512 + 100)]))
    XCTAssertTrue(e.contains("stream \"Workbook\""), e)
    XCTAssertTrue(e.contains("ends inside the stream") || e.contains("more than the whole file holds"), e)
    XCTAssertTrue(failure(Array(whole[0..<300])).contains("header"))
  }

  func testFATLoop() {
    var f = CFBBuilder.file(stream: good)
    put32(&f, CFBBuilder.fatOffset + 4 * 4, 2)  // sector 4 → back to sector 2
    let e = failure(f)
    XCTAssertTrue(e.contains("stream \"Workbook\"") && e.contains("comes back to sector 2"), e)
  }

  func testSectorNumberPastTheEnd() {
    var f = CFBBuilder.file(stream: good)
    put32(&f, CFBBuilder.fatOffset + 4 * 2, 100_000)
    let e = failure(f)
    XCTAssertTrue(e.contains("sector 100000") && e.contains("past the end of the file"), e)
  }

  func testDirectoryEntryPointingAtItself() {
    var f = CFBBuilder.file(stream: good)
    put32(&f, CFBBuilder.directoryOffset + 128 + 72, 1)  // entry 1's right sibling is entry 1
    let e = failure(f)
    XCTAssertTrue(e.contains("directory") && e.contains("entry 1 (\"Workbook\") is reached twice"), e)
  }

  func testStreamLargerThanTheFile() {
    var f = CFBBuilder.file(stream: good)
    put32(&f, CFBBuilder.directoryOffset + 128 + 120, 0x7FFF_FFFF)
    let e = failure(f)
    XCTAssertTrue(e.contains("declares 2147483647 bytes, more than the whole file holds"), e)
  }

  func testRecordRunningPastTheStream() {
    var s = BIFF.workbook { b in b.number(0, 0, 1) }
    s.removeLast(4)  // the sheet's EOF
    s += BIFF.u16(0x0203) + BIFF.u16(0xFFF0)
    let e = failure(CFBBuilder.file(stream: s))
    XCTAssertTrue(e.contains("Workbook") && e.contains("record 0x0203") && e.contains("declares 65520 bytes"), e)
  }

  func testSSTIndexPastTheTable() {
    let s = BIFF.workbook(sst: ["一"], sheetName: "台账") { b in b.labelSST(3, 2, 7) }
    let e = failure(CFBBuilder.file(stream: s))
    XCTAssertTrue(e.contains("台账!C4") && e.contains("LABELSST") && e.contains("shared string 7 but the SST has 1 strings"), e)
  }

  func testAbsurdColumn() {
    let s = BIFF.workbook { b in b.number(5, 40_000, 1) }
    let e = failure(CFBBuilder.file(stream: s))
    XCTAssertTrue(e.contains("NUMBER") && e.contains("column 40001 is past Excel's 16384 columns"), e)
    let m = BIFF.workbook { b in b.mulRK(0, 16_380, [2, 2, 2, 2, 2, 2, 2]) }
    XCTAssertTrue(failure(CFBBuilder.file(stream: m)).contains("past Excel's 16384 columns"))
  }

  func testMulRKWhoseColumnsDisagreeWithItsLength() {
    var s = BIFF.workbook { _ in }
    s.removeLast(4)
    s += BIFF.u16(0x00BD) + BIFF.u16(12) + BIFF.u16(0) + BIFF.u16(0) + BIFF.u16(0) + BIFF.u32(2) + BIFF.u16(9)
    s += BIFF.u16(0x000A) + BIFF.u16(0)
    let e = failure(CFBBuilder.file(stream: s))
    XCTAssertTrue(e.contains("MULRK") && e.contains("holds 1 cells but names columns 1 to 10"), e)
  }

  func testEncryptedWorkbook() {
    let s = BIFF.workbook(globals: { $0.record(0x002F, [1, 0, 1, 0, 2, 0] + [UInt8](repeating: 0, count: 48)) }) { _ in }
    let e = failure(CFBBuilder.file(stream: s))
    XCTAssertTrue(e.contains("password-protected") && e.contains("FILEPASS"), e)
  }

  func testNoWorkbookStream() {
    let f = CFBBuilder.file(stream: good, name: "WordDocument")
    let e = failure(f)
    XCTAssertTrue(e.contains("WordDocument"), e)
  }

  /// Random damage anywhere in a good file: an error or a read, never a trap or a hang.
  func testRandomDamageNeverTraps() {
    let base = CFBBuilder.file(stream: BIFF.workbook(sst: ["甲", "乙"]) { b in
      for r in 0..<50 { b.labelSST(r, 0, UInt32(r % 2)); b.rk(r, 1, UInt32(r << 2) | 2) }
      b.mergedCells([(0, 1, 0, 0)])
    })
    var x: UInt64 = 0x5EED
    for _ in 0..<300 {
      var f = base
      for _ in 0..<4 {
        x = x &* 6364136223846793005 &+ 1442695040888963407
        let at = Int((x >> 33) % UInt64(f.count))
        f[at] = UInt8(truncatingIfNeeded: x >> 13)
      }
      _ = try? XLSWorkbook.readAll(bytes: f)
    }
  }
}
