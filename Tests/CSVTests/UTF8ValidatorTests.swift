@testable import CSV
import XCTest

final class UTF8ValidatorTests: XCTestCase {
  /// The offset of the first invalid sequence per Swift's own decoder, or nil when `bytes` is valid UTF-8.
  private func referenceError(_ bytes: [UInt8]) -> Bool {
    var it = bytes.makeIterator()
    var d = UTF8()
    while true {
      switch d.decode(&it) {
      case .scalarValue: continue
      case .emptyInput: return false
      case .error: return true
      }
    }
  }

  /// Runs the validator over `bytes` cut into two chunks at `cut`; true when it reports an error
  /// (or an unfinished sequence at the end).
  private func validatorError(_ bytes: [UInt8], cut: Int) -> Bool {
    var v = UTF8Validator()
    for part in [Array(bytes[..<cut]), Array(bytes[cut...])] {
      let step = part.withUnsafeBytes { v.validate($0) }
      if step.errorAt != nil { return true }
    }
    return v.isInsideSequence
  }

  func testAgreesWithSwiftsDecoderOnRandomBytesAndEveryChunkSplit() {
    var rng = SystemRandomNumberGenerator()
    // Mostly CJK, ASCII and boundary bytes, so both valid and subtly invalid sequences are common.
    let pieces: [[UInt8]] = [
      Array("培训学时".utf8), Array("abc,".utf8), Array("𠀀".utf8), [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
      [0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xC2, 0xA0], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80],
      [0xE4, 0xB8], [0x80], [0xFF], [0xE9, 0xBF, 0xBF], [0xF0, 0x9F, 0x98, 0x80],
    ]
    for _ in 0..<3000 {
      var bytes: [UInt8] = []
      for _ in 0..<Int.random(in: 1...8, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
      let expected = referenceError(bytes)
      for cut in 0...bytes.count {
        XCTAssertEqual(validatorError(bytes, cut: cut), expected, "\(bytes) cut at \(cut)")
      }
    }
  }
}
