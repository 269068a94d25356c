import XCTest
import Foundation
@testable import Tabular

final class CellAddressTests: XCTestCase {
  func testA1RoundTrip() {
    for (a1, r, c) in [("A1", 0, 0), ("D17", 16, 3), ("Z9", 8, 25), ("AA1", 0, 26), ("XFD1048576", 1_048_575, 16_383)] {
      let a = CellAddress(a1)
      XCTAssertEqual(a?.row, r, a1)
      XCTAssertEqual(a?.column, c, a1)
      XCTAssertEqual(a?.a1, a1)
    }
    XCTAssertEqual(CellAddress("$B$3"), CellAddress(row: 2, column: 1))
    XCTAssertEqual(CellAddress("b3"), CellAddress(row: 2, column: 1))
    // Every column, and rows of every length: the letters and the row number, parsed back to the same cell.
    for c in 0..<CellAddress.maxColumns {
      let r = [0, 8, 9, 99, 12_345, 1_048_575][c % 6]
      let a = CellAddress(row: r, column: c)
      XCTAssertEqual(a.a1, CellAddress.columnName(c) + String(r + 1))
      XCTAssertEqual(CellAddress(a.a1), a)
    }
  }

  func testRejectsBadReferences() {
    for bad in ["", "A", "1", "A0", "XFE1", "A1048577", "1A", "A-1", "ABCD1"] {
      XCTAssertNil(CellAddress(bad), bad)
    }
  }

  func testRanges() {
    XCTAssertEqual(CellRange("A1:C2")?.rowCount, 2)
    XCTAssertEqual(CellRange("C2:A1")?.a1, "A1:C2")
    XCTAssertEqual(CellRange("A6")?.a1, "A6")
    XCTAssertTrue(CellRange("B2:D9")!.contains(CellAddress("C5")!))
    XCTAssertFalse(CellRange("B2:D9")!.contains(CellAddress("E5")!))
  }
}

final class DateSystemTests: XCTestCase {
  func testExcel1900() {
    let ds = DateSystem.excel1900
    XCTAssertEqual(ds.components(serial: 1)?.isoDate, "1900-01-01")
    XCTAssertEqual(ds.components(serial: 59)?.isoDate, "1900-02-28")
    XCTAssertEqual(ds.components(serial: 60)?.isoDate, "1900-02-29")
    XCTAssertEqual(ds.components(serial: 61)?.isoDate, "1900-03-01")
    XCTAssertEqual(ds.components(serial: 44197)?.isoDateTime, "2021-01-01T00:00:00")
    XCTAssertEqual(ds.components(serial: 45120.5)?.isoDateTime, "2023-07-13T12:00:00")
    XCTAssertEqual(ds.serial(year: 2023, month: 7, day: 13), 45120)
    XCTAssertEqual(ds.serial(year: 1900, month: 1, day: 1), 1)
    XCTAssertEqual(ds.serial(year: 1900, month: 3, day: 1), 61)
  }

  func testExcel1904() {
    let ds = DateSystem.excel1904
    XCTAssertEqual(ds.components(serial: 0)?.isoDate, "1904-01-01")
    XCTAssertEqual(ds.serial(year: 2021, month: 1, day: 1), 44197 - 1462)
  }

  func testValidity() {
    XCTAssertTrue(DateSystem.isValid(year: 2024, month: 2, day: 29))
    XCTAssertFalse(DateSystem.isValid(year: 2023, month: 2, day: 29))
    XCTAssertFalse(DateSystem.isValid(year: 2023, month: 13, day: 1))
  }
}

final class RowTests: XCTestCase {
  func testAppendAndReadBack() {
    var row = Row()
    row.append(column: 0, kind: .string, string: "张三")
    row.append(column: 3, kind: .number, number: 32.5, string: "32.50")
    XCTAssertEqual(row.text(0), "张三")
    XCTAssertEqual(row.text(1), "32.50")
    XCTAssertEqual(row.cellIndex(column: 3), 1)
    XCTAssertNil(row.cellIndex(column: 2))
    XCTAssertEqual(row.width, 4)
    row.removeAll()
    XCTAssertTrue(row.cells.isEmpty)
    XCTAssertTrue(row.isBlank)
  }

  func testCellStaysSmall() {
    // The hot value type carries no references: pin its size so nobody adds a String payload.
    XCTAssertLessThanOrEqual(MemoryLayout<Cell>.size, 24)
  }
}

/// The project's one compatibility fold.
final class TextFoldTests: XCTestCase {
  func testFoldsWhatChineseInputMethodsType() {
    XCTAssertEqual(TextFold.folded("ＡＢＣ１２３（）：／"), "ABC123():/")
    XCTAssertEqual(TextFold.folded("３２．５　学时"), "32.5 学时")
    XCTAssertEqual(TextFold.folded("①②⑳"), "1220")
    XCTAssertEqual(TextFold.folded("⑴⒇"), "(1)(20)")
    XCTAssertEqual(TextFold.folded("⒈⒛"), "1.20.")
    XCTAssertEqual(TextFold.folded("面积（㎡）￥"), "面积(m2)¥")
    XCTAssertEqual(TextFold.folded("￠￡￢￣￤￦"), "¢£¬¯¦₩")
  }

  func testLeavesEverythingElseAlone() {
    for s in ["乌审旗市场监督管理局", "苏日娜·巴特尔", "〔2022〕", "—…“”", "abc", "", "\u{2459}\u{249C}\u{33A0}", "\u{FF00}\u{FF5F}"] {
      XCTAssertEqual(TextFold.folded(s), s, s)
    }
  }

  func testTruncatedSequencesAtTheEndAreCopied() {
    let bytes: [UInt8] = [0x41, 0xEF, 0xBC]
    var out: [UInt8] = []
    bytes.withUnsafeBufferPointer { TextFold.appendFolded($0, 0..<3, to: &out) }
    XCTAssertEqual(out, bytes)
  }
}

final class TimestampTests: XCTestCase {
  /// The hand-made timestamps are the ones Foundation's ISO 8601 formatter writes, to the millisecond.
  func testMatchesFoundationsFormatter() {
    let plain = ISO8601DateFormatter()
    plain.formatOptions = [.withInternetDateTime]
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    var rng = SystemRandomNumberGenerator()
    // 1900-01-01 … 2200-01-01, the epoch and leap days.
    var seconds: [Int64] = [0, -1, 86_399, 86_400, 951_782_400, 951_868_799, 1_709_164_800, -2_208_988_800, 7_258_118_399]
    for _ in 0..<3000 { seconds.append(Int64.random(in: -2_208_988_800...7_258_118_400, using: &rng)) }
    for s in seconds {
      let date = Date(timeIntervalSince1970: TimeInterval(s))
      XCTAssertEqual(Timestamp.iso8601(seconds: s), plain.string(from: date), "\(s)")
      let ms = Int.random(in: 0...999, using: &rng)
      XCTAssertEqual(Timestamp.iso8601(seconds: s, milliseconds: ms),
                     fractional.string(from: Date(timeIntervalSince1970: TimeInterval(s) + Double(ms) / 1000 + 0.0001)), "\(s).\(ms)")
    }
    XCTAssertEqual(Timestamp.iso8601(seconds: 1_692_063_000), "2023-08-15T01:30:00Z")
    XCTAssertEqual(Timestamp.iso8601(seconds: 1_692_063_000, milliseconds: 7), "2023-08-15T01:30:00.007Z")
  }

  func testNowIsTheClock() {
    let before = Date().timeIntervalSince1970
    let now = Timestamp.now(milliseconds: true)
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let parsed = try? XCTUnwrap(f.date(from: now)).timeIntervalSince1970
    XCTAssertNotNil(parsed)
    XCTAssertEqual(parsed ?? 0, before, accuracy: 2)
  }
}
