import XCTest
import Tabular
import TestSupport
import XMLStream
@testable import XLSXReader

/// Renders every emitted cell as `A1=kind:text` (dates with their serial).
private func dump(_ xml: String, context: WorkbookContext = WorkbookContext(), chunkSize: Int = 64 << 10) throws -> [String] {
  let reader = try SheetReader(sheetXML: Array(xml.utf8), context: context, chunkSize: chunkSize)
  var row = Row()
  var out: [String] = []
  while try reader.nextRow(into: &row) {
    for (k, c) in row.cells.enumerated() {
      let a1 = CellAddress(row: row.index, column: Int(c.column)).a1
      var s = "\(a1)=\(c.kind):\(row.text(k))"
      if c.kind == .date { s += "@\(c.number)/\(c.dateKind)" }
      if c.kind == .number || c.kind == .boolean { s += "#\(c.number)" }
      if row.isHidden { s += " hidden" }
      out.append(s)
    }
  }
  return out
}

private func sheet(_ body: String, prefix: String = "", ns: String = "http://schemas.openxmlformats.org/spreadsheetml/2006/main") -> String {
  let p = prefix.isEmpty ? "" : prefix + ":"
  let decl = prefix.isEmpty ? "xmlns=\"\(ns)\"" : "xmlns:\(prefix)=\"\(ns)\""
  return "<?xml version=\"1.0\"?><\(p)worksheet \(decl)><\(p)dimension ref=\"A1\"/><\(p)sheetData>\(body)</\(p)sheetData>"
    + "<\(p)mergeCells count=\"1\"><\(p)mergeCell ref=\"A1:B2\"/></\(p)mergeCells></\(p)worksheet>"
}

final class SheetReaderTests: XCTestCase {
  var context: WorkbookContext {
    var sst = SharedStrings()
    sst.bytes = Array("hello世界".utf8)
    sst.ends = [5, UInt32(sst.bytes.count)]
    var styles = Styles()
    styles.dateKinds = [0, DateKind.dateTime.rawValue + 1, DateKind.timeOfDay.rawValue + 1]
    return WorkbookContext(sharedStrings: sst, styles: styles, dateSystem: .excel1900)
  }

  func testCellTypes() throws {
    let xml = sheet("""
      <row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1"><v>15062719000123</v></c><c r="C1"><v>32.50</v></c>\
      <c r="D1" t="b"><v>1</v></c><c r="E1" t="e"><v>#DIV/0!</v></c><c r="F1" t="str"><f>A1&amp;"x"</f><v>世界x</v></c>\
      <c r="G1" s="1"><v>44197.5</v></c><c r="H1" s="2"><v>0.5</v></c><c r="I1" t="d"><v>2021-01-01T12:00:00</v></c>\
      <c r="J1"><f>SUM(B1:C1)</f></c><c r="K1" s="1"/><c r="L1" t="inlineStr"><is><r><t xml:space="preserve">a </t></r>\
      <r><t><![CDATA[<b>]]></t></r><rPh><t>ignored</t></rPh></is></c></row>
      """)
    XCTAssertEqual(try dump(xml, context: context), [
      "A1=string:世界", "B1=number:15062719000123#15062719000123.0", "C1=number:32.50#32.5", "D1=boolean:1#1.0",
      "E1=error:#DIV/0!", "F1=string:世界x", "G1=date:44197.5@44197.5/dateTime", "H1=date:0.5@0.5/timeOfDay",
      "I1=date:2021-01-01T12:00:00@44197.5/dateTime", "J1=formulaWithoutValue:SUM(B1:C1)", "L1=string:a <b>",
    ])
  }

  /// An inline string with no text is "" (Excel writes `<is><t xml:space="preserve"></t></is>`; Excel,
  /// openpyxl and python-calamine read it as an empty string); a cell typed inlineStr without `<is>` is empty.
  func testEmptyInlineStringsReadAsEmptyText() throws {
    let xml = sheet("""
      <row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"></t></is></c>\
      <c r="B1" t="inlineStr"><is><t/></is></c><c r="C1" t="inlineStr"><is></is></c>\
      <c r="D1" t="inlineStr"><is><r><t></t></r></is></c><c r="E1" t="inlineStr"/>\
      <c r="F1" t="inlineStr"><is><t xml:space="preserve"> </t></is></c><c r="G1"><v></v></c>\
      <c r="H1" t="inlineStr"><is><t>培训</t></is></c></row>
      """)
    XCTAssertEqual(try dump(xml), ["A1=string:", "B1=string:", "C1=string:", "D1=string:", "F1=string: ", "H1=string:培训"])
    // Whitespace without xml:space="preserve" is trimmed to no value (python-calamine; the corpus's
    // calamine__minimal_package.xlsx has thousands of such cells).
    XCTAssertEqual(try dump(sheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t> </t></is></c><c r="B1" t="inlineStr"><is><r><t> </t></r><r><t xml:space="preserve"></t></r></is></c></row>"#)), [])
    // Every chunk boundary gives the same cells.
    for size in [1, 7, 64] { XCTAssertEqual(try dump(xml, chunkSize: size), try dump(xml)) }
  }

  func testCellsAndRowsWithoutReferences() throws {
    let xml = sheet("""
      <row><c><v>1</v></c><c><v>2</v></c></row><row><c r="C2"><v>3</v></c><c><v>4</v></c></row>\
      <row r="5" hidden="1"><c t="inlineStr"><is><t>x</t></is></c></row><row><c><v>6</v></c></row><row r="9"/>
      """)
    XCTAssertEqual(try dump(xml), [
      "A1=number:1#1.0", "B1=number:2#2.0", "C2=number:3#3.0", "D2=number:4#4.0", "A5=string:x hidden", "A6=number:6#6.0",
    ])
  }

  func testMergesAndDimensionKnownBeforeFirstRow() throws {
    let reader = try SheetReader(sheetXML: Array(sheet("<row r=\"3\"><c r=\"B3\"><v>1</v></c></row>").utf8))
    XCTAssertEqual(reader.mergedRanges.map(\.a1), ["A1:B2"])
    XCTAssertEqual(reader.declaredDimension?.a1, "A1")
    XCTAssertNil(reader.computedDimension)
    var row = Row()
    XCTAssertTrue(try reader.nextRow(into: &row))
    XCTAssertFalse(try reader.nextRow(into: &row))
    XCTAssertEqual(reader.computedDimension?.a1, "B3")
  }

  func testPrefixedAndStrictNamespaces() throws {
    let body = "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>p</x:t></x:is></x:c><x:c r=\"B1\"><x:v>2</x:v></x:c></x:row>"
    let strict = sheet(body, prefix: "x", ns: "http://purl.oclc.org/ooxml/spreadsheetml/main")
    XCTAssertEqual(try dump(strict), ["A1=string:p", "B1=number:2#2.0"])
    let reader = try SheetReader(sheetXML: Array(strict.utf8))
    XCTAssertEqual(reader.mergedRanges.map(\.a1), ["A1:B2"])
  }

  func testDate1904() throws {
    var ctx = context
    ctx.dateSystem = .excel1904
    let xml = sheet("<row r=\"1\"><c r=\"A1\" t=\"d\"><v>1971-01-01</v></c><c r=\"B1\" s=\"1\"><v>24472</v></c></row>")
    XCTAssertEqual(try dump(xml, context: ctx), ["A1=date:1971-01-01@24472.0/dateTime", "B1=date:24472@24472.0/dateTime"])
    XCTAssertEqual(ctx.dateSystem.isoString(serial: 24472, kind: .dateTime), "1971-01-01T00:00:00")
  }

  func testBadSharedStringIndexIsAnErrorWithLocation() {
    let xml = sheet("<row r=\"4\"><c r=\"C4\" t=\"s\"><v>99</v></c></row>")
    XCTAssertThrowsError(try dump(xml, context: context)) { error in
      guard let e = error as? XLSXReadError else { return XCTFail("\(error)") }
      XCTAssertEqual(e.code, .badSharedStringIndex)
      XCTAssertEqual(e.location.a1, "C4")
      XCTAssertNotNil(e.location.line)
    }
  }

  func testBadCellReference() {
    XCTAssertThrowsError(try dump(sheet("<row><c r=\"A0\"><v>1</v></c></row>"))) { error in
      XCTAssertEqual((error as? XLSXReadError)?.code, .badCellReference)
    }
  }

  func testXMLBombRejected() {
    var xml = "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\">"
    for i in 1...8 { xml += "<!ENTITY a\(i) \"" + String(repeating: "&a\(i == 1 ? "" : String(i - 1));", count: 10) + "\">" }
    xml += "]><worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&a8;</t></is></c></row></sheetData></worksheet>"
    XCTAssertThrowsError(try dump(xml)) { error in
      XCTAssertEqual((error as? XLSXReadError)?.code, .malformedXML, "\(error)")
    }
  }

  func testTruncatedSheet() {
    let xml = String(sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>2</v></c></row>").prefix(150))
    XCTAssertThrowsError(try dump(xml)) { error in
      XCTAssertEqual((error as? XLSXReadError)?.code, .malformedXML, "\(error)")
    }
  }

  func testChunkingGivesIdenticalRows() throws {
    var body = ""
    for r in 1...40 {
      body += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"s\"><v>\(r % 2)</v></c><c r=\"B\(r)\"><v>\(Double(r) / 8)</v></c>"
        + "<c r=\"C\(r)\" t=\"inlineStr\"><is><t>行\(r)_x000D_</t></is></c><c r=\"D\(r)\" s=\"1\"><v>\(44000 + r)</v></c></row>"
    }
    let xml = sheet(body)
    let reference = try dump(xml, context: context)
    XCTAssertEqual(reference.count, 160)
    for size in [1, 7, 13, 4096] {
      XCTAssertEqual(try dump(xml, context: context, chunkSize: size), reference, "chunk \(size)")
    }
  }
}

final class WorkbookTests: XCTestCase {
  func testStrictWorkbook() throws {
    let wb = try Workbook(path: try Corpus.requireFile("poi__sample.strict.xlsx"))
    XCTAssertFalse(wb.sheets.isEmpty)
    var row = Row()
    let reader = try wb.sheetReader(at: 0)
    XCTAssertTrue(try reader.nextRow(into: &row))
  }

  func testMissingSharedStringsAndRelsTolerated() throws {
    let wb = try Workbook(path: try Corpus.requireFile("calamine__minimal_package.xlsx"))
    XCTAssertEqual(wb.context.sharedStrings.count, 0)
    XCTAssertEqual(wb.sheets.map(\.name), ["Sheet1"])
    XCTAssertGreaterThan(try wb.readAllRows(sheet: 0).count, 10)
  }

  func testEncryptedWorkbookIsNamed() throws {
    let path = try Corpus.requireFile("excelize__encryptAES.xlsx")
    XCTAssertThrowsError(try Workbook(path: path)) { error in
      XCTAssertEqual((error as? XLSXReadError)?.code, .encrypted, "\(error)")
    }
  }

  func testMissingFile() {
    let path = NSTemporaryDirectory() + "/sheetgate-does-not-exist-\(UUID().uuidString).xlsx"
    XCTAssertThrowsError(try Workbook(path: path)) { error in
      XCTAssertEqual((error as? XLSXReadError)?.code, .cannotOpen, "\(error)")
    }
  }

  func testNotAZip() {
    XCTAssertThrowsError(try Workbook(path: Corpus.repositoryRoot(filePath: #filePath) + "/README.md")) { error in
      XCTAssertEqual((error as? XLSXReadError)?.code, .notAWorkbook, "\(error)")
    }
  }
}

/// Mutated sheet XML must give rows or a clear error — never a trap or a hang.
final class SheetReaderRobustnessTests: XCTestCase {
  func testMutatedSheetsNeverTrap() {
    var seed: UInt64 = 0x9E3779B97F4A7C15
    func next() -> UInt64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
    var body = ""
    for r in 1...12 {
      body += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"s\"><v>\(r % 3)</v></c><c r=\"B\(r)\" s=\"1\"><v>\(44000 + r)</v></c>"
        + "<c r=\"C\(r)\" t=\"inlineStr\"><is><r><t>x_x0041_</t></r><rPh><t>y</t></rPh></is></c>"
        + "<c r=\"D\(r)\"><f>A\(r)</f></c><c t=\"d\"><v>2020-01-0\(r % 9 + 1)</v></c></row>"
    }
    let base = Array(sheet(body).utf8)
    let alphabet = Array("<>/=\"' &;:_xrcvtsfis0123456789AZ$-.".utf8)
    var sst = SharedStrings()
    sst.bytes = Array("abc".utf8)
    sst.ends = [1, 2, 3]
    var styles = Styles()
    styles.dateKinds = [0, 1]
    let ctx = WorkbookContext(sharedStrings: sst, styles: styles)
    var errors = 0
    for _ in 0..<1500 {
      var bytes = base
      for _ in 0..<Int(next() % 6 + 1) {
        let pos = Int(next() % UInt64(bytes.count))
        switch next() % 3 {
        case 0: bytes[pos] = alphabet[Int(next() % UInt64(alphabet.count))]
        case 1: bytes.remove(at: pos)
        default: bytes.insert(contentsOf: bytes[pos..<min(bytes.count, pos + Int(next() % 40))], at: pos)
        }
      }
      do {
        let reader = try SheetReader(sheetXML: bytes, context: ctx, chunkSize: Int(next() % 300 + 1))
        var row = Row()
        var n = 0
        while try reader.nextRow(into: &row) { n += 1; XCTAssertLessThan(n, 10_000) }
      } catch {
        XCTAssertFalse(error.detail.isEmpty)
        errors += 1
      }
    }
    XCTAssertGreaterThan(errors, 0)
  }
}
