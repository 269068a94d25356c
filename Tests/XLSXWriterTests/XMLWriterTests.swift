import XCTest
import XMLStream

final class XMLWriterTests: XCTestCase {
  private func ooxml(_ s: String) -> String {
    var w = XMLWriter()
    w.ooxmlText(s)
    return String(decoding: w.bytes, as: UTF8.self)
  }

  func testEscapesMarkupCharacters() {
    var w = XMLWriter()
    w.text("a<b>&\"c\"")
    w.attribute("v", "x\"<&\n\t")
    XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), "a&lt;b&gt;&amp;\"c\" v=\"x&quot;&lt;&amp;&#10;&#9;\"")
  }

  func testOOXMLEscapesIllegalCharactersAndLiteralEscapes() {
    XCTAssertEqual(ooxml("a\u{1}b"), "a_x0001_b")
    XCTAssertEqual(ooxml("x\u{FFFF}"), "x_xFFFF_")
    XCTAssertEqual(ooxml("_x0041_"), "_x005F_x0041_")
    XCTAssertEqual(ooxml("_x004_ and _y0041_ and _x"), "_x004_ and _y0041_ and _x")
    XCTAssertEqual(ooxml("培训\n学时\t"), "培训\n学时\t")
  }

  func testInvalidUTF8BecomesReplacementCharacter() {
    var w = XMLWriter()
    let bad: [UInt8] = [0x61, 0xFF, 0x62, 0xED, 0xA0, 0x80]
    bad.withUnsafeBufferPointer { w.text(bytes: $0) }
    XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), "a\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}")
  }

  func testNumbers() {
    var w = XMLWriter()
    for v in [0, 7, -42, Int.max, Int.min] { w.integer(v); w.raw(" ") }
    for d in [32.5, 32.0, -0.1, 1e-5, 1e20, 0.1 + 0.2] { w.double(d); w.raw(" ") }
    XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self),
                   "0 7 -42 9223372036854775807 -9223372036854775808 32.5 32 -0.1 1e-05 1e+20 0.30000000000000004 ")
  }

  func testPlainNumberRecogniser() {
    for ok in ["32.50", "15062719000123", "-0.5", "1.5E3", "1e-05", "0"] {
      var s = ok
      XCTAssertTrue(s.withUTF8 { XMLWriter.isPlainNumber($0) }, ok)
    }
    for bad in ["+1", ".5", "1.", " 1", "1,000", "NaN", "", "-", "1e", "0x10", "1.5.2"] {
      var s = bad
      XCTAssertFalse(s.withUTF8 { XMLWriter.isPlainNumber($0) }, bad)
    }
  }
}
