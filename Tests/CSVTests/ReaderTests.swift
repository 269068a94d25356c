import CSV
import Foundation
import Tabular
import TestSupport
import XCTest

final class ReaderTests: XCTestCase {
  func testGBKLedgerIsDetectedAndDecodedAtEveryBufferSize() throws {
    for size in [16, 17, 31, 64, 1000, 256 * 1024] {
      var r = try CSVRowReader(bytes: Fixtures.ledgerGBK, options: .init(bufferSize: size))
      XCTAssertEqual(r.encoding, "gb18030", "buffer \(size)")
      XCTAssertEqual(try readAll(&r), Fixtures.ledgerRows, "buffer \(size)")
      if size > 1000 { XCTAssertEqual(r.lineEndings, .crlf) }  // sniffing sees the first buffer only
      XCTAssertFalse(r.hasBOM)
    }
  }

  func testGB18030FourByteSequencesDecode() throws {
    // "€" is A2 E3 in GB18030; "😀" U+1F600 is the four-byte 94 39 FC 36.
    let bytes: [UInt8] = Array("a,b\r\n".utf8) + [0xD6, 0xD0, 0x2C, 0x94, 0x39, 0xFC, 0x36, 0x2C, 0xA2, 0xE3, 0x0D, 0x0A]
    for size in [16, 17, 18, 19, 64] {
      var r = try CSVRowReader(bytes: bytes, options: .init(encoding: "GB18030", bufferSize: size))
      XCTAssertEqual(try readAll(&r), [["a", "b"], ["中", "😀", "€"]], "buffer \(size)")
    }
  }

  func testUTF8WithBOM() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("序号,姓名\n1,乌力吉·巴特尔\n".utf8)
    var r = try CSVRowReader(bytes: bytes)
    XCTAssertEqual(r.encoding, "utf-8-sig")
    XCTAssertTrue(r.hasBOM)
    XCTAssertEqual(try readAll(&r), [["序号", "姓名"], ["1", "乌力吉·巴特尔"]])
  }

  func testUTF16LittleEndianWithAndWithoutBOM() throws {
    let text = "序号,姓名\r\n1,张\u{3000}三\r\n"
    let le = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    for (bytes, name) in [([0xFF, 0xFE] + le, "utf-16"), (le, "utf-16-le")] {
      for size in [16, 17, 4096] {
        var r = try CSVRowReader(bytes: bytes, options: .init(bufferSize: size))
        XCTAssertEqual(r.encoding, name)
        XCTAssertEqual(try readAll(&r), [["序号", "姓名"], ["1", "张\u{3000}三"]], "\(name) buffer \(size)")
      }
    }
  }

  func testShiftJISByOverrideAndByDetection() throws {
    var r = try CSVRowReader(bytes: Fixtures.shiftJIS, options: .init(encoding: "Shift_JIS"))
    XCTAssertEqual(r.encoding, "Shift_JIS")
    XCTAssertEqual(try readAll(&r), [["名前", "年齢"], ["山田", "30"], ["ｶﾀｶﾅ", "25"]])
    let detected = try CSVRowReader(bytes: Fixtures.shiftJIS)
    XCTAssertEqual(detected.encoding, "shift_jis")
  }

  func testInvalidUTF8AfterTheDetectionPrefixIsAnErrorWithItsOffset() throws {
    var bytes = Array("id,name\n".utf8)
    while bytes.count < 100_000 { bytes += Array("1,abc\n".utf8) }
    let lines = bytes.filter { $0 == 0x0A }.count
    let offset = bytes.count + 2
    bytes += Array("2,".utf8) + [0xD5, 0xC5] + Array("\n".utf8)
    var r = try CSVRowReader(bytes: bytes, name: "late.csv")
    XCTAssertEqual(r.encoding, "utf-8")
    var row = Row()
    var count = 0
    do {
      while try r.next(into: &row) { count += 1 }
      XCTFail("expected an encoding error")
    } catch {
      XCTAssertEqual(error.code, .encodingError)
      XCTAssertEqual(error.location.byteOffset, offset)
      XCTAssertEqual(error.location.file, "late.csv")
      XCTAssertEqual(error.location.line, lines + 1)
      XCTAssertTrue(error.detail.contains("UTF-8"))
    }
    XCTAssertEqual(count, lines)
  }

  func testUndecodableGBByteIsAnErrorWithItsOffset() throws {
    var bytes = Fixtures.ledgerGBK
    let offset = bytes.count - 3
    bytes.insert(0xFF, at: offset)
    for size in [16, 4096] {
      var r = try CSVRowReader(bytes: bytes, options: .init(bufferSize: size))
      XCTAssertEqual(r.encoding, "gb18030")
      XCTAssertThrowsError(try readAll(&r)) { e in
        XCTAssertEqual((e as? CSVReadError)?.code, .encodingError)
        XCTAssertEqual((e as? CSVReadError)?.location.byteOffset, offset, "buffer \(size)")
      }
    }
  }

  func testRaggedRecordsAreKeptAndCounted() throws {
    var r = try CSVRowReader(bytes: Array("a,b,c\n1,2\n3,4,5,6\n\n7,8,9\n".utf8), options: .init(raggedRecordLimit: 1))
    var row = Row()
    var widths: [Int] = []
    var lines: [Int] = []
    var indices: [Int] = []
    while try r.nextRow(into: &row) { widths.append(row.cells.count); lines.append(row.line); indices.append(row.index) }
    XCTAssertEqual(widths, [3, 2, 4, 0, 3])
    XCTAssertEqual(lines, [1, 2, 3, 4, 5])
    XCTAssertEqual(indices, [0, 1, 2, 3, 4])
    XCTAssertEqual(r.headerWidth, 3)
    XCTAssertEqual(r.raggedRecordCount, 2)
    XCTAssertEqual(r.raggedRecords, [CSVRaggedRecord(index: 1, line: 2, width: 2)])
  }

  func testEmptyInputHasNoRows() throws {
    var r = try CSVRowReader(bytes: [])
    XCTAssertEqual(try readAll(&r), [])
    XCTAssertEqual(r.encoding, "utf-8")
    XCTAssertNil(r.headerWidth)
  }

  func testDelimiterSniffing() throws {
    XCTAssertEqual(try CSVRowReader(bytes: Array("a;b;c\n1;\"2;x\";3\n".utf8)).delimiter, ";")
    XCTAssertEqual(try CSVRowReader(bytes: Array("a\tb\n1,5\t2\n".utf8)).delimiter, "\t")
    XCTAssertEqual(try CSVRowReader(bytes: Array("a|b\n1|2\n".utf8)).delimiter, "|")
    XCTAssertEqual(try CSVRowReader(bytes: Array("序号，姓名\n1，张三\n".utf8)).delimiter, ",")
    var wide = try CSVRowReader(bytes: Array("序号，姓名\n1，张三\n".utf8), options: .init(delimiter: CSVDialect.fullWidthComma))
    XCTAssertEqual(try readAll(&wide), [["序号", "姓名"], ["1", "张三"]])
  }

  func testUnknownEncodingAndMissingFileAreClearErrors() {
    XCTAssertThrowsError(try CSVRowReader(bytes: [0x61], options: .init(encoding: "no-such-encoding"))) { e in
      XCTAssertEqual((e as? CSVReadError)?.code, .unknownEncoding)
    }
    XCTAssertThrowsError(try CSVRowReader(path: "/nonexistent/台账.csv")) { e in
      XCTAssertEqual((e as? CSVReadError)?.code, .fileNotFound)
      XCTAssertEqual((e as? CSVReadError)?.location.file, "/nonexistent/台账.csv")
    }
    // A folder is not a CSV file (ByteIO's FileSource opens regular files only).
    XCTAssertThrowsError(try CSVRowReader(path: NSTemporaryDirectory())) { e in
      XCTAssertEqual((e as? CSVReadError)?.code, .cannotOpen)
      XCTAssertTrue((e as? CSVReadError)?.detail.contains("not a regular file") == true, "\(e)")
    }
  }

  func testReadingAFileMatchesReadingItsBytes() throws {
    let dir = try temporaryFolder(self)
    let path = dir.appendingPathComponent("ledger.csv").path
    try Data(Fixtures.ledgerGBK).write(to: URL(fileURLWithPath: path))
    var r = try CSVRowReader(path: path, options: .init(bufferSize: 20))
    XCTAssertEqual(try readAll(&r), Fixtures.ledgerRows)
  }

  func testHostileBytesNeverCrash() {
    var g = SplitMix64(seed: 7)
    for round in 0..<300 {
      let bytes = (0..<Int(g.next() % 300)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      for size in [16, 33] {
        for enc in [nil, "GB18030", "UTF-16LE", "Shift_JIS"] as [String?] {
          do {
            var r = try CSVRowReader(bytes: bytes, options: .init(encoding: enc, bufferSize: size))
            _ = try readAll(&r)
          } catch let e as CSVReadError {
            XCTAssertEqual(e.code, .encodingError, "round \(round)")
            XCTAssertNotNil(e.location.byteOffset)
          } catch {
            XCTFail("unexpected \(error)")
          }
        }
      }
    }
  }
}
