import CSV
import XCTest

/// `TextDecoding`: whole byte strings in a named encoding, over the CSV reader's decoders.
final class TextDecodingTests: XCTestCase {
  func testEncodings() throws {
    let gbk: [UInt8] = [0xC5, 0xE0, 0xD1, 0xB5, 0x2E, 0x63, 0x73, 0x76]  // 培训.csv
    XCTAssertEqual(TextDecoding.decode(gbk, as: .gb18030), "培训.csv")
    XCTAssertNil(TextDecoding.decode(gbk, as: .utf8))
    XCTAssertEqual(TextDecoding.decode(Array("培训".utf8), as: .utf8), "培训")
    let big5 = try XCTUnwrap(CSVEncoding.named("big5"))
    XCTAssertEqual(TextDecoding.decode([0xB0, 0xEA, 0xAE, 0x61], as: big5), "國家")
    let latin1 = try XCTUnwrap(CSVEncoding.named("latin-1"))
    XCTAssertEqual(TextDecoding.decode([0x63, 0x61, 0x66, 0xE9], as: latin1), "café")
    // A four-byte GB18030 sequence (U+00A5 is 81 30 84 36).
    XCTAssertEqual(TextDecoding.decode([0x81, 0x30, 0x84, 0x36], as: .gb18030), "\u{A5}")
  }

  func testInvalidBytes() {
    let bad: [UInt8] = [0xC5, 0xE0, 0xFF, 0xD1, 0xB5]
    XCTAssertNil(TextDecoding.decode(bad, as: .gb18030))
    let lossy = TextDecoding.decode(bad, as: .gb18030, replacingInvalid: true)
    XCTAssertEqual(lossy.text, "培\u{FFFD}训")
    XCTAssertEqual(lossy.invalidSequences, 1)
    XCTAssertEqual(TextDecoding.decode([0x61, 0xE5, 0x9F], as: .utf8, replacingInvalid: true).invalidSequences, 1)
    XCTAssertEqual(TextDecoding.decode([0xC5], as: .gb18030, replacingInvalid: true).text, "\u{FFFD}")
    XCTAssertFalse(TextDecoding.isValidUTF8([0xE5, 0x9F]))
    XCTAssertTrue(TextDecoding.isValidUTF8(Array("培训".utf8)))
  }
}
