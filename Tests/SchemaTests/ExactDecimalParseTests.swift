import Tabular
import XCTest

@testable import Schema

/// `ExactDecimal.parse` reads short plain decimals (at most 18 bytes of digits, one point and a
/// leading sign) in 64-bit arithmetic; everything else goes through the general reader. The two must
/// agree: a text with `e0` appended takes the general reader and means the same number.
final class ExactDecimalParseTests: XCTestCase {
  func parse(_ s: String) -> ExactDecimal? {
    var s = s
    return s.withUTF8 { ExactDecimal.parse($0) }
  }

  func testShortPlainDecimalsAgreeWithTheGeneralReader() {
    var rng = SplitMix64(seed: 20_261_203)
    let alphabet = Array("0123456789.+-")
    var parsed = 0
    for _ in 0..<50_000 {
      let n = Int.random(in: 1...18, using: &rng)
      // Mostly digits, so that most texts are numbers.
      let s = String((0..<n).map { _ in
        Int.random(in: 0..<4, using: &rng) == 0 ? alphabet.randomElement(using: &rng)! : alphabet[Int.random(in: 0..<10, using: &rng)]
      })
      let fast = parse(s)
      let general = parse(s + "e0")
      XCTAssertEqual(fast, general, s)
      XCTAssertEqual(fast?.scale, general?.scale, s)
      if fast != nil { parsed += 1 }
    }
    XCTAssertGreaterThan(parsed, 10_000)
  }

  func testExamples() {
    XCTAssertEqual(parse("32.50"), ExactDecimal(significand: 3250, scale: 2))
    XCTAssertEqual(parse("32.50")?.scale, 2)
    XCTAssertEqual(parse("-7"), ExactDecimal(-7))
    XCTAssertEqual(parse("+0.5"), ExactDecimal(significand: 5, scale: 1))
    XCTAssertEqual(parse("5."), ExactDecimal(5))
    XCTAssertEqual(parse(".5"), ExactDecimal(significand: 5, scale: 1))
    XCTAssertEqual(parse("99999999999999999"), ExactDecimal(99_999_999_999_999_999))
    XCTAssertEqual(parse("1,234.5"), ExactDecimal(significand: 12_345, scale: 1))
    for bad in ["", ".", "-", "+", "1.2.3", "--1", "1-", "１２", "1 "] { XCTAssertNil(parse(bad), bad) }
  }
}
