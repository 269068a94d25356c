import XCTest
import TestSupport
@testable import XMLStream

/// Flattens a document into strings such as `<x:row r=1>`, `text:abc`, `</x:row>`.
private func events(_ xml: String, plan: ChunkPlan = .whole, chunkSize: Int = 64 << 10) throws -> [String] {
  let src = ChunkedBytes(Array(xml.utf8), plan: plan)
  let r = XMLEventReader(entry: "test.xml", chunkSize: chunkSize, source: src.makeSource())
  var out: [String] = []
  while true {
    switch try r.nextEvent() {
    case .startElement:
      let attrs = r.allAttributes.map { " \($0.name)=\($0.value)" }.joined()
      out.append("<\(r.name.string)\(attrs)>")
    case .endElement: out.append("</\(r.name.string)>")
    case .text: out.append("text:" + r.textString)
    case .endDocument: return out
    }
  }
}

final class XMLEventReaderTests: XCTestCase {
  let sample = """
    <?xml version="1.0" encoding="UTF-8"?>\
    <x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData>\
    <x:row r="1" spans="1:2"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is>\
    <x:t xml:space="preserve"> a &amp; b <![CDATA[<c>]]> 中文 &#x41;</x:t></x:is></x:c></x:row>\
    </x:sheetData></x:worksheet>
    """

  func testEventsAndLocalNames() throws {
    let e = try events(sample)
    XCTAssertEqual(e.first, "<x:worksheet xmlns:x=http://purl.oclc.org/ooxml/spreadsheetml/main>")
    XCTAssertTrue(e.contains("<x:row r=1 spans=1:2>"))
    XCTAssertTrue(e.contains("text: a & b <c> 中文 A"))
    XCTAssertEqual(e.last, "</x:worksheet>")
  }

  func testChunkingGivesIdenticalEvents() throws {
    let reference = try events(sample)
    for plan in ChunkPlan.standard {
      XCTAssertEqual(try events(sample, plan: plan, chunkSize: 16), reference, "\(plan)")
    }
  }

  func testLocalNameAndPrefix() throws {
    let r = XMLEventReader(bytes: Array(#"<x:row xml:space="preserve" r:id="rId1"/>"#.utf8))
    XCTAssertEqual(try r.nextEvent(), .startElement)
    XCTAssertTrue(r.name.isLocal("row"))
    XCTAssertEqual(XMLBytes.string(r.name.prefix), "x")
    XCTAssertEqual(r.attributeString("id"), "rId1")
    XCTAssertEqual(r.attributeString("space"), "preserve")
    XCTAssertNil(r.attributeString("missing"))
    XCTAssertEqual(try r.nextEvent(), .endElement)
    XCTAssertEqual(try r.nextEvent(), .endDocument)
    XCTAssertEqual(try r.nextEvent(), .endDocument)
  }

  func testMalformedErrorCarriesLocation() {
    XCTAssertThrowsError(try events("<a>\n<b></a>")) { error in
      guard let e = error as? XMLError else { return XCTFail("\(error)") }
      XCTAssertEqual(e.code, .malformed)
      XCTAssertEqual(e.entry, "test.xml")
      XCTAssertEqual(e.line, 2)
      XCTAssertGreaterThan(e.byteOffset, 0)
    }
  }

  func testTruncatedDocument() {
    XCTAssertThrowsError(try events("<a><b>text")) { error in
      XCTAssertEqual((error as? XMLError)?.code, .truncated, "\(error)")
    }
  }

  func testBillionLaughsIsRefused() {
    var xml = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
    for i in 1...9 {
      let prev = i == 1 ? "lol" : "lol\(i - 1)"
      xml += "<!ENTITY lol\(i) \"" + String(repeating: "&\(prev);", count: 10) + "\">"
    }
    xml += "]><lolz>&lol9;</lolz>"
    XCTAssertThrowsError(try events(xml)) { error in
      XCTAssertEqual((error as? XMLError)?.code, .entityDeclaration, "\(error)")
    }
  }

  func testExternalEntityIsNeverLoaded() {
    let xml = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#
    XCTAssertThrowsError(try events(xml)) { error in
      XCTAssertEqual((error as? XMLError)?.code, .entityDeclaration, "\(error)")
    }
  }

  func testSourceErrorPropagates() {
    struct Boom: Error {}
    let r = XMLEventReader { _ in throw Boom() }
    XCTAssertThrowsError(try r.nextEvent()) { XCTAssertTrue($0 is Boom) }
  }
}

/// A push handler that suspends at each `</row>`, as the sheet reader does.
private final class RowCounter: XMLHandler {
  var rows = 0
  var cells = 0
  var text: [UInt8] = []
  weak var parser: XMLStreamParser?
  func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    if name.isLocal("c") { cells += 1 }
  }
  func endElement(_ name: XMLName) {
    if name.isLocal("row") { rows += 1; parser?.suspend() }
  }
  func characters(_ t: UnsafeBufferPointer<UInt8>) { text.append(contentsOf: t) }
}

private struct Bad: Error {}

private final class Failing: XMLHandler {
  weak var parser: XMLStreamParser?
  func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    if name.isLocal("b") { parser?.fail(Bad()) }
  }
  func endElement(_ name: XMLName) {}
  func characters(_ text: UnsafeBufferPointer<UInt8>) {}
}

final class XMLStreamParserTests: XCTestCase {
  func testSuspendPerRow() throws {
    var xml = "<sheetData>"
    for i in 1...50 { xml += "<row r=\"\(i)\"><c><v>\(i)</v></c><c><v>x</v></c></row>" }
    xml += "</sheetData>"
    for plan in ChunkPlan.standard {
      let src = ChunkedBytes(Array(xml.utf8), plan: plan)
      let p = XMLStreamParser(chunkSize: 37, source: src.makeSource())
      let h = RowCounter()
      h.parser = p
      p.setHandler(h)
      var suspensions = 0
      while try p.parse() {
        suspensions += 1
        XCTAssertEqual(h.rows, suspensions)
      }
      XCTAssertEqual(h.rows, 50, "\(plan)")
      XCTAssertEqual(h.cells, 100)
      XCTAssertFalse(try p.parse())
    }
  }

  func testHandlerFailure() {
    let p = XMLStreamParser(bytes: Array("<a><b/></a>".utf8))
    let h = Failing()
    h.parser = p
    p.setHandler(h)
    XCTAssertThrowsError(try p.parse()) { XCTAssertTrue($0 is Bad) }
  }
}
