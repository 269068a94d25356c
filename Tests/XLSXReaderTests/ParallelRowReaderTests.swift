import XCTest
import Tabular
import TestSupport
import XMLStream
@testable import XLSXReader

/// Every row (index, hidden, cells) and the error, if any, as text.
private func readAll(_ bytes: [UInt8], context: WorkbookContext, chunkSize: Int = 64 << 10,
                     parallel: ParallelRowReader.Options?) -> (rows: [String], error: XLSXReadError?) {
  var out: [String] = []
  do {
    let reader = try SheetReader(sheetXML: bytes, context: context, sheetName: "S", chunkSize: chunkSize,
                                 parallel: parallel)
    var row = Row()
    while try reader.nextRow(into: &row) {
      out.append(row.dumpLine(prefix: ""))
    }
    if let d = reader.computedDimension { out.append("dim \(d.a1)") }
    if let d = reader.declaredDimension { out.append("declared \(d.a1)") }
    return (out, nil)
  } catch {
    return (out, error)
  }
}

final class ParallelRowReaderTests: XCTestCase {
  let context: WorkbookContext = {
    var sst = SharedStrings()
    sst.bytes = Array("abc世界".utf8)
    sst.ends = [1, 2, 3, UInt32(sst.bytes.count)]
    var styles = Styles()
    styles.dateKinds = [0, DateKind.dateTime.rawValue + 1]
    return WorkbookContext(sharedStrings: sst, styles: styles)
  }()

  static let optionSets: [ParallelRowReader.Options] = [
    .init(pieceSize: 64, slots: 2, workers: 0), .init(pieceSize: 100, slots: 3, workers: 1),
    .init(pieceSize: 257, slots: 4, workers: 2), .init(pieceSize: 4096, slots: 2, workers: 1),
    .init(pieceSize: 1 << 20, slots: 8, workers: 1),
  ]

  private func body(rows: Int, prefix p: String = "", withoutReferences: Bool = false) -> String {
    var s = ""
    for r in 1...rows {
      let rr = withoutReferences && r % 3 != 1 ? "" : " r=\"\(r * 2)\""
      let cr = withoutReferences ? "" : " r=\"A\(r * 2)\""
      s += "<\(p)row\(rr)\(r % 5 == 0 ? " hidden=\"1\"" : "")>\n"
        + "<\(p)c\(cr) t=\"s\"><\(p)v>\(r % 4)</\(p)v></\(p)c>"
        + "<\(p)c s=\"1\"><\(p)v>\(44000 + r)</\(p)v></\(p)c>"
        + "<\(p)c t=\"inlineStr\"><\(p)is><\(p)t xml:space=\"preserve\"> x&lt;row \(r)</\(p)t></\(p)is></\(p)c>"
        + "<\(p)c><\(p)f>A\(r)*2</\(p)f><\(p)v>\(r).50</\(p)v></\(p)c>"
        + "<\(p)c t=\"b\"><\(p)v>1</\(p)v></\(p)c></\(p)row>"
    }
    return s
  }

  private func sheet(_ body: String, prefix: String = "", head: String = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") -> [UInt8] {
    let p = prefix.isEmpty ? "" : prefix + ":"
    let decl = prefix.isEmpty ? "xmlns=\"urn:m\"" : "xmlns:\(prefix)=\"urn:m\""
    return Array((head + "<\(p)worksheet \(decl)><\(p)dimension ref=\"A1:E9\"/><\(p)sheetData>\(body)</\(p)sheetData>"
      + "<\(p)mergeCells count=\"1\"><\(p)mergeCell ref=\"A1:B2\"/></\(p)mergeCells></\(p)worksheet>").utf8)
  }

  private func assertSame(_ bytes: [UInt8], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    let expected = readAll(bytes, context: context, parallel: nil)
    for o in Self.optionSets {
     for chunkSize in [37, 1000, 64 << 10] {  // how much of the rows the head parse has already read
      let got = readAll(bytes, context: context, chunkSize: chunkSize, parallel: o)
      XCTAssertEqual(got.rows, expected.rows, "\(label) \(o)", file: file, line: line)
      XCTAssertEqual(got.error?.code, expected.error?.code, "\(label) \(o)", file: file, line: line)
      XCTAssertEqual(got.error?.location.row, expected.error?.location.row, "\(label) \(o)", file: file, line: line)
      XCTAssertEqual(got.error?.location.line, expected.error?.location.line, "\(label) \(o)", file: file, line: line)
     }
    }
  }

  func testPiecesGiveTheSameRows() {
    assertSame(sheet(body(rows: 60)), "plain")
    assertSame(sheet(body(rows: 60, prefix: "x:"), prefix: "x"), "prefixed")
    assertSame(sheet(body(rows: 60, withoutReferences: true)), "rows without r")
    assertSame(sheet(""), "no rows")
    assertSame(Array("<worksheet><sheetData/></worksheet>".utf8), "empty sheetData")
    assertSame(Array("<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>".utf8), "one row")
  }

  func testUnusualMarkupFallsBackToTheSequentialParser() {
    let rows = body(rows: 40)
    let half = rows.index(rows.startIndex, offsetBy: rows.count / 2)
    for insert in ["<!-- <row r=\"999\"><c><v>1</v></c></row> -->", "<?pi <row ?>",
                   "<row r=\"99\"><c t=\"inlineStr\"><is><t><![CDATA[<row r=\"1\">]]></t></is></c></row>"] {
      assertSame(sheet(String(rows[..<half]) + insert + String(rows[half...])), insert)
    }
    assertSame(sheet(rows, head: "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ATTLIST c t CDATA \"s\">]>"), "DTD")
    assertSame(sheet(rows, head: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"), "latin-1")
  }

  func testErrorsAreReportedWhereTheSequentialParserReportsThem() {
    let rows = body(rows: 50)
    let bad = rows.replacingOccurrences(of: "<v>3</v></c><c s=\"1\"><v>44031", with: "<v>7</v></c><c s=\"1\"><v>44031")
    XCTAssertNotEqual(bad, rows)
    assertSame(sheet(bad), "bad shared string")
    let truncated = sheet(rows)
    assertSame(Array(truncated[0..<(truncated.count * 2 / 3)]), "truncated")
    assertSame(sheet(rows.replacingOccurrences(of: "</c></row>\n<row r=\"60\"", with: "</row>\n<row r=\"60\"")), "unclosed")
    assertSame(sheet(rows.replacingOccurrences(of: "r=\"70\"", with: "r=\"x\"")), "bad row number")
  }

  func testMutatedSheetsReadAsSequentially() {
    var seed: UInt64 = 0x2545F4914F6CDD1D
    func next() -> UInt64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
    let base = sheet(body(rows: 30))
    let alphabet = Array("<>/=\"' &;:_xrcvtsfis0123456789AZ$-.!?[]".utf8)
    for round in 0..<400 {
      var bytes = base
      for _ in 0..<Int(next() % 4 + 1) {
        let pos = Int(next() % UInt64(bytes.count))
        switch next() % 3 {
        case 0: bytes[pos] = alphabet[Int(next() % UInt64(alphabet.count))]
        case 1: bytes.remove(at: pos)
        default: bytes.insert(contentsOf: bytes[pos..<min(bytes.count, pos + Int(next() % 60))], at: pos)
        }
      }
      let expected = readAll(bytes, context: context, parallel: nil)
      let o = Self.optionSets[round % 3]
      let got = readAll(bytes, context: context, chunkSize: [37, 500, 64 << 10][round % 3], parallel: o)
      XCTAssertEqual(got.rows, expected.rows, "round \(round) \(o)")
      XCTAssertEqual(got.error?.code, expected.error?.code, "round \(round) \(o)")
      XCTAssertEqual(got.error?.location.row, expected.error?.location.row, "round \(round)")
    }
  }

  func testDroppingTheReaderEarlyStopsItsThreads() throws {
    for o in Self.optionSets {
      let reader = try SheetReader(sheetXML: sheet(body(rows: 300)), context: context, sheetName: "S",
                                   chunkSize: 1 << 16, parallel: o)
      var row = Row()
      XCTAssertTrue(try reader.nextRow(into: &row))
    }
  }
}
