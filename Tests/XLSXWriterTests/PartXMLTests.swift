@testable import XLSXWriter
import Tabular
import TestSupport
import XCTest
import XMLStream

/// Exact XML of each part, as libxlsxwriter's unit tests assert it.
final class PartXMLTests: XCTestCase {
  private let head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

  private func xml(_ body: (inout XMLWriter) -> Void) -> String {
    var w = XMLWriter()
    body(&w)
    return String(decoding: w.bytes, as: UTF8.self)
  }

  func testStylesDefault() {
    let s = StyleRegistry()
    XCTAssertEqual(xml { s.write(into: &$0) }, head
      + "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      + "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font></fonts>"
      + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
      + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
      + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
      + "<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs>"
      + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
      + "<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/>"
      + "</styleSheet>")
  }

  func testStylesRegistryDeduplicates() {
    var s = StyleRegistry()
    let a = s.id(for: CellStyle(numberFormat: "yyyy-mm-dd"))
    let b = s.id(for: CellStyle(numberFormat: "#,##0.00"))
    let c = s.id(for: .header)
    let d = s.id(for: CellStyle(fontColor: "c00000", fillColor: "FFC7CE", locked: false))
    XCTAssertEqual([a, b, c, d].map(\.rawValue), [1, 2, 3, 4])
    XCTAssertEqual(s.id(for: CellStyle(numberFormat: "yyyy-mm-dd")), a)
    XCTAssertEqual(s.id(for: CellStyle(numberFormat: "@")).rawValue, 5)
    let out = xml { s.write(into: &$0) }
    XCTAssertTrue(out.contains("<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/></numFmts>"), out)
    XCTAssertTrue(out.contains("<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font>"))
    XCTAssertTrue(out.contains("<font><sz val=\"11\"/><color rgb=\"FFC00000\"/><name val=\"Calibri\"/>"))
    XCTAssertTrue(out.contains("<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFD9D9D9\"/><bgColor indexed=\"64\"/></patternFill></fill>"))
    XCTAssertTrue(out.contains("<xf numFmtId=\"4\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"))
    XCTAssertTrue(out.contains("<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\"><alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/></xf>"))
    XCTAssertTrue(out.contains("applyProtection=\"1\"><protection locked=\"0\"/></xf>"))
    XCTAssertTrue(out.contains("<xf numFmtId=\"49\" "))
  }

  func testSharedStringsDeduplicateAndPreserveSpaces() {
    let t = SharedStringTable()
    func idx(_ s: String) -> Int { var s = s; return s.withUTF8 { t.index(of: $0) } }
    XCTAssertEqual([idx("王伟"), idx(" lead"), idx("王伟"), idx("a&b"), idx("_x0041_")], [0, 1, 0, 2, 3])
    var w = XMLWriter()
    t.write(into: &w, chunk: 1 << 20) { _ in }
    XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), head
      + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"5\" uniqueCount=\"4\">"
      + "<si><t>王伟</t></si><si><t xml:space=\"preserve\"> lead</t></si><si><t>a&amp;b</t></si>"
      + "<si><t>_x005F_x0041_</t></si></sst>")
  }

  func testSharedStringTableGrowsAndKeepsIndices() {
    let t = SharedStringTable()
    for i in 0..<50_000 { var s = "s\(i)"; XCTAssertEqual(s.withUTF8 { t.index(of: $0) }, i) }
    for i in stride(from: 0, to: 50_000, by: 997) { var s = "s\(i)"; XCTAssertEqual(s.withUTF8 { t.index(of: $0) }, i) }
    XCTAssertEqual(t.uniqueCount, 50_000)
    XCTAssertEqual(String(decoding: t.bytes(49_999), as: UTF8.self), "s49999")
  }

  func testContentTypes() {
    var c = ContentTypes()
    c.add(part: "/xl/worksheets/sheet1.xml", type: ContentTypes.worksheet)
    c.hasVML = true
    XCTAssertEqual(xml { c.write(into: &$0) }, head
      + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      + "<Default Extension=\"vml\" ContentType=\"application/vnd.openxmlformats-officedocument.vmlDrawing\"/>"
      + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
      + "</Types>")
  }

  func testRelationships() {
    var r = Relationships()
    XCTAssertEqual(r.add(type: Relationships.worksheet, target: "worksheets/sheet1.xml"), "rId1")
    XCTAssertEqual(r.add(type: Relationships.styles, target: "styles.xml"), "rId2")
    XCTAssertEqual(xml { r.write(into: &$0) }, head
      + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
      + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
      + "</Relationships>")
  }

  func testWorkbookWithHiddenFirstSheetAndFilter() {
    let out = xml {
      WorkbookPart.write(sheets: [.init(name: "代码表", hidden: true, filterDatabase: nil),
                                  .init(name: "台账", hidden: false, filterDatabase: "'台账'!$A$1:$C$9")],
                         date1904: false, into: &$0)
    }
    XCTAssertEqual(out, head
      + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      + "<workbookPr/><bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\" firstSheet=\"1\" activeTab=\"1\"/></bookViews>"
      + "<sheets><sheet name=\"代码表\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/><sheet name=\"台账\" sheetId=\"2\" r:id=\"rId2\"/></sheets>"
      + "<definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"1\" hidden=\"1\">'台账'!$A$1:$C$9</definedName></definedNames>"
      + "<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>")
  }

  func testComments() {
    let c = [CellComment(address: CellAddress(row: 2, column: 1), text: "必填", author: "审核")]
    XCTAssertEqual(xml { CommentsPart.write(c, into: &$0) }, head
      + "<comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><authors><author>审核</author></authors>"
      + "<commentList><comment ref=\"B3\" authorId=\"0\"><text><r><rPr><sz val=\"9\"/><color indexed=\"81\"/><rFont val=\"Tahoma\"/><family val=\"2\"/></rPr>"
      + "<t>必填</t></r></text></comment></commentList></comments>")
  }

  func testVMLDrawing() {
    let c = [CellComment(address: CellAddress(row: 2, column: 1), text: "x", author: "a")]
    let out = xml { VMLDrawing.write(c, sheetNumber: 1, into: &$0) }
    XCTAssertTrue(out.hasPrefix("<xml xmlns:v=\"urn:schemas-microsoft-com:vml\""))
    XCTAssertTrue(out.contains("<o:idmap v:ext=\"edit\" data=\"1\"/>"))
    XCTAssertTrue(out.contains("<v:shape id=\"_x0000_s1025\" type=\"#_x0000_t202\""))
    XCTAssertTrue(out.contains("<x:Anchor>2, 15, 1, 10, 4, 15, 5, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>2</x:Row><x:Column>1</x:Column>"))
    XCTAssertTrue(out.hasSuffix("</v:shape></xml>"))
  }

  func testDataValidationXML() {
    var v = DataValidation(ranges: [CellRange("B2:B100")!], rule: .list(["是", "否"]), promptTitle: "选择", prompt: "是或否")
    v.error = "只能填是或否"
    XCTAssertEqual(xml { WorksheetXML.writeValidation(v, dateSystem: .excel1900, into: &$0) },
      "<dataValidation type=\"list\" allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\" error=\"只能填是或否\" promptTitle=\"选择\" prompt=\"是或否\" sqref=\"B2:B100\"><formula1>\"是,否\"</formula1></dataValidation>")
    let d = DataValidation(ranges: [CellRange("C2:C9")!], rule: .date(from: DateTimeComponents(year: 2023, month: 1, day: 1), to: nil))
    XCTAssertEqual(xml { WorksheetXML.writeValidation(d, dateSystem: .excel1900, into: &$0) },
      "<dataValidation type=\"date\" operator=\"greaterThanOrEqual\" allowBlank=\"1\" showErrorMessage=\"1\" sqref=\"C2:C9\"><formula1>44927</formula1></dataValidation>")
    let n = DataValidation(ranges: [CellRange("D2:D9")!], rule: .wholeNumber(min: 0, max: 200))
    XCTAssertEqual(xml { WorksheetXML.writeValidation(n, dateSystem: .excel1900, into: &$0) },
      "<dataValidation type=\"whole\" allowBlank=\"1\" showErrorMessage=\"1\" sqref=\"D2:D9\"><formula1>0</formula1><formula2>200</formula2></dataValidation>")
  }

  func testProtectionXMLAndPasswordHash() {
    XCTAssertEqual(SheetProtection.hash("password"), "83AF")  // libxlsxwriter's test value
    var p = SheetProtection(password: "password")
    p.allowAutoFilter = true
    XCTAssertEqual(xml { WorksheetXML.writeProtection(p, into: &$0) },
                   "<sheetProtection password=\"83AF\" sheet=\"1\" objects=\"1\" scenarios=\"1\" autoFilter=\"0\"/>")
  }

  func testCoreProperties() {
    let p = DocumentProperties(title: "台账", author: "法制科", created: DateTimeParts(year: 2024, month: 6, day: 1, hour: 8, minute: 30))
    XCTAssertEqual(xml { DocProps.writeCore(p, into: &$0) }, head
      + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      + "<dc:title>台账</dc:title><dc:creator>法制科</dc:creator><cp:lastModifiedBy>法制科</cp:lastModifiedBy>"
      + "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-06-01T08:30:00Z</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">2024-06-01T08:30:00Z</dcterms:modified>"
      + "</cp:coreProperties>")
  }

  func testDisplayWidthCountsCJKDouble() {
    var s = "培训ab\nx"
    XCTAssertEqual(s.withUTF8 { WorksheetWriter.displayWidth($0) }, 6)
  }
}
