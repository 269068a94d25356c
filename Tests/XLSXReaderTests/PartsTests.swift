import ThreadKit
import XCTest
import Tabular
import TestSupport
import XMLStream
@testable import XLSXReader

final class SharedStringsTests: XCTestCase {
  func read(_ xml: String, plan: ChunkPlan = .whole) throws -> SharedStrings {
    let src = ChunkedBytes(Array(xml.utf8), plan: plan)
    let parser = XMLStreamParser(entry: "xl/sharedStrings.xml", chunkSize: 64, source: src.makeSource())
    return try SharedStrings.read(parser, sizeHint: xml.utf8.count)
  }

  func testRichTextPhoneticAndEscapes() throws {
    let xml = """
      <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">\
      <si><t>plain</t></si>\
      <si><r><rPr><b/></rPr><t xml:space="preserve">Bold </t></r><r><t>tail</t></r></si>\
      <si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>\
      <si><t>line1_x000D__x000A_line2</t></si>\
      <si><t>_x005F_x0041_ and _x0041_ and _xD83D__xDE00_</t></si>\
      <si><t>  trimmed  </t></si>\
      <si><t/></si>\
      </sst>
      """
    for plan in ChunkPlan.standard {
      let t = try read(xml, plan: plan)
      XCTAssertEqual(t.count, 7, "\(plan)")
      XCTAssertEqual(t[0], "plain")
      XCTAssertEqual(t[1], "Bold tail")
      XCTAssertEqual(t[2], "東京")
      XCTAssertEqual(t[3], "line1\r\nline2")
      XCTAssertEqual(t[4], "_x0041_ and A and 😀")
      XCTAssertEqual(t[5], "trimmed")
      XCTAssertEqual(t[6], "")
      XCTAssertNil(t[7])
      XCTAssertNil(t[-1])
    }
  }
}

final class NumberFormatTests: XCTestCase {
  func testBuiltInIDs() {
    for id in [14, 15, 16, 17, 22, 27, 30, 36, 50, 57, 58] {
      XCTAssertEqual(NumberFormat.dateKind(id: id, code: nil), .dateTime, "id \(id)")
    }
    for id in [18, 19, 20, 21, 45, 47] { XCTAssertEqual(NumberFormat.dateKind(id: id, code: nil), .timeOfDay, "id \(id)") }
    XCTAssertEqual(NumberFormat.dateKind(id: 46, code: nil), .duration)
    for id in [0, 1, 2, 9, 10, 11, 12, 13, 23, 26, 37, 44, 48, 49, 59, 164] {
      XCTAssertNil(NumberFormat.dateKind(id: id, code: nil), "id \(id)")
    }
  }

  func testCustomCodes() {
    let table: [(String, DateKind?)] = [
      ("yyyy\"年\"m\"月\"d\"日\"", .dateTime),
      ("[$-804]yyyy年m月d日", .dateTime),
      ("yyyy-mm-dd", .dateTime),
      ("yyyy/m/d h:mm", .dateTime),
      ("mmm-yy", .dateTime),
      ("mmmm", .dateTime),
      ("h:mm:ss", .timeOfDay),
      ("h:mm AM/PM", .timeOfDay),
      ("mm:ss.0", .timeOfDay),
      ("[h]:mm:ss", .duration),
      ("[mm]:ss", .duration),
      ("[ss]", .duration),
      ("0.00", nil),
      ("#,##0.00_);[Red](#,##0.00)", nil),
      ("[Red]0.00", nil),
      ("0.00\"d\"", nil),
      ("\\d0", nil),
      ("@", nil),
      ("General", nil),
      ("0.00E+00", nil),
      ("#,##0\" 元\";-#,##0\" 元\"", nil),
      ("[DBNum1][$-804]General", nil),
    ]
    for (code, kind) in table {
      XCTAssertEqual(NumberFormat.dateKind(code: code), kind, code)
    }
  }

  func testStylesPart() throws {
    let xml = """
      <styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>\
      <numFmt numFmtId="165" formatCode="0.00"/></numFmts>\
      <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>\
      <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="46"/><xf numFmtId="31"/></cellXfs></styleSheet>
      """
    let s = try Styles.read(XMLEventReader(bytes: Array(xml.utf8)))
    XCTAssertNil(s.dateKind(style: 0))
    XCTAssertEqual(s.dateKind(style: 1), .dateTime)
    XCTAssertNil(s.dateKind(style: 2))
    XCTAssertEqual(s.dateKind(style: 3), .duration)
    XCTAssertEqual(s.dateKind(style: 4), .dateTime)
    XCTAssertNil(s.dateKind(style: 99))
  }
}

final class RelationshipsTests: XCTestCase {
  func testResolve() {
    XCTAssertEqual(Relationships.resolve("worksheets/sheet1.xml", from: "xl/workbook.xml"), "xl/worksheets/sheet1.xml")
    XCTAssertEqual(Relationships.resolve("/xl/worksheets/sheet1.xml", from: "xl/workbook.xml"), "xl/worksheets/sheet1.xml")
    XCTAssertEqual(Relationships.resolve("../xl/styles.xml", from: "xl/workbook.xml"), "xl/styles.xml")
    XCTAssertEqual(Relationships.resolve("worksheets\\sheet2.xml", from: "xl\\workbook.xml"), "xl/worksheets/sheet2.xml")
    XCTAssertEqual(Relationships.resolve("./sheet1.xml", from: "workbook.xml"), "sheet1.xml")
    XCTAssertEqual(Relationships.relsPath(of: "xl/workbook.xml"), "xl/_rels/workbook.xml.rels")
  }

  func testDateISO() {
    XCTAssertEqual(DateSystem.excel1900.isoString(serial: 44197, kind: .dateTime), "2021-01-01T00:00:00")
    XCTAssertEqual(DateSystem.excel1900.isoString(serial: 0.423726852, kind: .timeOfDay), "10:10:10")
    XCTAssertEqual(DateSystem.excel1900.isoString(serial: 10.632060185, kind: .duration), "P10DT54610.0S")
    XCTAssertEqual(DateSystem.excel1904.isoString(serial: 24472, kind: .dateTime), "1971-01-01T00:00:00")
    XCTAssertEqual(DateSystem.excel1900.isoString(serial: 41224.999988368, kind: .dateTime), "2012-11-11T23:59:58.995000")
  }

  func testParseDouble() {
    for (s, v) in [("15062719000123", 15062719000123.0), ("32.50", 32.5), ("-0.1", -0.1), ("1E-3", 0.001),
                   ("1.7976931348623157E+308", 1.7976931348623157e308), ("0.1234567890123456789", 0.1234567890123456789),
                   ("123456789012345678901234", 123456789012345678901234.0)] {
      let r = Array(s.utf8).withUnsafeBufferPointer { CellValues.parseDouble($0) }
      XCTAssertEqual(r, v, s)
    }
    for bad in ["", "abc", "1.2.3", "0x10", "nan", "inf", "1e"] {
      XCTAssertNil(Array(bad.utf8).withUnsafeBufferPointer { CellValues.parseDouble($0) }, bad)
    }
  }
}

final class PrefetchingSourceTests: XCTestCase {
  func testDeliversBytesInOrderWithAnyChunking() throws {
    let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    for plan in ChunkPlan.standard {
      let up = ChunkedBytes(data, plan: plan)
      let source = PrefetchingSource(bufferSize: 1000, count: 3, upstream: up.makeSource())
      var out: [UInt8] = []
      var buf = [UInt8](repeating: 0, count: 777)
      while true {
        let n = try buf.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { break }
        out.append(contentsOf: buf[0..<n])
      }
      XCTAssertEqual(out, data, "\(plan)")
    }
  }

  func testUpstreamErrorArrivesAfterItsBytes() {
    struct Broken: Error {}
    var sent = 0
    let source = PrefetchingSource(bufferSize: 64, count: 2) { buf in
      if sent >= 300 { throw Broken() }
      buf.initializeMemory(as: UInt8.self, repeating: 7)
      sent += buf.count
      return buf.count
    }
    var total = 0
    var buf = [UInt8](repeating: 0, count: 50)
    XCTAssertThrowsError(try {
      while true {
        let n = try buf.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { break }
        total += n
      }
    }()) { XCTAssertTrue($0 is Broken) }
    XCTAssertGreaterThanOrEqual(total, 256)
  }

  func testAbandonedSourceStopsItsThread() {
    let before = KitThreads.live
    for _ in 0..<20 {
      let up = ChunkedBytes([UInt8](repeating: 1, count: 1 << 20), plan: .whole)
      var source: PrefetchingSource? = PrefetchingSource(bufferSize: 4096, count: 2, upstream: up.makeSource())
      var buf = [UInt8](repeating: 0, count: 10)
      XCTAssertEqual(try buf.withUnsafeMutableBytes { try source!.read(into: $0) }, 10)
      // The producer is blocked with every buffer full, far from the end of its megabyte.
      XCTAssertEqual(KitThreads.live, before + 1)
      source = nil
      XCTAssertEqual(KitThreads.live, before, "releasing the source ended and joined its thread")
    }
    XCTAssertEqual(KitThreads.live, before)
  }
}

final class CustomPropertiesTests: XCTestCase {
  func testEveryValueTypeAsTextFirstNameWins() throws {
    let xml = """
      <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
      <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" \
      xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
      <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="sheetgate.schema"><vt:lpwstr>training-hours</vt:lpwstr></property>\
      <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="sheetgate.agency"><vt:lpwstr>乌审旗司法局 &amp; 办</vt:lpwstr></property>\
      <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="4" name="年度"><vt:i4>2023</vt:i4></property>\
      <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="5" name="sheetgate.schema"><vt:lpwstr>other</vt:lpwstr></property>\
      <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="6" name="空"><vt:lpwstr/></property>\
      </Properties>
      """
    for plan in ChunkPlan.standard {
      let src = ChunkedBytes(Array(xml.utf8), plan: plan)
      let reader = XMLEventReader(entry: "docProps/custom.xml", chunkSize: 64, source: src.makeSource())
      let p = try CustomProperties.parse(reader)
      XCTAssertEqual(p, ["sheetgate.schema": "training-hours", "sheetgate.agency": "乌审旗司法局 & 办", "年度": "2023", "空": ""], "\(plan)")
    }
  }
}
